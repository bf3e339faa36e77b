namespace Bridge.Nn;

/// <summary>The recurrence of torch's RNN modules: tanh or ReLU (RNN), LSTM, GRU.</summary>
public enum RnnMode
{
    /// <summary>Elman RNN with tanh (one gate).</summary>
    RnnTanh,
    /// <summary>Elman RNN with ReLU (one gate).</summary>
    RnnRelu,
    /// <summary>LSTM: input, forget, cell and output gates.</summary>
    Lstm,
    /// <summary>GRU: reset, update and new gates.</summary>
    Gru,
}

public static partial class Functional
{
    /// <summary>Gates per hidden unit: 4 (LSTM), 3 (GRU), 1 (Elman).</summary>
    public static int GateCount(RnnMode mode) => mode switch { RnnMode.Lstm => 4, RnnMode.Gru => 3, _ => 1 };

    /// <summary>
    /// torch's _VF.lstm / gru / rnn_tanh / rnn_relu on a padded sequence ([T, B, I], or [B, T, I] with
    /// <paramref name="batchFirst"/>, or unbatched [T, I]). <paramref name="weights"/> is torch's flat list per layer and
    /// direction: w_ih, w_hh, b_ih, b_hh (the biases only with <paramref name="hasBiases"/>). Missing initial states are zeros.
    /// Returns the last layer's outputs for every step and the final states [layers·directions, B, H].
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) Rnn(RnnMode mode, Tensor input, Tensor? h0, Tensor? c0, IReadOnlyList<Tensor?> weights,
        bool hasBiases, int numLayers, double dropout, bool training, bool bidirectional, bool batchFirst)
    {
        int directions = bidirectional ? 2 : 1;
        var (hidden, outHidden) = CheckWeights(mode, weights, hasBiases, numLayers, directions);
        int inputSize = weights[0]!.Size32(1);
        if (input.Dim() is not (2 or 3)) throw new ArgumentException($"{ModeName(mode)}: Expected input to be 2-D or 3-D but received {input.Dim()}-D tensor");
        bool batched = input.Dim() == 3;
        if (!batched)
        {
            input = input.Unsqueeze(1);
            foreach (var (name, s) in new[] { ("hx", h0), ("cx", c0) })
                if (s is not null && s.Dim() != 2) throw new ArgumentException($"For unbatched 2-D input, {name} should also be 2-D but got {s.Dim()}-D tensor");
            h0 = h0?.Unsqueeze(1);
            c0 = c0?.Unsqueeze(1);
        }
        else
        {
            foreach (var (name, s) in new[] { ("hx", h0), ("cx", c0) })
                if (s is not null && s.Dim() != 3) throw new ArgumentException($"For batched 3-D input, {name} should also be 3-D but got {s.Dim()}-D tensor");
            if (batchFirst) input = input.Transpose(0, 1);
        }
        int steps = input.Size32(0), batch = input.Size32(1);
        if (input.Size(2) != inputSize) throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {inputSize}, got {input.Size(2)}");
        var batchSizes = Enumerable.Repeat(batch, steps).ToArray();
        var (data, hN, cN) = RunStack(mode, input.Reshape(steps * batch, inputSize), batchSizes, h0, c0, weights, hasBiases, numLayers, dropout, training, directions, hidden, outHidden);
        var output = data.Reshape(steps, batch, directions * outHidden);
        if (!batched) return (output.Squeeze(1), hN.Squeeze(1), cN?.Squeeze(1));
        return (batchFirst ? output.Transpose(0, 1) : output, hN, cN);
    }

    /// <summary>The same recurrence over a <see cref="PackedSequence"/>; initial and final states are in the caller's batch order.</summary>
    public static (PackedSequence Output, Tensor H, Tensor? C) Rnn(RnnMode mode, PackedSequence input, Tensor? h0, Tensor? c0, IReadOnlyList<Tensor?> weights,
        bool hasBiases, int numLayers, double dropout, bool training, bool bidirectional)
    {
        int directions = bidirectional ? 2 : 1;
        var (hidden, outHidden) = CheckWeights(mode, weights, hasBiases, numLayers, directions);
        int inputSize = weights[0]!.Size32(1);
        if (input.Data.Size(-1) != inputSize) throw new ArgumentException($"input.size(-1) must be equal to input_size. Expected {inputSize}, got {input.Data.Size(-1)}");
        if (input.SortedIndices is Tensor sorted)
        {
            h0 = h0 is null ? null : PackedSequence.SelectBatch(h0, sorted, 1);
            c0 = c0 is null ? null : PackedSequence.SelectBatch(c0, sorted, 1);
        }
        var (data, hN, cN) = RunStack(mode, input.Data, input.BatchSizes, h0, c0, weights, hasBiases, numLayers, dropout, training, directions, hidden, outHidden);
        if (input.UnsortedIndices is Tensor unsorted)
        {
            hN = PackedSequence.SelectBatch(hN, unsorted, 1);
            cN = cN is null ? null : PackedSequence.SelectBatch(cN, unsorted, 1);
        }
        return (new PackedSequence(data, input.BatchSizes, input.SortedIndices, input.UnsortedIndices), hN, cN);
    }

    static string ModeName(RnnMode mode) => mode switch { RnnMode.Lstm => "LSTM", RnnMode.Gru => "GRU", _ => "RNN" };

    // torch's flat list: per layer and direction w_ih, w_hh[, b_ih, b_hh][, w_hr (LSTM projections)]. Returns the cell's
    // hidden size and the size of h (the projection's, when there is one).
    static (int Hidden, int OutHidden) CheckWeights(RnnMode mode, IReadOnlyList<Tensor?> weights, bool hasBiases, int numLayers, int directions)
    {
        int per = hasBiases ? 4 : 2, stacks = numLayers * directions;
        bool projected = mode == RnnMode.Lstm && weights.Count == (per + 1) * stacks;
        if (projected) per++;
        if (weights.Count != per * stacks)
            throw new ArgumentException($"expected {per * stacks} weights ({numLayers} layers, {directions} directions, {(hasBiases ? "with" : "without")} biases), got {weights.Count}");
        for (int i = 0; i < weights.Count; i++)
            if (weights[i] is null) throw new ArgumentException($"weight {i} of the RNN is missing");
        int hidden = weights[1]!.Size32(0) / GateCount(mode);
        return (hidden, projected ? weights[per - 1]!.Size32(0) : hidden);
    }

    // Layers over packed rows: data is [N, I], step t holds rows offsets[t] .. offsets[t] + batchSizes[t].
    static (Tensor Output, Tensor H, Tensor? C) RunStack(RnnMode mode, Tensor data, int[] batchSizes, Tensor? h0, Tensor? c0, IReadOnlyList<Tensor?> weights,
        bool hasBiases, int numLayers, double dropout, bool training, int directions, int hidden, int outHidden)
    {
        int batch = batchSizes.Length == 0 ? 0 : batchSizes[0];
        int states = numLayers * directions;
        bool lstm = mode == RnnMode.Lstm, projected = lstm && weights.Count == (hasBiases ? 5 : 3) * states;
        var expectedH = new[] { states, batch, outHidden };
        var expectedC = new[] { states, batch, hidden };
        h0 ??= Torch.Zeros(expectedH, data.DType, data.Device);
        if (lstm) c0 ??= Torch.Zeros(expectedC, data.DType, data.Device);
        if (!h0.ShapeArray.SequenceEqual(expectedH))
            throw new ArgumentException($"Expected hidden{(lstm ? "[0]" : "")} size ({string.Join(", ", expectedH)}), got [{string.Join(", ", h0.ShapeArray)}]");
        if (lstm && !c0!.ShapeArray.SequenceEqual(expectedC))
            throw new ArgumentException($"Expected hidden[1] size ({string.Join(", ", expectedC)}), got [{string.Join(", ", c0.ShapeArray)}]");
        var offsets = new int[batchSizes.Length];
        for (int t = 1; t < batchSizes.Length; t++) offsets[t] = offsets[t - 1] + batchSizes[t - 1];
        int per = (hasBiases ? 4 : 2) + (projected ? 1 : 0);
        var hs = new Tensor[states];
        var cs = new Tensor[states];
        var layerInput = data;
        for (int layer = 0; layer < numLayers; layer++)
        {
            var outputs = new Tensor[directions];
            for (int d = 0; d < directions; d++)
            {
                int k = layer * directions + d, w = k * per;
                var wIh = weights[w]!;
                var wHh = weights[w + 1]!;
                var bIh = hasBiases ? weights[w + 2] : null;
                var bHh = hasBiases ? weights[w + 3] : null;
                var wHr = projected ? weights[w + per - 1] : null;
                // One GEMM projects the whole sequence; only the hidden projection stays inside the time loop.
                var inputGates = Linear(layerInput, wIh, bIh);
                (outputs[d], hs[k], var c) = RunDirection(mode, inputGates, batchSizes, offsets, h0.Select(0, k), lstm ? c0!.Select(0, k) : null, wHh, bHh, wHr, hidden, reverse: d == 1);
                if (lstm) cs[k] = c!;
            }
            layerInput = directions == 1 ? outputs[0] : Tensor.Cat(outputs, 1);
            if (dropout > 0 && training && layer < numLayers - 1) layerInput = Dropout(layerInput, dropout, true);
        }
        return (layerInput, Tensor.Stack(hs), lstm ? Tensor.Stack(cs) : null);
    }

    static (Tensor Output, Tensor H, Tensor? C) RunDirection(RnnMode mode, Tensor projected, int[] batchSizes, int[] offsets, Tensor h0, Tensor? c0,
        Tensor wHh, Tensor? bHh, Tensor? wHr, int hidden, bool reverse)
    {
        // LSTM and GRU without projections: the whole direction as one fused node (RecurrentSequence).
        if (wHr is null && RecurrentSequence.Applies(mode, projected, h0, c0, wHh, bHh))
            return RecurrentSequence.Run(mode, projected, batchSizes, offsets, h0, c0, wHh, bHh, hidden, reverse,
                () => RunDirectionStepwise(mode, projected, batchSizes, offsets, h0, c0, wHh, bHh, null, hidden, reverse));
        return RunDirectionStepwise(mode, projected, batchSizes, offsets, h0, c0, wHh, bHh, wHr, hidden, reverse);
    }

    static (Tensor Output, Tensor H, Tensor? C) RunDirectionStepwise(RnnMode mode, Tensor projected, int[] batchSizes, int[] offsets, Tensor h0, Tensor? c0,
        Tensor wHh, Tensor? bHh, Tensor? wHr, int hidden, bool reverse)
    {
        int steps = batchSizes.Length;
        var outputs = new Tensor[steps];
        if (!reverse)
        {
            // Sequences end in order of length: rows leaving the batch keep their last state.
            var doneH = new List<Tensor>();
            var doneC = new List<Tensor>();
            Tensor h = h0, c = c0!;
            int rows = h0.Size32(0);
            for (int t = 0; t < steps; t++)
            {
                int bs = batchSizes[t];
                if (bs < rows)
                {
                    doneH.Add(h.Narrow(0, bs, rows - bs));
                    h = h.Narrow(0, 0, bs);
                    if (c0 is not null)
                    {
                        doneC.Add(c.Narrow(0, bs, rows - bs));
                        c = c.Narrow(0, 0, bs);
                    }
                    rows = bs;
                }
                (h, c) = Step(mode, projected.Narrow(0, offsets[t], bs), h, c, wHh, bHh, wHr, hidden);
                outputs[t] = h;
            }
            doneH.Add(h);
            doneH.Reverse();
            Tensor? finalC = null;
            if (c0 is not null)
            {
                doneC.Add(c);
                doneC.Reverse();
                finalC = doneC.Count == 1 ? c : Tensor.Cat([.. doneC], 0);
            }
            return (Tensor.Cat(outputs, 0), doneH.Count == 1 ? h : Tensor.Cat([.. doneH], 0), finalC);
        }
        else
        {
            // Backwards in time the batch grows: rows joining start from their initial state.
            int rows = steps == 0 ? h0.Size32(0) : batchSizes[steps - 1];
            Tensor h = h0.Narrow(0, 0, rows), c = c0?.Narrow(0, 0, rows)!;
            for (int t = steps - 1; t >= 0; t--)
            {
                int bs = batchSizes[t];
                if (bs > rows)
                {
                    h = Tensor.Cat([h, h0.Narrow(0, rows, bs - rows)], 0);
                    if (c0 is not null) c = Tensor.Cat([c, c0.Narrow(0, rows, bs - rows)], 0);
                    rows = bs;
                }
                (h, c) = Step(mode, projected.Narrow(0, offsets[t], bs), h, c, wHh, bHh, wHr, hidden);
                outputs[t] = h;
            }
            return (Tensor.Cat(outputs, 0), h, c0 is null ? null : c);
        }
    }

    static (Tensor H, Tensor C) Step(RnnMode mode, Tensor xg, Tensor h, Tensor c, Tensor wHh, Tensor? bHh, Tensor? wHr, int hidden)
    {
        var hg = Linear(h, wHh, bHh);
        switch (mode)
        {
            case RnnMode.Lstm:
                var hc = RecurrentCells.Lstm(xg, hg, c);
                var hOut = hc.Narrow(1, 0, hidden);
                return (wHr is null ? hOut : hOut.MatMul(wHr.T()), hc.Narrow(1, hidden, hidden));
            case RnnMode.Gru:
                return (RecurrentCells.Gru(xg, hg, h), c);
            case RnnMode.RnnRelu:
                return ((xg + hg).Relu(), c);
            default:
                return ((xg + hg).Tanh(), c);
        }
    }

    /// <summary>torch.nn.functional's view of nn.LSTMCell: (h', c') from input [B, I] (or [I]) and (h, c).</summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor input, Tensor? h, Tensor? c, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        int hidden = wHh.Size32(1);
        var (x, batched) = CellInput(input, wIh, "LSTMCell");
        h = CellState(h, x, hidden, batched);
        c = CellState(c, x, hidden, batched);
        var hc = RecurrentCells.Lstm(CellLinear(x, wIh, bIh), CellLinear(h, wHh, bHh), c);
        var (hOut, cOut) = (hc.Narrow(1, 0, hidden), hc.Narrow(1, hidden, hidden));
        return batched ? (hOut, cOut) : (hOut.Squeeze(0), cOut.Squeeze(0));
    }

    /// <summary>One GRU step: h' from input [B, I] (or [I]) and h.</summary>
    public static Tensor GruCell(Tensor input, Tensor? h, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null)
    {
        var (x, batched) = CellInput(input, wIh, "GRUCell");
        h = CellState(h, x, wHh.Size32(1), batched);
        var y = RecurrentCells.Gru(CellLinear(x, wIh, bIh), CellLinear(h, wHh, bHh), h);
        return batched ? y : y.Squeeze(0);
    }

    /// <summary>One Elman step: tanh (or ReLU) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh.</summary>
    public static Tensor RnnCell(Tensor input, Tensor? h, Tensor wIh, Tensor wHh, Tensor? bIh = null, Tensor? bHh = null, string nonlinearity = "tanh")
    {
        var (x, batched) = CellInput(input, wIh, "RNNCell");
        h = CellState(h, x, wHh.Size32(1), batched);
        var pre = CellLinear(x, wIh, bIh) + CellLinear(h, wHh, bHh);
        var y = nonlinearity switch
        {
            "tanh" => pre.Tanh(),
            "relu" => pre.Relu(),
            _ => throw new ArgumentException($"Unknown nonlinearity: {nonlinearity}"),
        };
        return batched ? y : y.Squeeze(0);
    }

    static (Tensor X, bool Batched) CellInput(Tensor input, Tensor wIh, string name)
    {
        if (input.Dim() is not (1 or 2)) throw new ArgumentException($"{name}: Expected input to be 1-D or 2-D but received {input.Dim()}-D tensor");
        if (input.Size(-1) != wIh.Size(1)) throw new ArgumentException($"input has inconsistent input_size: got {input.Size(-1)} expected {wIh.Size(1)}");
        return input.Dim() == 1 ? (input.Unsqueeze(0), false) : (input, true);
    }

    static Tensor CellState(Tensor? state, Tensor x, int hidden, bool batched)
    {
        if (state is null) return Torch.Zeros([x.Size(0), hidden], x.DType, x.Device);
        var s = batched ? state : state.Unsqueeze(0);
        if (s.Dim() != 2 || s.Size(0) != x.Size(0) || s.Size(1) != hidden)
            throw new ArgumentException($"hidden state has the wrong shape: expected [{x.Size(0)}, {hidden}], got [{string.Join(", ", state.ShapeArray)}]");
        return s;
    }
}

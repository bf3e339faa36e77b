using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// One direction of an LSTM or GRU layer over a whole (packed or padded) sequence as one autograd node, as cuDNN and
/// torch's fused kernels run it: the input projection of every step arrives as one [N, G·H] matrix (one GEMM, done by
/// the caller), each step does one GEMM for the hidden projection and one vectorised pass over the gates, and the
/// backward keeps the gates' gradients of all steps in one [N, G·H] matrix, so W_hh's and b_hh's gradients are one
/// GEMM and one column sum, and the input projection's gradient is that matrix itself. The step-by-step graph it
/// replaces cost a zero-filled copy of the whole projection per step (each step's slice of it scattered back), which
/// dominated the character-LSTM training step. CPU, float32 and float64; other cases keep the step-by-step graph.
/// </summary>
internal static unsafe class RecurrentSequence
{
    /// <summary>Whether the fused layer runs these operands (CPU, one float dtype, LSTM or GRU, torch-exact math available).</summary>
    public static bool Applies(RnnMode mode, Tensor projected, Tensor h0, Tensor? c0, Tensor wHh, Tensor? bHh)
    {
        if (mode is not (RnnMode.Lstm or RnnMode.Gru) || projected.Device.IsCuda) return false;
        var dtype = projected.DType;
        if (!(dtype == DType.Float32 ? RecurrentKernels.Applies<float>() : dtype == DType.Float64 && RecurrentKernels.Applies<double>())) return false;
        foreach (var t in new[] { h0, c0, wHh, bHh })
            if (t is not null && (t.DType != dtype || t.Device.IsCuda)) return false;
        return true;
    }

    // Copies a contiguous block of rows between two contiguous tensors of one float dtype.
    static void CopyRows(Tensor source, Tensor destination)
    {
        if (source.DType == DType.Float64) source.ContiguousSpan<double>().CopyTo(destination.ContiguousSpan<double>());
        else source.ContiguousSpan<float>().CopyTo(destination.ContiguousSpan<float>());
    }

    static T* Ptr<T>(Tensor t) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.ContiguousSpan<T>()));

    /// <summary>
    /// Runs one direction: <paramref name="projected"/> [N, G·H] holds x·W_ihᵀ + b_ih for every packed row, step t owning
    /// rows offsets[t] .. + batchSizes[t]; returns the outputs [N, H] and the final states [B, H] (c for LSTM only).
    /// <paramref name="stepwise"/> recomputes the same through differentiable ops, for create_graph backwards.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor? C) Run(RnnMode mode, Tensor projected, int[] batchSizes, int[] offsets, Tensor h0, Tensor? c0,
        Tensor wHh, Tensor? bHh, int hidden, bool reverse, Func<(Tensor Output, Tensor H, Tensor? C)> stepwise)
    {
        bool lstm = mode == RnnMode.Lstm;
        int steps = batchSizes.Length, n = steps == 0 ? 0 : offsets[steps - 1] + batchSizes[steps - 1], batch = h0.Size32(0);
        int gates = (lstm ? 4 : 3) * hidden, actWidth = (lstm ? 5 : 4) * hidden;
        var dtype = projected.DType;
        Tensor x, output, hState, hPrevAll, act;
        Tensor? cState = null, cPrevAll = null;
        using (GradMode.Set(false))
        {
            x = projected.Contiguous();
            output = Tensor.Allocate([n, hidden], dtype, Device.Cpu, zero: false);
            hPrevAll = Tensor.Allocate([n, hidden], dtype, Device.Cpu, zero: false);
            act = Tensor.Allocate([n, actWidth], dtype, Device.Cpu, zero: false);
            hState = h0.Contiguous().Clone();
            if (lstm)
            {
                cState = c0!.Clone();
                cPrevAll = Tensor.Allocate([n, hidden], dtype, Device.Cpu, zero: false);
            }
            // W_hhᵀ packed once for every step's product, not once per step (same kernel, same bits).
            using var packedHh = PackedOperand.PackB(wHh.T());
            for (int k = 0; k < steps; k++)
            {
                int t = reverse ? steps - 1 - k : k, bs = batchSizes[t], off = offsets[t];
                var hPrev = hPrevAll.Narrow(0, off, bs);
                CopyRows(hState.Narrow(0, 0, bs), hPrev);
                var hg = packedHh.Addmm(bHh, hPrev); // x·W_hhᵀ + b_hh, as torch's linear_hh
                if (dtype == DType.Float64) StepForward<double>(lstm, x, hg, hPrevAll, cPrevAll, cState, output, act, off, bs, hidden, gates, actWidth);
                else StepForward<float>(lstm, x, hg, hPrevAll, cPrevAll, cState, output, act, off, bs, hidden, gates, actWidth);
                hg.Dispose(); // its pooled memory serves the next step at once, instead of waiting for the GC
                CopyRows(output.Narrow(0, off, bs), hState.Narrow(0, 0, bs));
            }
        }
        if (!ReferenceEquals(x, projected)) x.Dispose();
        Tensor?[] inputs = lstm ? [projected, h0, c0, wHh, bHh] : [projected, h0, wHh, bHh];
        bool record = GradMode.IsEnabled && inputs.Any(t => t is { RequiresGrad: true });
        if (!record)
        {
            hPrevAll.Dispose();
            act.Dispose();
            cPrevAll?.Dispose();
            return (output, hState, cState);
        }

        var present = inputs.OfType<Tensor>().ToArray();
        var edges = present.Select(t => t.GradientEdge()).ToArray();
        // The inputs are saved too: a create_graph backward rebuilds the step-by-step graph from them, and a caller's
        // scope (the C ABI's per call) would otherwise dispose an intermediate such as the projection after the forward.
        Tensor[] saved = [.. (lstm ? new[] { wHh, hPrevAll, cPrevAll!, act } : [wHh, hPrevAll, act]), .. present];
        var node = new Node(lstm ? "LstmSequenceBackward0" : "GruSequenceBackward0", edges, lstm ? 3 : 2, grads =>
        {
            if (GradMode.IsEnabled) return RecomputedGradients(stepwise, grads, present);
            var raw = Backward(lstm, dtype, grads, batchSizes, offsets, reverse, n, batch, hidden, gates, actWidth, wHh, bHh is not null, hPrevAll, cPrevAll, act);
            // raw: dX, dh0, dc0 (LSTM), dW_hh, db_hh, in the order of inputs; the absent bias drops out as it did from present.
            var result = new List<Tensor?>();
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i] is Tensor t) result.Add(t.RequiresGrad ? raw[i] : null);
            return [.. result];
        }, saved);
        // The node retains what it saved; dropping the creator's reference lets the backward free them at once.
        hPrevAll.Dispose();
        act.Dispose();
        cPrevAll?.Dispose();
        Tensor[] outputs = lstm ? [output, hState, cState!] : [output, hState];
        for (int k = 0; k < outputs.Length; k++)
        {
            outputs[k].GradFn = node;
            outputs[k].OutputNr = k;
            node.MarkOutput(outputs[k]);
        }
        return (output, hState, cState);
    }

    static void StepForward<T>(bool lstm, Tensor x, Tensor hg, Tensor hPrevAll, Tensor? cPrevAll, Tensor? cState, Tensor output, Tensor act,
        int off, int bs, int hidden, int gates, int actWidth) where T : unmanaged
    {
        T* xs = Ptr<T>(x) + (long)off * gates, hs = Ptr<T>(hg), hp = Ptr<T>(hPrevAll) + (long)off * hidden;
        T* outRows = Ptr<T>(output) + (long)off * hidden, a = Ptr<T>(act) + (long)off * actWidth;
        if (lstm)
        {
            T* cp = Ptr<T>(cPrevAll!) + (long)off * hidden, cs = Ptr<T>(cState!);
            Buffer.MemoryCopy(cs, cp, (long)bs * hidden * sizeof(T), (long)bs * hidden * sizeof(T));
            RecurrentKernels.LstmForward(xs, hs, cp, outRows, cs, a, bs, hidden);
        }
        else RecurrentKernels.GruForward(xs, hs, hp, outRows, a, bs, hidden);
    }

    // Gradients in the order of the node's inputs (projected, h0, [c0,] W_hh, b_hh): steps in the reverse of the forward's
    // order, rows [0, batchSizes[t]) active at step t; rows outside keep the state gradient they have.
    static Tensor?[] Backward(bool lstm, DType dtype, Tensor?[] grads, int[] batchSizes, int[] offsets, bool reverse, int n, int batch, int hidden,
        int gates, int actWidth, Tensor wHh, bool hasBias, Tensor hPrevAll, Tensor? cPrevAll, Tensor act)
    {
        int steps = batchSizes.Length;
        var gOut = grads[0]?.Contiguous();
        var dh = grads[1] is Tensor gh ? gh.Contiguous().Clone() : Torch.Zeros([batch, hidden], dtype, Device.Cpu);
        var dc = lstm ? grads[2] is Tensor gc ? gc.Contiguous().Clone() : Torch.Zeros([batch, hidden], dtype, Device.Cpu) : null;
        var dX = Tensor.Allocate([n, gates], dtype, Device.Cpu, zero: false);
        var dHg = lstm ? dX : Tensor.Allocate([n, gates], dtype, Device.Cpu, zero: false);
        var hTotal = Tensor.Allocate([batch, hidden], dtype, Device.Cpu, zero: false);
        using var packedHh = PackedOperand.PackB(wHh); // for every step's dGates·W_hh
        for (int k = steps - 1; k >= 0; k--)
        {
            int t = reverse ? steps - 1 - k : k, bs = batchSizes[t], off = offsets[t];
            if (dtype == DType.Float64) StepBackward<double>(lstm, gOut, dh, dc, hTotal, dX, dHg, hPrevAll, cPrevAll, act, off, bs, hidden, gates, actWidth);
            else StepBackward<float>(lstm, gOut, dh, dc, hTotal, dX, dHg, hPrevAll, cPrevAll, act, off, bs, hidden, gates, actWidth);
            // h's gradient through the hidden projection: dGates·W_hh (for GRU added to the direct part g·z left in dh).
            var viaGemm = packedHh.Addmm(null, dHg.Narrow(0, off, bs));
            var rows = dh.Narrow(0, 0, bs);
            var sum = lstm ? viaGemm : rows + viaGemm;
            CopyRows(sum, rows);
            sum.Dispose();
            viaGemm.Dispose();
        }
        hTotal.Dispose();
        var dW = dHg.T().MatMul(hPrevAll);
        var dB = hasBias ? dHg.Sum(0) : null;
        if (!lstm) dHg.Dispose();
        return lstm ? [dX, dh, dc, dW, dB] : [dX, dh, dW, dB];
    }

    static void StepBackward<T>(bool lstm, Tensor? gOut, Tensor dh, Tensor? dc, Tensor hTotal, Tensor dX, Tensor dHg, Tensor hPrevAll, Tensor? cPrevAll,
        Tensor act, int off, int bs, int hidden, int gates, int actWidth) where T : unmanaged
    {
        // The gradient of this step's h: its output's plus what the later step (or the final state) sent back.
        T* total = Ptr<T>(hTotal), carried = Ptr<T>(dh);
        long count = (long)bs * hidden;
        if (gOut is null) Buffer.MemoryCopy(carried, total, count * sizeof(T), count * sizeof(T));
        else
        {
            var sum = new Span<T>(total, (int)count);
            TensorPrimitivesAdd(new ReadOnlySpan<T>(Ptr<T>(gOut) + (long)off * hidden, (int)count), new ReadOnlySpan<T>(carried, (int)count), sum);
        }
        T* a = Ptr<T>(act) + (long)off * actWidth;
        if (lstm)
            RecurrentKernels.LstmBackward(total, Ptr<T>(dc!), a, Ptr<T>(cPrevAll!) + (long)off * hidden, Ptr<T>(dX) + (long)off * gates, bs, hidden);
        else
            RecurrentKernels.GruBackward(total, a, Ptr<T>(hPrevAll) + (long)off * hidden, Ptr<T>(dX) + (long)off * gates, Ptr<T>(dHg) + (long)off * gates, carried, bs, hidden);
    }

    static void TensorPrimitivesAdd<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> result) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            System.Numerics.Tensors.TensorPrimitives.Add(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(result));
        else
            System.Numerics.Tensors.TensorPrimitives.Add(MemoryMarshal.Cast<T, double>(a), MemoryMarshal.Cast<T, double>(b), MemoryMarshal.Cast<T, double>(result));
    }

    // create_graph: the same gradients from the step-by-step graph rebuilt over the node's own inputs, differentiable again.
    static Tensor?[] RecomputedGradients(Func<(Tensor Output, Tensor H, Tensor? C)> stepwise, Tensor?[] grads, Tensor[] inputs)
    {
        var (o, h, c) = stepwise();
        Tensor[] outs = c is null ? [o, h] : [o, h, c];
        var usedOuts = new List<Tensor>();
        var usedGrads = new List<Tensor?>();
        for (int k = 0; k < outs.Length; k++)
            if (grads[k] is Tensor g)
            {
                usedOuts.Add(outs[k]);
                usedGrads.Add(g);
            }
        var wanted = inputs.Where(t => t.RequiresGrad).ToArray();
        var result = new Tensor?[inputs.Length];
        if (usedOuts.Count == 0 || wanted.Length == 0) return result;
        var got = Torch.Autograd.Grad([.. usedOuts], wanted, [.. usedGrads], retainGraph: true, createGraph: true, allowUnused: true);
        for (int i = 0, w = 0; i < inputs.Length; i++)
            if (inputs[i].RequiresGrad) result[i] = got[w++];
        return result;
    }
}

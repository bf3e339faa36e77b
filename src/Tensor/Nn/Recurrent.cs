using System.Globalization;
using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// Shared body of RNN, LSTM and GRU (torch's RNNBase): parameters named as torch names them (weight_ih_l0,
/// weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse), registered in torch's order and initialised with torch's
/// draws, U(-1/√hidden, 1/√hidden) each in that order; so state dicts and seeds interchange with PyTorch.
/// </summary>
public abstract class RNNBase : Module
{
    readonly Tensor[] _flat;

    /// <summary>Which recurrence the module runs.</summary>
    public RnnMode Mode { get; }
    /// <summary>Features per input step (H_in).</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state (H).</summary>
    public int HiddenSize { get; }
    /// <summary>Stacked layers; each layer after the first reads the previous one's output.</summary>
    public int NumLayers { get; }
    /// <summary>Whether the layers have bias_ih and bias_hh.</summary>
    public bool UseBias { get; }
    /// <summary>True when inputs and outputs are [N, L, features] rather than [L, N, features].</summary>
    public bool BatchFirst { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last (training only).</summary>
    public double DropoutP { get; }
    /// <summary>
    /// True when each layer also runs backwards over the sequence; outputs concatenate both directions.
    /// </summary>
    public bool Bidirectional { get; }

    /// <summary>torch's _flat_weights_names: per layer and direction w_ih, w_hh, b_ih, b_hh.</summary>
    public IReadOnlyList<string> FlatWeightsNames { get; }

    /// <summary>LSTM only: the size h is projected to (weight_hr_l{k} [proj, hidden]); 0 for none.</summary>
    public int ProjSize { get; }

    /// <summary>Creates and initialises the parameters in torch's order and draws.</summary>
    /// <exception cref="ArgumentException">A non-positive hidden size or layer count, dropout outside [0, 1], or a
    /// projection size that is negative, not below the hidden size, or given to a non-LSTM.</exception>
    protected RNNBase(RnnMode mode, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, double dropout, bool bidirectional,
        DType dtype, Generator? generator, int projSize = 0)
    {
        if (projSize < 0) throw new ArgumentException("proj_size should be a positive integer or zero to disable projections");
        if (projSize > 0 && projSize >= hiddenSize) throw new ArgumentException("proj_size has to be smaller than hidden_size");
        if (projSize != 0 && mode != RnnMode.Lstm) throw new ArgumentException("proj_size argument is only supported for LSTM, not RNN or GRU");
        ProjSize = projSize;
        if (dropout < 0 || dropout > 1) throw new ArgumentException("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        if (hiddenSize <= 0) throw new ArgumentException("hidden_size must be greater than zero");
        if (numLayers <= 0) throw new ArgumentException("num_layers must be greater than zero");
        Mode = mode;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        UseBias = bias;
        BatchFirst = batchFirst;
        DropoutP = dropout;
        Bidirectional = bidirectional;
        int gates = Functional.GateCount(mode) * hiddenSize, directions = bidirectional ? 2 : 1;
        var names = new List<string>();
        var shapes = new List<int[]>();
        for (int layer = 0; layer < numLayers; layer++)
        {
            for (int d = 0; d < directions; d++)
            {
                string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                int realHidden = projSize > 0 ? projSize : hiddenSize;
                int layerInput = layer == 0 ? inputSize : realHidden * directions;
                names.AddRange(["weight_ih" + suffix, "weight_hh" + suffix]);
                shapes.AddRange([[gates, layerInput], [gates, realHidden]]);
                if (bias)
                {
                    names.AddRange(["bias_ih" + suffix, "bias_hh" + suffix]);
                    shapes.AddRange([[gates], [gates]]);
                }
                if (projSize > 0)
                {
                    names.Add("weight_hr" + suffix);
                    shapes.Add([projSize, hiddenSize]);
                }
            }
        }
        FlatWeightsNames = names;
        _flat = RecurrentInit.UniformParameters(shapes, hiddenSize, dtype, generator);
        for (int i = 0; i < _flat.Length; i++)
        {
            int k = i;
            RegisterParameter(names[i], () => _flat[k]);
        }
    }

    /// <summary>The parameters in torch's flat order (what _VF.lstm receives).</summary>
    public IReadOnlyList<Tensor> FlatWeights => _flat;

    /// <summary>A parameter by its torch name (<c>weight_hh_l1_reverse</c>).</summary>
    public Tensor this[string name] => _flat[FlatWeightsNames.ToList().IndexOf(name) is int i and >= 0 ? i : throw new KeyNotFoundException($"'{GetType().Name}' object has no attribute '{name}'")];

    /// <summary>
    /// Runs the recurrence over a padded batch; returns the output sequence and the final states (c only for LSTM).
    /// </summary>
    protected (Tensor Output, Tensor H, Tensor? C) Run(Tensor input, Tensor? h0, Tensor? c0) =>
        Functional.Rnn(Mode, input, h0, c0, _flat, UseBias, NumLayers, DropoutP, Training, Bidirectional, BatchFirst);

    /// <summary>
    /// Runs the recurrence over a packed batch; returns the packed output and the final states (c only for LSTM).
    /// </summary>
    protected (PackedSequence Output, Tensor H, Tensor? C) Run(PackedSequence input, Tensor? h0, Tensor? c0) =>
        Functional.Rnn(Mode, input, h0, c0, _flat, UseBias, NumLayers, DropoutP, Training, Bidirectional);

    /// <summary>The output sequence alone (what a Sequential passes on); the Forward overloads also return the final states.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null).Output;

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (ProjSize != 0) s += $", proj_size={ProjSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!UseBias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (DropoutP != 0) s += $", dropout={DropoutP.ToString(CultureInfo.InvariantCulture)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}

/// <summary>torch.nn.LSTM: i, f, g, o gates; returns the output sequence and the final (h, c).</summary>
public sealed class LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
    bool bidirectional = false, int projSize = 0, DType dtype = DType.Float32, Generator? generator = null)
    : RNNBase(RnnMode.Lstm, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator, projSize)
{
    /// <summary>
    /// Runs the LSTM over <paramref name="input"/> from <paramref name="state"/> (h0, c0), zeros when null; returns the
    /// output [L, N, D·H_out] and the final (h, c). Shapes: <paramref name="input"/> [L, N, H_in] ([N, L, H_in] with
    /// BatchFirst, or unbatched [L, H_in]); states [D·NumLayers, N, H_out] with D = 2 when bidirectional. H_out is
    /// ProjSize when set, else HiddenSize; c is [D·NumLayers, N, H].
    /// </summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (output, h, c) = Run(input, state?.H, state?.C);
        return (output, (h, c!));
    }

    /// <summary>
    /// Runs the LSTM over a packed batch of variable-length sequences; returns the packed output and the final (h, c),
    /// each sequence's state taken at its own last step.
    /// </summary>
    public (PackedSequence Output, (Tensor H, Tensor C) State) Forward(PackedSequence input, (Tensor H, Tensor C)? state = null)
    {
        var (output, h, c) = Run(input, state?.H, state?.C);
        return (output, (h, c!));
    }
}

/// <summary>torch.nn.GRU: r, z, n gates; returns the output sequence and the final h.</summary>
public sealed class GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
    bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
    : RNNBase(RnnMode.Gru, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
{
    /// <summary>
    /// Runs the GRU over <paramref name="input"/> from <paramref name="h0"/> (zeros when null); returns the output [L,
    /// N, D·H] and the final h. Shapes: <paramref name="input"/> [L, N, H_in] ([N, L, H_in] with BatchFirst, or
    /// unbatched [L, H_in]); states [D·NumLayers, N, H_out] with D = 2 when bidirectional.
    /// </summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }

    /// <summary>
    /// Runs the GRU over a packed batch of variable-length sequences; returns the packed output and the final h, each
    /// sequence's state taken at its own last step.
    /// </summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }
}

/// <summary>torch.nn.RNN (Elman): h' = tanh (or ReLU) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh.</summary>
public sealed class RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
    : RNNBase(ModeOf(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
{
    /// <summary><c>"tanh"</c> or <c>"relu"</c>.</summary>
    public string Nonlinearity => Mode == RnnMode.RnnRelu ? "relu" : "tanh";

    static RnnMode ModeOf(string nonlinearity) => nonlinearity switch
    {
        "tanh" => RnnMode.RnnTanh,
        "relu" => RnnMode.RnnRelu,
        _ => throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."),
    };

    /// <summary>
    /// Runs the RNN over <paramref name="input"/> from <paramref name="h0"/> (zeros when null); returns the output [L,
    /// N, D·H] and the final h. Shapes: <paramref name="input"/> [L, N, H_in] ([N, L, H_in] with BatchFirst, or
    /// unbatched [L, H_in]); states [D·NumLayers, N, H_out] with D = 2 when bidirectional.
    /// </summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }

    /// <summary>
    /// Runs the RNN over a packed batch of variable-length sequences; returns the packed output and the final h, each
    /// sequence's state taken at its own last step.
    /// </summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }
}

/// <summary>torch's RNNCellBase: weight_ih [gates·H, I], weight_hh [gates·H, H], bias_ih, bias_hh, all U(-1/√H, 1/√H) in that order.</summary>
public abstract class RNNCellBase : Module
{
    readonly Tensor[] _params;

    /// <summary>Features of the input (I).</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state (H).</summary>
    public int HiddenSize { get; }
    /// <summary>Whether the cell has bias_ih and bias_hh.</summary>
    public bool UseBias { get; }
    /// <summary>Input-to-hidden weights [gates·H, I] (torch's <c>weight_ih</c>).</summary>
    public Tensor WeightIh => _params[0];
    /// <summary>Hidden-to-hidden weights [gates·H, H] (torch's <c>weight_hh</c>).</summary>
    public Tensor WeightHh => _params[1];
    /// <summary>Input-to-hidden bias [gates·H], or null without bias.</summary>
    public Tensor? BiasIh => UseBias ? _params[2] : null;
    /// <summary>Hidden-to-hidden bias [gates·H], or null without bias.</summary>
    public Tensor? BiasHh => UseBias ? _params[3] : null;

    /// <summary>
    /// Creates and initialises weight_ih, weight_hh, bias_ih, bias_hh for <paramref name="chunks"/> gates.
    /// </summary>
    protected RNNCellBase(int inputSize, int hiddenSize, bool bias, int chunks, DType dtype, Generator? generator)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        UseBias = bias;
        var shapes = new List<int[]> { new[] { chunks * hiddenSize, inputSize }, new[] { chunks * hiddenSize, hiddenSize } };
        if (bias) shapes.AddRange([[chunks * hiddenSize], [chunks * hiddenSize]]);
        _params = RecurrentInit.UniformParameters(shapes, hiddenSize, dtype, generator);
        string[] names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];
        for (int i = 0; i < _params.Length; i++)
        {
            int k = i;
            RegisterParameter(names[i], () => _params[k]);
        }
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (UseBias ? "" : ", bias=False");
}

/// <summary>torch.nn.LSTMCell: one LSTM step, (h', c') from x and (h, c) (zeros when absent).</summary>
public sealed class LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 4, dtype, generator)
{
    /// <summary>
    /// One LSTM step: <paramref name="input"/> [N, I] (or [I]) and <paramref name="state"/> (h, c) [N, H] (zeros when
    /// null) to (h', c').
    /// </summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state) =>
        Functional.LstmCell(input, state?.H, state?.C, WeightIh, WeightHh, BiasIh, BiasHh);

    /// <summary>One LSTM step from zero state; returns h'.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).H;
}

/// <summary>torch.nn.GRUCell: one GRU step.</summary>
public sealed class GRUCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 3, dtype, generator)
{
    /// <summary>
    /// One GRU step: <paramref name="input"/> [N, I] (or [I]) and <paramref name="h"/> [N, H] (zeros when null) to h'.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor? h) => Functional.GruCell(input, h, WeightIh, WeightHh, BiasIh, BiasHh);

    /// <summary>One GRU step from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>torch.nn.RNNCell: one Elman step with tanh or ReLU.</summary>
public sealed class RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 1, dtype, generator)
{
    /// <summary><c>"tanh"</c> or <c>"relu"</c>.</summary>
    /// <exception cref="ArgumentException">The constructor got another name.</exception>
    public string Nonlinearity { get; } = nonlinearity is "tanh" or "relu" ? nonlinearity : throw new ArgumentException($"Unknown nonlinearity: {nonlinearity}");

    /// <summary>
    /// One step: <paramref name="input"/> [N, I] (or [I]) and <paramref name="h"/> [N, H] (zeros when null) to h'.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor? h) => Functional.RnnCell(input, h, WeightIh, WeightHh, BiasIh, BiasHh, Nonlinearity);

    /// <summary>One step from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <inheritdoc/>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity == "tanh" ? "" : $", nonlinearity={Nonlinearity}");
}

/// <summary>reset_parameters of torch's recurrent modules: each parameter, in registration order, U(-1/√hidden, 1/√hidden).</summary>
internal static class RecurrentInit
{
    public static Tensor[] UniformParameters(IReadOnlyList<int[]> shapes, int hiddenSize, DType dtype, Generator? generator)
    {
        double stdv = hiddenSize > 0 ? 1.0 / Math.Sqrt(hiddenSize) : 0;
        var result = new Tensor[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            var t = Torch.Zeros(shapes[i], dtype, Device.Cpu);
            if (t.Numel() > 0) t.Uniform_(-stdv, stdv, generator);
            result[i] = Module.Parameter(t.To(Torch.DefaultDevice));
        }
        return result;
    }
}

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

    public RnnMode Mode { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool UseBias { get; }
    public bool BatchFirst { get; }
    public double DropoutP { get; }
    public bool Bidirectional { get; }

    /// <summary>torch's _flat_weights_names: per layer and direction w_ih, w_hh, b_ih, b_hh.</summary>
    public IReadOnlyList<string> FlatWeightsNames { get; }

    /// <summary>LSTM only: the size h is projected to (weight_hr_l{k} [proj, hidden]); 0 for none.</summary>
    public int ProjSize { get; }

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

    protected (Tensor Output, Tensor H, Tensor? C) Run(Tensor input, Tensor? h0, Tensor? c0) =>
        Functional.Rnn(Mode, input, h0, c0, _flat, UseBias, NumLayers, DropoutP, Training, Bidirectional, BatchFirst);

    protected (PackedSequence Output, Tensor H, Tensor? C) Run(PackedSequence input, Tensor? h0, Tensor? c0) =>
        Functional.Rnn(Mode, input, h0, c0, _flat, UseBias, NumLayers, DropoutP, Training, Bidirectional);

    /// <summary>The output sequence alone (what a Sequential passes on); the Forward overloads also return the final states.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null).Output;

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
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (output, h, c) = Run(input, state?.H, state?.C);
        return (output, (h, c!));
    }

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
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }

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
    public string Nonlinearity => Mode == RnnMode.RnnRelu ? "relu" : "tanh";

    static RnnMode ModeOf(string nonlinearity) => nonlinearity switch
    {
        "tanh" => RnnMode.RnnTanh,
        "relu" => RnnMode.RnnRelu,
        _ => throw new ArgumentException($"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."),
    };

    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, h, _) = Run(input, h0, null);
        return (output, h);
    }

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

    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool UseBias { get; }
    public Tensor WeightIh => _params[0];
    public Tensor WeightHh => _params[1];
    public Tensor? BiasIh => UseBias ? _params[2] : null;
    public Tensor? BiasHh => UseBias ? _params[3] : null;

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

    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (UseBias ? "" : ", bias=False");
}

/// <summary>torch.nn.LSTMCell: one LSTM step, (h', c') from x and (h, c) (zeros when absent).</summary>
public sealed class LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 4, dtype, generator)
{
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state) =>
        Functional.LstmCell(input, state?.H, state?.C, WeightIh, WeightHh, BiasIh, BiasHh);

    public override Tensor Forward(Tensor input) => Forward(input, null).H;
}

/// <summary>torch.nn.GRUCell: one GRU step.</summary>
public sealed class GRUCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 3, dtype, generator)
{
    public Tensor Forward(Tensor input, Tensor? h) => Functional.GruCell(input, h, WeightIh, WeightHh, BiasIh, BiasHh);

    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>torch.nn.RNNCell: one Elman step with tanh or ReLU.</summary>
public sealed class RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", DType dtype = DType.Float32, Generator? generator = null)
    : RNNCellBase(inputSize, hiddenSize, bias, 1, dtype, generator)
{
    public string Nonlinearity { get; } = nonlinearity is "tanh" or "relu" ? nonlinearity : throw new ArgumentException($"Unknown nonlinearity: {nonlinearity}");

    public Tensor Forward(Tensor input, Tensor? h) => Functional.RnnCell(input, h, WeightIh, WeightHh, BiasIh, BiasHh, Nonlinearity);

    public override Tensor Forward(Tensor input) => Forward(input, null);

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

using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.TransformerEncoderLayer (torch 1.13): self-attention and a feed-forward block, each with dropout, residual
/// and LayerNorm (after the residual, or before each block with <c>normFirst</c>). Submodules in torch's order, so
/// state dicts and seeded initialisation match.
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    readonly (int DModel, int NHead, int DimFeedforward, double Dropout, string Activation, double LayerNormEps, bool BatchFirst, DType DType) _config;

    public MultiheadAttention SelfAttn { get; }
    public Linear Linear1 { get; }
    public Dropout Dropout { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    public Dropout Dropout1 { get; }
    public Dropout Dropout2 { get; }
    public bool NormFirst { get; }
    public string Activation { get; }

    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        _config = (dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, dtype);
        SelfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, generator: generator);
        Linear1 = new Linear(dModel, dimFeedforward, true, dtype, generator);
        Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, true, dtype, generator);
        NormFirst = normFirst;
        Norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        Norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        Activation = Transformers.CheckActivation(activation);
    }

    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null)
    {
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Forward(x), srcMask, srcKeyPaddingMask);
            x = x + FeedForwardBlock(Norm2.Forward(x));
        }
        else
        {
            x = Norm1.Forward(x + SelfAttentionBlock(x, srcMask, srcKeyPaddingMask));
            x = Norm2.Forward(x + FeedForwardBlock(x));
        }
        return x;
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);

    Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    Tensor FeedForwardBlock(Tensor x) => Dropout2.Forward(Linear2.Forward(Dropout.Forward(Transformers.Activate(Activation, Linear1.Forward(x)))));

    /// <summary>A copy with its own parameters (torch's copy.deepcopy in _get_clones), drawing no random numbers from the default generator.</summary>
    public TransformerEncoderLayer Clone()
    {
        var c = _config;
        var copy = new TransformerEncoderLayer(c.DModel, c.NHead, c.DimFeedforward, c.Dropout, c.Activation, c.LayerNormEps, c.BatchFirst, NormFirst, c.DType, new Generator());
        Transformers.CopyParameters(this, copy);
        return copy;
    }
}

/// <summary>torch.nn.TransformerDecoderLayer (torch 1.13): self-attention, cross-attention over the memory, feed-forward.</summary>
public sealed class TransformerDecoderLayer : Module
{
    readonly (int DModel, int NHead, int DimFeedforward, double Dropout, string Activation, double LayerNormEps, bool BatchFirst, DType DType) _config;

    public MultiheadAttention SelfAttn { get; }
    public MultiheadAttention MultiheadAttn { get; }
    public Linear Linear1 { get; }
    public Dropout Dropout { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    public LayerNorm Norm3 { get; }
    public Dropout Dropout1 { get; }
    public Dropout Dropout2 { get; }
    public Dropout Dropout3 { get; }
    public bool NormFirst { get; }
    public string Activation { get; }

    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        _config = (dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, dtype);
        SelfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, generator: generator);
        MultiheadAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, generator: generator);
        Linear1 = new Linear(dModel, dimFeedforward, true, dtype, generator);
        Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, true, dtype, generator);
        NormFirst = normFirst;
        Norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        Norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        Norm3 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        Dropout3 = new Dropout(dropout);
        Activation = Transformers.CheckActivation(activation);
    }

    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        var x = tgt;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Forward(x), tgtMask, tgtKeyPaddingMask);
            x = x + CrossAttentionBlock(Norm2.Forward(x), memory, memoryMask, memoryKeyPaddingMask);
            x = x + FeedForwardBlock(Norm3.Forward(x));
        }
        else
        {
            x = Norm1.Forward(x + SelfAttentionBlock(x, tgtMask, tgtKeyPaddingMask));
            x = Norm2.Forward(x + CrossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask));
            x = Norm3.Forward(x + FeedForwardBlock(x));
        }
        return x;
    }

    Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    Tensor CrossAttentionBlock(Tensor x, Tensor memory, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout2.Forward(MultiheadAttn.Forward(x, memory, memory, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    Tensor FeedForwardBlock(Tensor x) => Dropout3.Forward(Linear2.Forward(Dropout.Forward(Transformers.Activate(Activation, Linear1.Forward(x)))));

    /// <summary>A copy with its own parameters, drawing no random numbers from the default generator.</summary>
    public TransformerDecoderLayer Clone()
    {
        var c = _config;
        var copy = new TransformerDecoderLayer(c.DModel, c.NHead, c.DimFeedforward, c.Dropout, c.Activation, c.LayerNormEps, c.BatchFirst, NormFirst, c.DType, new Generator());
        Transformers.CopyParameters(this, copy);
        return copy;
    }
}

/// <summary>torch.nn.TransformerEncoder: <c>numLayers</c> copies of a layer (same initial weights, as torch's deepcopy), then an optional norm.</summary>
public sealed class TransformerEncoder : Module
{
    public ModuleStack<TransformerEncoderLayer> Layers { get; }
    public int NumLayers { get; }
    public LayerNorm? Norm { get; }

    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
    {
        Layers = new ModuleStack<TransformerEncoderLayer>(Enumerable.Range(0, numLayers).Select(_ => encoderLayer.Clone()));
        NumLayers = numLayers;
        Norm = norm;
    }

    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null)
    {
        var output = src;
        foreach (var layer in Layers) output = layer.Forward(output, mask, srcKeyPaddingMask);
        return Norm is null ? output : Norm.Forward(output);
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>torch.nn.TransformerDecoder: <c>numLayers</c> copies of a decoder layer, then an optional norm.</summary>
public sealed class TransformerDecoder : Module
{
    public ModuleStack<TransformerDecoderLayer> Layers { get; }
    public int NumLayers { get; }
    public LayerNorm? Norm { get; }

    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm? norm = null)
    {
        Layers = new ModuleStack<TransformerDecoderLayer>(Enumerable.Range(0, numLayers).Select(_ => decoderLayer.Clone()));
        NumLayers = numLayers;
        Norm = norm;
    }

    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        var output = tgt;
        foreach (var layer in Layers) output = layer.Forward(output, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
        return Norm is null ? output : Norm.Forward(output);
    }
}

/// <summary>torch.nn.Transformer: encoder and decoder stacks with final norms; every parameter of rank &gt; 1 re-drawn xavier_uniform_, as torch's _reset_parameters.</summary>
public sealed class Transformer : Module
{
    public TransformerEncoder Encoder { get; }
    public TransformerDecoder Decoder { get; }
    public int DModel { get; }
    public int NHead { get; }
    public bool BatchFirst { get; }

    public Transformer(int dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6, int dimFeedforward = 2048, double dropout = 0.1,
        string activation = "relu", double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        var encoderLayer = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, generator);
        Encoder = new TransformerEncoder(encoderLayer, numEncoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype));
        var decoderLayer = new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype, generator);
        Decoder = new TransformerDecoder(decoderLayer, numDecoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype));
        DModel = dModel;
        NHead = nhead;
        BatchFirst = batchFirst;
        foreach (var p in Parameters())
            if (p.Dim() > 1) Init.XavierUniform_(p, generator: generator);
    }

    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        bool batched = src.Dim() == 3;
        if (!BatchFirst && src.Size(1) != tgt.Size(1) && batched) throw new ArgumentException("the batch number of src and tgt must be equal");
        if (BatchFirst && src.Size(0) != tgt.Size(0) && batched) throw new ArgumentException("the batch number of src and tgt must be equal");
        if (src.Size(-1) != DModel || tgt.Size(-1) != DModel) throw new ArgumentException("the feature number of src and tgt must be equal to d_model");
        var memory = Encoder.Forward(src, srcMask, srcKeyPaddingMask);
        return Decoder.Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /// <summary>[sz, sz] float mask: -inf above the diagonal, 0 elsewhere (position i attends to j ≤ i).</summary>
    public static Tensor GenerateSquareSubsequentMask(int sz, Device? device = null) => Functional.CausalMask(sz, sz, Torch.DefaultDType, device ?? Torch.DefaultDevice);
}

/// <summary>A numbered list of submodules (named 0, 1, ... as torch's ModuleList) that enumerates as its element type.</summary>
public sealed class ModuleStack<T> : Module, IEnumerable<T> where T : Module
{
    readonly List<T> _items;

    public ModuleStack(IEnumerable<T> items)
    {
        _items = items.ToList();
        for (int i = 0; i < _items.Count; i++) RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _items[i]);
    }

    public T this[int index] => _items[index];
    public int Count => _items.Count;
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    protected override string ExtraRepr() => "";
    public override string ToString() => base.ToString().Replace("ModuleStack`1(", "ModuleList(", StringComparison.Ordinal);
}

internal static class Transformers
{
    public static string CheckActivation(string activation) => activation is "relu" or "gelu"
        ? activation
        : throw new ArgumentException($"activation should be relu/gelu, not {activation}");

    public static Tensor Activate(string activation, Tensor x) => activation == "gelu" ? Functional.Gelu(x) : x.Relu();

    public static void CopyParameters(Module source, Module target)
    {
        var values = source.StateDict();
        using (Torch.NoGrad())
            foreach (var (name, p) in target.StateDict()) p.Copy_(values[name]);
    }
}

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

    /// <summary>Self-attention over the source (torch's <c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn { get; }
    /// <summary>Feed-forward input projection, d_model → dim_feedforward.</summary>
    public Linear Linear1 { get; }
    /// <summary>Dropout between the two feed-forward projections.</summary>
    public Dropout Dropout { get; }
    /// <summary>Feed-forward output projection, dim_feedforward → d_model.</summary>
    public Linear Linear2 { get; }
    /// <summary>LayerNorm of the self-attention block.</summary>
    public LayerNorm Norm1 { get; }
    /// <summary>LayerNorm of the feed-forward block.</summary>
    public LayerNorm Norm2 { get; }
    /// <summary>Dropout on the self-attention block's output.</summary>
    public Dropout Dropout1 { get; }
    /// <summary>Dropout on the feed-forward block's output.</summary>
    public Dropout Dropout2 { get; }
    /// <summary>
    /// True when each block normalises its input (pre-norm, torch's <c>norm_first</c>); false to normalise after the
    /// residual.
    /// </summary>
    public bool NormFirst { get; }
    /// <summary>The feed-forward activation: <c>"relu"</c> or <c>"gelu"</c>.</summary>
    public string Activation { get; }

    /// <summary>
    /// A layer for <paramref name="dModel"/>-wide features with <paramref name="nhead"/> heads (torch's
    /// <c>TransformerEncoderLayer</c>, same argument order). Inputs are [S, N, E], or [N, S, E] with <paramref
    /// name="batchFirst"/>, or unbatched [S, E].
    /// </summary>
    /// <param name="dModel">Feature size E.</param>
    /// <param name="nhead">Attention heads; must divide <paramref name="dModel"/>.</param>
    /// <param name="dimFeedforward">Hidden size of the feed-forward block.</param>
    /// <param name="dropout">Dropout probability everywhere in the layer.</param>
    /// <param name="activation"><c>"relu"</c> or <c>"gelu"</c>.</param>
    /// <param name="layerNormEps">LayerNorm's epsilon.</param>
    /// <param name="batchFirst">Inputs are [N, S, E].</param>
    /// <param name="normFirst">Pre-norm instead of post-norm.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">An activation other than relu/gelu, or heads that do not divide
    /// dModel.</exception>
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

    /// <summary>
    /// Runs the layer on <paramref name="src"/>. <paramref name="srcMask"/> is [S, S] (bool: true = not attended;
    /// float: added to the scores); <paramref name="srcKeyPaddingMask"/> is [N, S] (true = padding, ignored).
    /// </summary>
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

    /// <summary>Runs the layer without masks.</summary>
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

    /// <summary>Self-attention over the target (torch's <c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttn { get; }
    /// <summary>Cross-attention from the target to the encoder's memory (torch's <c>multihead_attn</c>).</summary>
    public MultiheadAttention MultiheadAttn { get; }
    /// <summary>Feed-forward input projection, d_model → dim_feedforward.</summary>
    public Linear Linear1 { get; }
    /// <summary>Dropout between the two feed-forward projections.</summary>
    public Dropout Dropout { get; }
    /// <summary>Feed-forward output projection, dim_feedforward → d_model.</summary>
    public Linear Linear2 { get; }
    /// <summary>LayerNorm of the self-attention block.</summary>
    public LayerNorm Norm1 { get; }
    /// <summary>LayerNorm of the cross-attention block.</summary>
    public LayerNorm Norm2 { get; }
    /// <summary>LayerNorm of the feed-forward block.</summary>
    public LayerNorm Norm3 { get; }
    /// <summary>Dropout on the self-attention block's output.</summary>
    public Dropout Dropout1 { get; }
    /// <summary>Dropout on the cross-attention block's output.</summary>
    public Dropout Dropout2 { get; }
    /// <summary>Dropout on the feed-forward block's output.</summary>
    public Dropout Dropout3 { get; }
    /// <summary>
    /// True when each block normalises its input (pre-norm, torch's <c>norm_first</c>); false to normalise after the
    /// residual.
    /// </summary>
    public bool NormFirst { get; }
    /// <summary>The feed-forward activation: <c>"relu"</c> or <c>"gelu"</c>.</summary>
    public string Activation { get; }

    /// <summary>
    /// A decoder layer for <paramref name="dModel"/>-wide features with <paramref name="nhead"/> heads (torch's
    /// <c>TransformerDecoderLayer</c>, same argument order and meaning as <see cref="TransformerEncoderLayer"/>'s).
    /// </summary>
    /// <exception cref="ArgumentException">An activation other than relu/gelu, or heads that do not divide
    /// dModel.</exception>
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

    /// <summary>
    /// Runs the layer on <paramref name="tgt"/> [T, N, E] attending to <paramref name="memory"/> [S, N, E] (batch first
    /// with batchFirst). Attention masks are [T, T] / [T, S] (bool: true = not attended; float: added); key padding
    /// masks [N, T] / [N, S] (true = padding).
    /// </summary>
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
    /// <summary>The <see cref="NumLayers"/> layers, named 0, 1, ... as torch's <c>layers</c>.</summary>
    public ModuleStack<TransformerEncoderLayer> Layers { get; }
    /// <summary>How many layers the stack holds.</summary>
    public int NumLayers { get; }
    /// <summary>The norm applied after the last layer, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>
    /// A stack of <paramref name="numLayers"/> copies of <paramref name="encoderLayer"/> (each its own parameters, all
    /// starting from the layer's weights), then <paramref name="norm"/> if given.
    /// </summary>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
    {
        Layers = new ModuleStack<TransformerEncoderLayer>(Enumerable.Range(0, numLayers).Select(_ => encoderLayer.Clone()));
        NumLayers = numLayers;
        Norm = norm;
    }

    /// <summary>
    /// Runs <paramref name="src"/> through every layer with the same masks (see <see
    /// cref="TransformerEncoderLayer.Forward(Tensor, Tensor?, Tensor?)"/>), then the norm.
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null)
    {
        var output = src;
        foreach (var layer in Layers) output = layer.Forward(output, mask, srcKeyPaddingMask);
        return Norm is null ? output : Norm.Forward(output);
    }

    /// <summary>Runs the stack without masks.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}

/// <summary>torch.nn.TransformerDecoder: <c>numLayers</c> copies of a decoder layer, then an optional norm.</summary>
public sealed class TransformerDecoder : Module
{
    /// <summary>The <see cref="NumLayers"/> layers, named 0, 1, ... as torch's <c>layers</c>.</summary>
    public ModuleStack<TransformerDecoderLayer> Layers { get; }
    /// <summary>How many layers the stack holds.</summary>
    public int NumLayers { get; }
    /// <summary>The norm applied after the last layer, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>
    /// A stack of <paramref name="numLayers"/> copies of <paramref name="decoderLayer"/> (each its own parameters, all
    /// starting from the layer's weights), then <paramref name="norm"/> if given.
    /// </summary>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm? norm = null)
    {
        Layers = new ModuleStack<TransformerDecoderLayer>(Enumerable.Range(0, numLayers).Select(_ => decoderLayer.Clone()));
        NumLayers = numLayers;
        Norm = norm;
    }

    /// <summary>
    /// Runs <paramref name="tgt"/> through every layer against <paramref name="memory"/> with the same masks (see <see
    /// cref="TransformerDecoderLayer.Forward"/>), then the norm.
    /// </summary>
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
    /// <summary>The encoder stack, ending in a LayerNorm.</summary>
    public TransformerEncoder Encoder { get; }
    /// <summary>The decoder stack, ending in a LayerNorm.</summary>
    public TransformerDecoder Decoder { get; }
    /// <summary>Feature size E of inputs and outputs.</summary>
    public int DModel { get; }
    /// <summary>Number of attention heads.</summary>
    public int NHead { get; }
    /// <summary>True when inputs are [N, S, E] rather than [S, N, E].</summary>
    public bool BatchFirst { get; }

    /// <summary>
    /// torch's <c>nn.Transformer</c> with the same arguments and defaults (d_model 512, 8 heads, 6 + 6 layers,
    /// feed-forward 2048).
    /// </summary>
    /// <exception cref="ArgumentException">An activation other than relu/gelu, or heads that do not divide
    /// dModel.</exception>
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

    /// <summary>
    /// Encodes <paramref name="src"/> [S, N, E] and decodes <paramref name="tgt"/> [T, N, E] against it (batch first
    /// with <see cref="BatchFirst"/>); returns [T, N, E]. Masks as in <see cref="TransformerDecoderLayer.Forward"/>;
    /// use <see cref="GenerateSquareSubsequentMask"/> for a causal <paramref name="tgtMask"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Batch sizes of src and tgt differ, or a feature size is not <see
    /// cref="DModel"/>.</exception>
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

    /// <summary>Registers <paramref name="items"/> as submodules named 0, 1, ... in order.</summary>
    public ModuleStack(IEnumerable<T> items)
    {
        _items = items.ToList();
        for (int i = 0; i < _items.Count; i++) RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _items[i]);
    }

    /// <summary>The submodule at <paramref name="index"/>.</summary>
    public T this[int index] => _items[index];
    /// <summary>How many submodules the stack holds.</summary>
    public int Count => _items.Count;
    /// <summary>Enumerates the submodules in order.</summary>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    /// <inheritdoc/>
    protected override string ExtraRepr() => "";
    /// <inheritdoc/>
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

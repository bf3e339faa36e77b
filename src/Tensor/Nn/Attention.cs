using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.MultiheadAttention (torch 1.13): packed in_proj_weight [3E, E] (or q/k/v_proj_weight when kdim/vdim differ
/// from embed_dim), in_proj_bias [3E], out_proj; initialised as torch does (out_proj's Linear draws, then
/// xavier_uniform_ on the input projections, zero biases). Inputs are [L, N, E] ([N, L, E] with batchFirst) or unbatched [L, E].
/// </summary>
public sealed class MultiheadAttention : Module
{
    /// <summary>Model width E (query feature size and output size).</summary>
    public int EmbedDim { get; }
    /// <summary>Number of heads; divides <see cref="EmbedDim"/>, each head <c>EmbedDim / NumHeads</c> wide.</summary>
    public int NumHeads { get; }
    /// <summary>Dropout probability on the attention weights (training only).</summary>
    public double DropoutP { get; }
    /// <summary>True when inputs are [N, L, E] rather than [L, N, E].</summary>
    public bool BatchFirst { get; }
    /// <summary>Key feature size (torch's <c>kdim</c>); <see cref="EmbedDim"/> unless given.</summary>
    public int KDim { get; }
    /// <summary>Value feature size (torch's <c>vdim</c>); <see cref="EmbedDim"/> unless given.</summary>
    public int VDim { get; }
    /// <summary>
    /// Packed q/k/v projection [3E, E] when key and value are E wide; null otherwise (then the separate projections are
    /// set).
    /// </summary>
    public Tensor? InProjWeight { get; set; }
    /// <summary>Query projection [E, E] when kdim or vdim differ from E; null with packed weights.</summary>
    public Tensor? QProjWeight { get; set; }
    /// <summary>Key projection [E, kdim] when kdim or vdim differ from E; null with packed weights.</summary>
    public Tensor? KProjWeight { get; set; }
    /// <summary>Value projection [E, vdim] when kdim or vdim differ from E; null with packed weights.</summary>
    public Tensor? VProjWeight { get; set; }
    /// <summary>Bias of the q/k/v projections [3E], zero-initialised; null with <c>bias: false</c>.</summary>
    public Tensor? InProjBias { get; set; }
    /// <summary>Output projection E → E (torch's <c>out_proj</c>).</summary>
    public Linear OutProj { get; }

    /// <summary>
    /// torch's <c>nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim, vdim,
    /// batch_first)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">embedDim or numHeads not positive, or numHeads does not divide
    /// embedDim.</exception>
    /// <exception cref="NotSupportedException"><paramref name="addBiasKv"/> or <paramref name="addZeroAttn"/> is
    /// true.</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool addBiasKv = false, bool addZeroAttn = false,
        int? kdim = null, int? vdim = null, bool batchFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (addBiasKv || addZeroAttn) throw new NotSupportedException("MultiheadAttention: add_bias_kv and add_zero_attn are not supported by bridge yet");
        if (embedDim <= 0 || numHeads <= 0) throw new ArgumentException($"embed_dim and num_heads must be greater than 0, got embed_dim={embedDim} and num_heads={numHeads} instead");
        if (embedDim % numHeads != 0) throw new ArgumentException("embed_dim must be divisible by num_heads");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        DropoutP = dropout;
        BatchFirst = batchFirst;
        KDim = kdim ?? embedDim;
        VDim = vdim ?? embedDim;
        bool packed = KDim == embedDim && VDim == embedDim;
        // Created empty (no draws) as torch's torch.empty, filled below after out_proj's own draws.
        if (packed) InProjWeight = Parameter(Torch.Zeros([3 * embedDim, embedDim], dtype, Device.Cpu));
        else
        {
            QProjWeight = Parameter(Torch.Zeros([embedDim, embedDim], dtype, Device.Cpu));
            KProjWeight = Parameter(Torch.Zeros([embedDim, KDim], dtype, Device.Cpu));
            VProjWeight = Parameter(Torch.Zeros([embedDim, VDim], dtype, Device.Cpu));
        }
        if (bias) InProjBias = Parameter(Torch.Zeros([3 * embedDim], dtype, Device.Cpu));
        OutProj = new Linear(embedDim, embedDim, bias, dtype, generator);
        foreach (var w in new[] { InProjWeight, QProjWeight, KProjWeight, VProjWeight })
            if (w is not null) Init.XavierUniform_(w, generator: generator);
        if (OutProj.Bias is not null) using (Torch.NoGrad()) OutProj.Bias.Zero_();
        if (Torch.DefaultDevice.IsCuda)
        {
            InProjWeight = InProjWeight is null ? null : Parameter(InProjWeight.To(Torch.DefaultDevice));
            QProjWeight = QProjWeight is null ? null : Parameter(QProjWeight.To(Torch.DefaultDevice));
            KProjWeight = KProjWeight is null ? null : Parameter(KProjWeight.To(Torch.DefaultDevice));
            VProjWeight = VProjWeight is null ? null : Parameter(VProjWeight.To(Torch.DefaultDevice));
            InProjBias = InProjBias is null ? null : Parameter(InProjBias.To(Torch.DefaultDevice));
        }
    }

    /// <summary>Attention output and (with <paramref name="needWeights"/>) the weights, averaged over heads unless <paramref name="averageAttnWeights"/> is false.</summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool needWeights = true,
        Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        bool batched = query.Dim() == 3;
        if (BatchFirst && batched)
        {
            // One transpose per distinct tensor, so self-attention keeps its single packed projection.
            bool kv = ReferenceEquals(key, value), qk = ReferenceEquals(query, key);
            query = query.Transpose(1, 0);
            key = qk ? query : key.Transpose(1, 0);
            value = kv ? key : value.Transpose(1, 0);
        }
        var (output, weights) = Functional.MultiHeadAttentionForward(query, key, value, EmbedDim, NumHeads, InProjWeight, InProjBias, DropoutP,
            OutProj.Weight, OutProj.Bias, Training, keyPaddingMask, needWeights, attnMask, QProjWeight, KProjWeight, VProjWeight, averageAttnWeights);
        return (BatchFirst && batched ? output.Transpose(1, 0) : output, weights);
    }

    /// <summary>Self-attention of <paramref name="input"/> with itself, no masks; returns only the output.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input, needWeights: false).Output;
}

public static partial class Functional
{
    /// <summary>
    /// softmax(q·kᵀ·scale + mask)·v over the last two dims (torch 2's F.scaled_dot_product_attention): a boolean
    /// <paramref name="attnMask"/> marks the positions that take part (False → -inf), a float one is added;
    /// <paramref name="isCausal"/> lets position i see positions ≤ i only. Dropout on the weights with <paramref name="dropoutP"/>.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null, double dropoutP = 0, bool isCausal = false, double? scale = null)
    {
        if (query.Dim() < 2 || key.Dim() < 2 || value.Dim() < 2) throw new ArgumentException("scaled_dot_product_attention: query, key and value must be at least 2-D");
        if (isCausal && attnMask is not null) throw new ArgumentException("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        int l = query.Size32(-2), s = key.Size32(-2);
        double factor = scale ?? 1.0 / Math.Sqrt(query.Size(-1));
        var scores = query.MatMul(key.Transpose(-2, -1)) * factor;
        if (isCausal) scores = scores + CausalMask(l, s, scores.DType, scores.Device);
        if (attnMask is not null) scores = attnMask.DType == DType.Bool ? Tensor.Where(attnMask, scores, double.NegativeInfinity) : scores + attnMask;
        var weights = scores.Softmax(-1);
        if (dropoutP > 0) weights = Dropout(weights, dropoutP, true);
        return weights.MatMul(value);
    }

    /// <summary>[l, s] float mask: 0 where j ≤ i, -inf above the diagonal.</summary>
    internal static Tensor CausalMask(int l, int s, DType dtype, Device device)
    {
        var mask = Torch.Zeros([l, s], DType.Float64, Device.Cpu);
        var span = mask.ContiguousSpan<double>();
        for (int i = 0; i < l; i++)
            for (int j = i + 1; j < s; j++) span[i * s + j] = double.NegativeInfinity;
        return mask.To(dtype).To(device);
    }

    /// <summary>
    /// torch 1.13's F.multi_head_attention_forward for [L, N, E] inputs (or unbatched [L, E]): in-projection (one GEMM when
    /// query, key and value are the same tensor), heads, q/√d·kᵀ + masks, softmax, dropout, ·v, out-projection. A boolean
    /// <paramref name="attnMask"/> or <paramref name="keyPaddingMask"/> marks the positions NOT attended (True → -inf).
    /// </summary>
    public static (Tensor Output, Tensor? Weights) MultiHeadAttentionForward(Tensor query, Tensor key, Tensor value, int embedDimToCheck, int numHeads,
        Tensor? inProjWeight, Tensor? inProjBias, double dropoutP, Tensor outProjWeight, Tensor? outProjBias, bool training = true,
        Tensor? keyPaddingMask = null, bool needWeights = true, Tensor? attnMask = null, Tensor? qProjWeight = null, Tensor? kProjWeight = null,
        Tensor? vProjWeight = null, bool averageAttnWeights = true)
    {
        bool batched = query.Dim() == 3;
        if (query.Dim() is not (2 or 3)) throw new ArgumentException($"query should be unbatched 2D or batched 3D tensor but received {query.Dim()}-D query tensor");
        if (key.Dim() != query.Dim() || value.Dim() != query.Dim())
            throw new ArgumentException($"For {(batched ? "batched (3-D)" : "unbatched (2-D)")} `query`, expected `key` and `value` to be {query.Dim()}-D but found {key.Dim()}-D and {value.Dim()}-D tensors respectively");
        if (!batched)
        {
            bool sameKv = ReferenceEquals(key, value), sameQk = ReferenceEquals(query, key);
            query = query.Unsqueeze(1);
            key = sameQk ? query : key.Unsqueeze(1);
            value = sameKv ? key : value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        int tgtLen = query.Size32(0), bsz = query.Size32(1), embedDim = query.Size32(2);
        if (embedDim != embedDimToCheck) throw new ArgumentException($"was expecting embedding dimension of {embedDimToCheck}, but got {embedDim}");
        int headDim = embedDim / numHeads;
        if (headDim * numHeads != embedDim) throw new ArgumentException($"embed_dim {embedDim} not divisible by num_heads {numHeads}");
        if (key.Size(0) != value.Size(0) || key.Size(1) != value.Size(1))
            throw new ArgumentException($"key shape [{string.Join(", ", key.ShapeArray)}] does not match value shape [{string.Join(", ", value.ShapeArray)}]");

        var (q, k, v) = InProjection(query, key, value, embedDim, inProjWeight, inProjBias, qProjWeight, kProjWeight, vProjWeight);
        int srcLen = k.Size32(0);

        // Masks become one additive float mask of shape [1 or N·H, L, S].
        Tensor? mask = null;
        if (attnMask is not null)
        {
            var m = attnMask.DType == DType.Bool ? Tensor.Where(attnMask, double.NegativeInfinity, Torch.Zeros(attnMask.ShapeArray, q.DType, q.Device)) : attnMask;
            if (m.Dim() == 2)
            {
                if (m.Size(0) != tgtLen || m.Size(1) != srcLen) throw new ArgumentException($"The shape of the 2D attn_mask is [{string.Join(", ", m.ShapeArray)}], but should be ({tgtLen}, {srcLen}).");
                m = m.Unsqueeze(0);
            }
            else if (m.Dim() == 3)
            {
                if (m.Size(0) != bsz * numHeads || m.Size(1) != tgtLen || m.Size(2) != srcLen)
                    throw new ArgumentException($"The shape of the 3D attn_mask is [{string.Join(", ", m.ShapeArray)}], but should be ({bsz * numHeads}, {tgtLen}, {srcLen}).");
            }
            else throw new ArgumentException($"attn_mask's dimension {m.Dim()} is not supported");
            mask = m;
        }
        q = q.Contiguous().View(tgtLen, bsz * numHeads, headDim).Transpose(0, 1);
        k = k.Contiguous().View(srcLen, bsz * numHeads, headDim).Transpose(0, 1);
        v = v.Contiguous().View(v.Size32(0), bsz * numHeads, headDim).Transpose(0, 1);
        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Size(0) != bsz || keyPaddingMask.Size(1) != srcLen)
                throw new ArgumentException($"expecting key_padding_mask shape of ({bsz}, {srcLen}), but got [{string.Join(", ", keyPaddingMask.ShapeArray)}]");
            var kpm = keyPaddingMask.DType == DType.Bool
                ? Tensor.Where(keyPaddingMask, double.NegativeInfinity, Torch.Zeros(keyPaddingMask.ShapeArray, q.DType, q.Device))
                : keyPaddingMask;
            kpm = kpm.View(bsz, 1, 1, srcLen).Expand(bsz, numHeads, 1, srcLen).Reshape(bsz * numHeads, 1, srcLen);
            mask = mask is null ? kpm : mask + kpm;
        }
        if (!training) dropoutP = 0;

        var scaled = q / Math.Sqrt(headDim);
        var scores = scaled.Bmm(k.Transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        var weights = scores.Softmax(-1);
        var attended = (dropoutP > 0 ? Dropout(weights, dropoutP, true) : weights).Bmm(v);
        var output = Linear(attended.Transpose(0, 1).Contiguous().View(tgtLen * bsz, embedDim), outProjWeight, outProjBias).View(tgtLen, bsz, embedDim);
        if (!needWeights) return (batched ? output : output.Squeeze(1), null);
        var w = weights.View(bsz, numHeads, tgtLen, srcLen);
        if (averageAttnWeights) w = w.Sum(1) / (double)numHeads;
        return batched ? (output, w) : (output.Squeeze(1), w.Squeeze(0));
    }

    // torch's _in_projection_packed (one GEMM for self-attention, two when key is value) or _in_projection.
    static (Tensor Q, Tensor K, Tensor V) InProjection(Tensor query, Tensor key, Tensor value, int e, Tensor? w, Tensor? b, Tensor? wq, Tensor? wk, Tensor? wv)
    {
        Tensor? bq = b?.Narrow(0, 0, e), bk = b?.Narrow(0, e, e), bv = b?.Narrow(0, 2 * e, e);
        if (w is null)
        {
            if (wq is null || wk is null || wv is null) throw new ArgumentException("use_separate_proj_weight is True but q_proj_weight, k_proj_weight or v_proj_weight is None");
            return (Linear(query, wq, bq), Linear(key, wk, bk), Linear(value, wv, bv));
        }
        if (ReferenceEquals(key, value))
        {
            if (ReferenceEquals(query, key))
            {
                var proj = Linear(query, w, b);
                return (proj.Narrow(-1, 0, e), proj.Narrow(-1, e, e), proj.Narrow(-1, 2 * e, e));
            }
            var kv = Linear(key, w.Narrow(0, e, 2 * e), b?.Narrow(0, e, 2 * e));
            return (Linear(query, w.Narrow(0, 0, e), bq), kv.Narrow(-1, 0, e), kv.Narrow(-1, e, e));
        }
        return (Linear(query, w.Narrow(0, 0, e), bq), Linear(key, w.Narrow(0, e, e), bk), Linear(value, w.Narrow(0, 2 * e, e), bv));
    }
}

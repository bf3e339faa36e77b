using System.Numerics;
using Bridge.Autograd;
using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.Embedding: a [num_embeddings, embedding_dim] table looked up by integer indices; initialised
/// N(0, 1) as torch does (the padding row then zeroed), with a dense gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Rows in the table: valid indices are 0..NumEmbeddings-1.</summary>
    public int NumEmbeddings { get; }
    /// <summary>Size of each embedding vector.</summary>
    public int EmbeddingDim { get; }
    /// <summary>The index whose row stays zero and gets no gradient (made non-negative), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>When set, looked-up rows whose norm exceeds it are renormalised in place to this norm.</summary>
    public double? MaxNorm { get; }
    /// <summary>The p of the p-norm for <see cref="MaxNorm"/> (default 2).</summary>
    public double NormType { get; }
    /// <summary>Scale gradients by the inverse frequency of each index in the batch.</summary>
    public bool ScaleGradByFreq { get; }
    /// <summary>The learnable table [NumEmbeddings, EmbeddingDim].</summary>
    public Tensor Weight { get; set; }

    /// <summary>
    /// torch's <c>Embedding(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq,
    /// _weight)</c>.
    /// </summary>
    /// <param name="numEmbeddings">Rows in the table.</param>
    /// <param name="embeddingDim">Size of each row.</param>
    /// <param name="paddingIdx">A row kept at zero with no gradient; negative counts from the end.</param>
    /// <param name="maxNorm">Renormalise looked-up rows to at most this norm.</param>
    /// <param name="normType">The p of that norm.</param>
    /// <param name="scaleGradByFreq">Scale gradients by inverse index frequency.</param>
    /// <param name="weight">An existing table to use instead of drawing one (not copied).</param>
    /// <param name="dtype">Table dtype when drawn.</param>
    /// <param name="generator">Where the N(0, 1) draws come from; default the global generator.</param>
    /// <exception cref="ArgumentException"><paramref name="weight"/> is not [numEmbeddings, embeddingDim], or
    /// paddingIdx is out of range.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, Tensor? weight = null, DType dtype = DType.Float32, Generator? generator = null)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = Functional.WrapPaddingIdx(paddingIdx, numEmbeddings);
        MaxNorm = maxNorm;
        NormType = normType;
        ScaleGradByFreq = scaleGradByFreq;
        if (weight is null)
        {
            var w = Torch.Zeros([numEmbeddings, embeddingDim], dtype, Device.Cpu).Normal_(0, 1, generator);
            if (PaddingIdx is int pad) w.Select(0, pad).Fill_(0);
            Weight = Parameter(w.To(Torch.DefaultDevice));
        }
        else
        {
            if (!weight.ShapeArray.SequenceEqual([numEmbeddings, embeddingDim])) throw new ArgumentException("Shape of weight does not match num_embeddings and embedding_dim");
            Weight = Parameter(weight);
        }
        RegisterParameter("weight", () => Weight);
    }

    /// <summary>torch's Embedding.from_pretrained: wraps <paramref name="embeddings"/> (no copy), frozen unless <paramref name="freeze"/> is false.</summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0, bool scaleGradByFreq = false)
    {
        if (embeddings.Dim() != 2) throw new ArgumentException("Embeddings parameter is expected to be 2-dimensional");
        var e = new Embedding(embeddings.Size32(0), embeddings.Size32(1), paddingIdx, maxNorm, normType, scaleGradByFreq, weight: embeddings);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }

    /// <summary>
    /// The rows of <see cref="Weight"/> at the int64 indices <paramref name="input"/> (any shape): output
    /// [*input.shape, EmbeddingDim].
    /// </summary>
    /// <exception cref="ArgumentException">Indices that are not integers or are out of range.</exception>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType, ScaleGradByFreq);

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is int p) s += $", padding_idx={p}";
        if (MaxNorm is double m) s += $", max_norm={Py(m)}";
        if (NormType != 2) s += $", norm_type={Py(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        return s;
    }

    static string Py(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

public static partial class Functional
{
    internal static int? WrapPaddingIdx(int? paddingIdx, int numEmbeddings)
    {
        if (paddingIdx is not int p) return null;
        if (p > 0 && p >= numEmbeddings) throw new ArgumentException("Padding_idx must be within num_embeddings");
        if (p < 0 && p < -numEmbeddings) throw new ArgumentException("Padding_idx must be within num_embeddings");
        return p < 0 ? p + numEmbeddings : p;
    }

    /// <summary>
    /// weight[input]: rows of <paramref name="weight"/> at integer <paramref name="input"/>, shape input.shape + [dim].
    /// With <paramref name="maxNorm"/>, the referenced rows whose norm exceeds it are first rescaled in place (as torch's
    /// embedding_renorm_). Gradient (<c>EmbeddingBackward0</c>): dense, the output gradient's rows summed into each
    /// index's row, none for <paramref name="paddingIdx"/>, divided by the index's count with <paramref name="scaleGradByFreq"/>.
    /// </summary>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null, double? maxNorm = null, double normType = 2.0, bool scaleGradByFreq = false)
    {
        if (input.DType != DType.Int64)
            throw new ArgumentException($"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got {input.DType.TorchName()} instead (while checking arguments for embedding)");
        if (weight.Dim() != 2) throw new ArgumentException("'weight' must be 2-D");
        int rows = weight.Size32(0), dim = weight.Size32(1);
        int? pad = paddingIdx is int p ? (p < 0 ? p + rows : p) : null;
        var index = input.To(DType.Int64).Contiguous().Cpu().ToArray<long>();
        foreach (long i in index)
            if (i < 0 || i >= rows) throw new ArgumentOutOfRangeException(null, "index out of range in self");
        if (maxNorm is double mn) Renorm(weight, index, mn, normType);

        var shape = input.ShapeArray.Append(dim).ToArray();
        Tensor output;
        using (GradMode.Set(false)) output = Gather(weight, index, shape);
        if (!Recording.Needed(weight)) return output;
        return Recording.Record(output, "EmbeddingBackward0", [weight], g => [GradMode.IsEnabled
            ? ScatterAddRowsRecorded(g, index, rows, dim, pad, scaleGradByFreq)
            : ScatterAddRows(g, index, rows, dim, pad, scaleGradByFreq)]);
    }

    // Rows weight[index[k]] into a new [index.Length, dim] tensor (viewed as shape); CUDA by a one-hot GEMM.
    static Tensor Gather(Tensor weight, long[] index, int[] shape)
    {
        int rows = weight.Size32(0), dim = weight.Size32(1);
        if (weight.Device.IsCuda) return OneHot(index, rows, weight.DType, weight.Device).MatMul(weight).Reshape(shape);
        var w = weight.Contiguous();
        var output = Tensor.Allocate(shape, weight.DType, Device.Cpu, zero: false);
        if (weight.DType == DType.Float64) GatherRows(w.ContiguousSpan<double>(), index, dim, output.ContiguousSpan<double>());
        else if (weight.DType == DType.Float32) GatherRows(w.ContiguousSpan<float>(), index, dim, output.ContiguousSpan<float>());
        else throw new NotSupportedException($"embedding is implemented for float32 and float64 weights, got {weight.DType.TorchName()}");
        return output;
    }

    static void GatherRows<T>(ReadOnlySpan<T> table, long[] index, int dim, Span<T> output) where T : unmanaged
    {
        for (int k = 0; k < index.Length; k++) table.Slice((int)index[k] * dim, dim).CopyTo(output.Slice(k * dim, dim));
    }

    // embedding's gradient from recorded ops (create_graph): the same scaled rows added with index_add (linear in g).
    static Tensor ScatterAddRowsRecorded(Tensor g, long[] index, int rows, int dim, int? pad, bool scaleByFreq)
    {
        var scale = RowScales(index, pad, scaleByFreq);
        var weighted = g.Reshape(index.Length, dim) * Torch.Tensor(scale).To(g.DType).To(g.Device).Unsqueeze(1);
        return Torch.Zeros([rows, dim], g.DType, g.Device).IndexAdd(0, Torch.Tensor(index).To(g.Device), weighted);
    }

    // 1/count of each row's index (scale_grad_by_freq), 0 at padding_idx, else 1.
    static double[] RowScales(long[] index, int? pad, bool scaleByFreq)
    {
        var scale = new double[index.Length];
        Array.Fill(scale, 1.0);
        if (scaleByFreq)
        {
            var counts = new Dictionary<long, int>();
            foreach (long i in index) counts[i] = counts.GetValueOrDefault(i) + 1;
            for (int k = 0; k < index.Length; k++) scale[k] = 1.0 / counts[index[k]];
        }
        if (pad is int p)
            for (int k = 0; k < index.Length; k++) if (index[k] == p) scale[k] = 0;
        return scale;
    }

    static Tensor ScatterAddRows(Tensor g, long[] index, int rows, int dim, int? pad, bool scaleByFreq)
    {
        var scale = new double[index.Length];
        Array.Fill(scale, 1.0);
        if (scaleByFreq)
        {
            var counts = new Dictionary<long, int>();
            foreach (long i in index) counts[i] = counts.GetValueOrDefault(i) + 1;
            for (int k = 0; k < index.Length; k++) scale[k] = 1.0 / counts[index[k]];
        }
        if (pad is int p)
            for (int k = 0; k < index.Length; k++) if (index[k] == p) scale[k] = 0;
        if (g.Device.IsCuda)
        {
            var weighted = OneHot(index, rows, g.DType, Device.Cpu);
            for (int k = 0; k < index.Length; k++)
                if (scale[k] != 1) weighted.Select(0, k).Mul_(scale[k]);
            return weighted.To(g.Device).T().MatMul(g.Reshape(index.Length, dim));
        }
        var gc = g.Contiguous();
        var grad = Torch.Zeros([rows, dim], g.DType, Device.Cpu);
        if (g.DType == DType.Float64) AddRows(gc.ContiguousSpan<double>(), index, scale, dim, grad.ContiguousSpan<double>());
        else AddRows(gc.ContiguousSpan<float>(), index, scale, dim, grad.ContiguousSpan<float>());
        return grad;
    }

    // In index order, as ATen's CPU embedding_backward accumulates.
    static void AddRows<T>(ReadOnlySpan<T> g, long[] index, double[] scale, int dim, Span<T> grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < index.Length; k++)
        {
            if (scale[k] == 0) continue;
            var src = g.Slice(k * dim, dim);
            var dst = grad.Slice((int)index[k] * dim, dim);
            if (scale[k] == 1) System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
            else
            {
                var s = T.CreateTruncating(scale[k]);
                for (int j = 0; j < dim; j++) dst[j] += src[j] * s;
            }
        }
    }

    static Tensor OneHot(long[] index, int rows, DType dtype, Device device)
    {
        var onehot = Torch.Zeros([index.Length, rows], DType.Float64, Device.Cpu);
        var span = onehot.ContiguousSpan<double>();
        for (int k = 0; k < index.Length; k++) span[k * rows + (int)index[k]] = 1;
        return onehot.To(dtype).To(device);
    }

    /// <summary>torch.embedding_renorm_: each distinct referenced row with ‖row‖ₚ &gt; maxNorm is scaled by maxNorm / (‖row‖ₚ + 1e-7), in place.</summary>
    static void Renorm(Tensor weight, long[] index, double maxNorm, double normType)
    {
        using var _ = GradMode.Set(false);
        foreach (long i in index.Distinct().Order())
        {
            var row = weight.Select(0, (int)i);
            var values = row.ToDoubleArray();
            double norm = normType switch
            {
                2 => Math.Sqrt(values.Sum(v => v * v)),
                1 => values.Sum(Math.Abs),
                double.PositiveInfinity => values.Max(Math.Abs),
                _ => Math.Pow(values.Sum(v => Math.Pow(Math.Abs(v), normType)), 1 / normType),
            };
            if (norm > maxNorm) row.Mul_(maxNorm / (norm + 1e-7));
        }
    }
}

using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.init in .NET casing: each fills a tensor in place (without recording gradients) and returns it, drawing
/// the same numbers as torch 1.13 from the same generator state, because the bounds and standard deviations are
/// computed in the same order in double precision and the draws go through the torch-compatible generator.
/// </summary>
public static class Init
{
    /// <summary>Draws from U[a, b).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null) => Fill(tensor, t => t.Uniform_(a, b, generator));

    /// <summary>Draws from N(mean, std²).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null) => Fill(tensor, t => t.Normal_(mean, std, generator));

    /// <summary>
    /// Fills <paramref name="tensor"/> with <paramref name="value"/> in place, without recording a gradient; returns it
    /// (torch.nn.init.constant_).
    /// </summary>
    public static Tensor Constant_(Tensor tensor, double value) => Fill(tensor, t => t.Fill_(value));
    /// <summary>Fills <paramref name="tensor"/> with 1 in place; returns it (torch.nn.init.ones_).</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);
    /// <summary>Fills <paramref name="tensor"/> with 0 in place; returns it (torch.nn.init.zeros_).</summary>
    public static Tensor Zeros_(Tensor tensor) => Fill(tensor, t => t.Zero_());

    /// <summary>The identity matrix, for a 2-D tensor.</summary>
    public static Tensor Eye_(Tensor tensor)
    {
        if (tensor.Dim() != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
        return Fill(tensor, t => t.Copy_(Torch.Eye(t.ShapeArray[0], t.ShapeArray[1], t.DType)));
    }

    /// <summary>The Dirac delta for convolution weights (3-, 4- or 5-d): each output channel passes one input channel through.</summary>
    public static Tensor Dirac_(Tensor tensor, int groups = 1)
    {
        int dims = tensor.Dim();
        if (dims is not (3 or 4 or 5)) throw new ArgumentException("Only tensors with 3, 4, or 5 dimensions are supported");
        var sizes = tensor.ShapeArray;
        if (groups <= 0 || sizes[0] % groups != 0) throw new ArgumentException("dim 0 must be divisible by groups");
        int outPerGroup = sizes[0] / groups, minDim = Math.Min(outPerGroup, sizes[1]);
        var values = new double[tensor.Numel()];
        var strides = Bridge.ShapeMath.ContiguousStrides(sizes);
        for (int g = 0; g < groups; g++)
            for (int d = 0; d < minDim; d++)
            {
                long offset = (long)(g * outPerGroup + d) * strides[0] + (long)d * strides[1];
                for (int k = 2; k < dims; k++) offset += (long)(sizes[k] / 2) * strides[k];
                values[offset] = 1;
            }
        return Fill(tensor, t => t.Copy_(Torch.Tensor(values, DType.Float64).Reshape(sizes)));
    }

    /// <summary>Glorot: U(-a, a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>He: U(-b, b) with b = gain·√(3 / fan), gain from <paramref name="nonlinearity"/> and <paramref name="a"/>.</summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        if (tensor.ShapeArray.Contains(0)) return tensor; // torch warns "Initializing zero-element tensors is a no-op"
        int fan = CorrectFan(tensor, mode);
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>He: N(0, std²) with std = gain / √fan.</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        if (tensor.ShapeArray.Contains(0)) return tensor;
        int fan = CorrectFan(tensor, mode);
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// N(mean, std²) truncated to [a, b], by torch's inverse-CDF method: u ~ U(2Φ(α) - 1, 2Φ(β) - 1), then
    /// erfinv(u)·std·√2 + mean, clamped to [a, b].
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        double l = NormCdf((a - mean) / std), u = NormCdf((b - mean) / std);
        return Fill(tensor, t =>
        {
            var draws = Torch.Zeros(t.ShapeArray, t.DType, Device.Cpu).Uniform_(2 * l - 1, 2 * u - 1, generator); // erfinv runs on the host
            if (t.DType == DType.Float64)
            {
                var span = draws.ContiguousSpan<double>();
                for (int i = 0; i < span.Length; i++) span[i] = Backends.Cpu.TorchMath.TorchErfinv.Erfinv(span[i]); // torch's erfinv_, bit for bit
            }
            else if (t.DType == DType.Float32)
            {
                var span = draws.ContiguousSpan<float>();
                for (int i = 0; i < span.Length; i++) span[i] = Backends.Cpu.TorchMath.TorchErfinv.Erfinv(span[i]); // torch's erfinv_, bit for bit
            }
            else throw new NotSupportedException($"trunc_normal_ is implemented for float32 and float64, got {t.DType.TorchName()}");
            draws.Mul_(std * Math.Sqrt(2.0)).Add_(mean).Clamp_(a, b);
            t.Copy_(draws);
        });
    }

    /// <summary>
    /// A (semi-)orthogonal matrix, as torch: N(0, 1) draws of shape (rows, numel/rows), QR of it (or of its
    /// transpose when wider than tall), Q with its columns' signs fixed by diag(R), times <paramref name="gain"/>.
    /// </summary>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        if (tensor.Dim() < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor.Numel() == 0) return tensor;
        int rows = tensor.ShapeArray[0], cols = tensor.Numel32 / rows;
        var flattened = Torch.Zeros([rows, cols], tensor.DType, Device.Cpu).Normal_(0, 1, generator);
        bool wide = rows < cols;
        var m = (wide ? flattened.T() : flattened).Contiguous().ToDoubleArray();
        int r = wide ? cols : rows, c = wide ? rows : cols;
        var q = SpecialFunctions.OrthonormalFactor(m, r, c); // r×c, columns signed so that diag(R) > 0
        var qt = Torch.Tensor(q, DType.Float64).Reshape(r, c).To(tensor.DType);
        if (wide) qt = qt.T();
        return Fill(tensor, t => t.Copy_(qt.Reshape(t.ShapeArray)).Mul_(gain));
    }

    /// <summary>torch's recommended gain for a nonlinearity (relu √2, tanh 5/3, selu 3/4, leaky_relu √(2/(1 + slope²)), 1 for linear ones).</summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}");
        }
    }

    /// <summary>(size(1)·receptive field, size(0)·receptive field), the receptive field being the product of dims 2…</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        var shape = tensor.ShapeArray;
        if (shape.Length < 2) throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        int receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    static int CorrectFan(Tensor tensor, string mode)
    {
        var m = mode.ToLowerInvariant();
        if (m is not ("fan_in" or "fan_out")) throw new ArgumentException($"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']");
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return m == "fan_in" ? fanIn : fanOut;
    }

    static double NormCdf(double x) => (1.0 + SpecialFunctions.Erf(x / Math.Sqrt(2.0))) / 2.0;

    static Tensor Fill(Tensor tensor, Action<Tensor> fill)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Torch.NoGrad()) fill(tensor);
        return tensor;
    }
}

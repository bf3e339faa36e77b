using Bridge.Autograd;
using Bridge.Backends;
using Bridge.Backends.Cpu;
using Bridge.Backends.Cpu.TorchMath;
using Bridge.Ops;

namespace Bridge;

// torch.polygamma and torch.mvlgamma (issue 17): ops with an integer argument beside the tensor, so not declared
// unary ops. polygamma runs ATen's kernels (digamma, trigamma, then n! ζ(n+1, x)); mvlgamma composes lgamma, as
// ATen does, and takes its gradient from the ops it is made of.
public sealed partial class Tensor
{
    /// <summary>
    /// ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, elementwise (torch's <c>polygamma(n, x)</c>, as a method
    /// <c>x.polygamma(n)</c>): n = 0 is digamma, n = 1 trigamma, larger n (−1)ⁿ⁺¹ n! ζ(n+1, x). Integers and bool
    /// give float32. The gradient is ψ⁽ⁿ⁺¹⁾(x).
    /// </summary>
    /// <exception cref="ArgumentException">n is negative (torch: "polygamma(n, x) does not support negative n.").</exception>
    /// <exception cref="NotSupportedException">n ≥ 2 on a CUDA tensor (no device kernel yet), or a float16 tensor on the CPU.</exception>
    public Tensor Polygamma(int n)
    {
        if (n < 0) throw new ArgumentException("polygamma(n, x) does not support negative n.");
        if (DType == DType.Float16 && !Device.IsCuda) throw HalfWidening.NotImplemented(n switch { 0 => "digamma", 1 => "trigamma", _ => "polygamma" }, DType);
        var x = DType.IsFloatingPoint() ? this : To(Torch.DefaultDType);
        var result = n switch
        {
            0 => Unrecorded(x, r => Backend.FloatUnary<DigammaOperator>(x, r)),
            1 => Unrecorded(x, r => Backend.FloatUnary<TrigammaOperator>(x, r)),
            _ => PolygammaHigher(x, n),
        };
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "PolygammaBackward0", [x], g => [g * x.Polygamma(n + 1)], x);
    }

    /// <summary>In place: this = ψ⁽ⁿ⁾(this) (torch's <c>polygamma_</c>); returns this.</summary>
    /// <exception cref="ArgumentException">n is negative.</exception>
    /// <exception cref="InvalidOperationException">This tensor is an integer tensor (the float result cannot be cast
    /// back), a leaf that requires grad, or read-only.</exception>
    public Tensor Polygamma_(int n) => InPlace(this, (a, _) => a.Polygamma(n));

    /// <summary>
    /// The multivariate log-gamma function of dimension <paramref name="p"/>, elementwise (torch's <c>mvlgamma</c>,
    /// <c>torch.special.multigammaln</c>): ¼p(p−1) ln π + Σᵢ₌₀^(p−1) lgamma(x − i/2), summed as torch sums it (over a
    /// trailing dim of p). Integers give float32.
    /// </summary>
    /// <exception cref="ArgumentException">p &lt; 1, or a bool tensor (torch's messages).</exception>
    public Tensor Mvlgamma(int p)
    {
        if (DType == DType.Bool) throw new ArgumentException("The input tensor may not be a boolean tensor.");
        if (p < 1) throw new ArgumentException("p has to be greater than or equal to 1");
        var dtype = DType.IsFloatingPoint() ? DType : Torch.DefaultDType;
        var args = Torch.Arange(-p * 0.5 + 0.5, 0.5, 0.5, dtype).To(Device);
        args = args + Unsqueeze(-1);
        double constant = p * (p - 1.0) * Math.Log(Math.PI) * 0.25;
        return Declarations.Lgamma.Apply(args).Sum(-1) + constant;
    }

    /// <summary>In place: this = mvlgamma(this, p) (torch's <c>mvlgamma_</c>); returns this.</summary>
    /// <exception cref="ArgumentException">p &lt; 1, or a bool tensor.</exception>
    public Tensor Mvlgamma_(int p) => InPlace(this, (a, _) => a.Mvlgamma(p));

    /// <summary>The kernel's result without recording (the caller records PolygammaBackward0).</summary>
    static Tensor Unrecorded(Tensor x, Action<Tensor> kernel)
    {
        var result = AllocateShaped(x, x.DType);
        kernel(result);
        return result;
    }

    /// <summary>ψ⁽ⁿ⁾ for n ≥ 2 through ATen's calc_polygamma, element by element on the CPU (half types through float32).</summary>
    static Tensor PolygammaHigher(Tensor x, int n)
    {
        if (x.Device.IsCuda) throw new NotSupportedException($"polygamma(n={n}) has no CUDA kernel yet: move the tensor to the CPU (.cpu()) for n >= 2");
        var source = (x.DType.IsHalf() ? x.To(DType.Float32) : x).Contiguous();
        var result = Torch.ZerosLike(source);
        if (source.DType == DType.Float64)
        {
            Span<double> s = source.ContiguousSpan<double>(), r = result.ContiguousSpan<double>();
            for (int i = 0; i < s.Length; i++) r[i] = TorchGamma.Polygamma(n, s[i]);
        }
        else
        {
            Span<float> s = source.ContiguousSpan<float>(), r = result.ContiguousSpan<float>();
            for (int i = 0; i < s.Length; i++) r[i] = TorchGamma.Polygamma(n, s[i]);
        }
        return result.DType == x.DType ? result : result.To(x.DType);
    }
}

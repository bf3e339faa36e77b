using Bridge.Ops;

namespace Bridge;

public static partial class Torch
{
    /// <summary>torch.polygamma(n, x): ψ⁽ⁿ⁾(x) elementwise (see <see cref="Tensor.Polygamma(int)"/>).</summary>
    /// <exception cref="ArgumentException">n is negative.</exception>
    public static Tensor Polygamma(int n, Tensor x) => x.Polygamma(n);

    /// <summary>torch.mvlgamma(x, p): the multivariate log-gamma function of dimension p (see <see cref="Tensor.Mvlgamma(int)"/>).</summary>
    /// <exception cref="ArgumentException">p &lt; 1, or a bool tensor.</exception>
    public static Tensor Mvlgamma(Tensor x, int p) => x.Mvlgamma(p);

    /// <summary>
    /// torch.special: the special functions under torch's names in .NET casing (<c>Torch.Special.Gammaln(x)</c> is
    /// <c>torch.special.gammaln(x)</c>). Each maps onto the engine op torch maps it onto; aliases (gammaln = lgamma,
    /// psi = digamma, expit = sigmoid, multigammaln = mvlgamma...) share that op's kernel and gradient.
    /// </summary>
    public static class Special
    {
        /// <summary>torch.special.erf: the error function.</summary>
        public static Tensor Erf(Tensor x) => Declarations.Erf.Apply(x);

        /// <summary>torch.special.erfc: 1 − erf(x), without cancellation.</summary>
        public static Tensor Erfc(Tensor x) => Declarations.Erfc.Apply(x);

        /// <summary>torch.special.erfinv: the inverse error function (±inf at ±1, NaN outside).</summary>
        public static Tensor Erfinv(Tensor x) => Declarations.Erfinv.Apply(x);

        /// <summary>torch.special.expit: the logistic sigmoid 1 / (1 + e^−x).</summary>
        public static Tensor Expit(Tensor x) => Declarations.Sigmoid.Apply(x);

        /// <summary>torch.special.logit: ln(z / (1 − z)), z = x clamped to [eps, 1 − eps] when eps is given.</summary>
        public static Tensor Logit(Tensor x, double? eps = null) => x.Logit(eps);

        /// <summary>torch.special.xlogy: x · ln y, 0 where x is 0 (unless y is NaN).</summary>
        public static Tensor Xlogy(Tensor x, Tensor y) => x.Xlogy(y);

        /// <summary>torch.special.xlog1py: x · ln(1 + y), 0 where x is 0 (unless y is NaN).</summary>
        public static Tensor Xlog1py(Tensor x, Tensor y)
        {
            var product = x * Declarations.Log1p.Apply(y);
            var zero = (x == 0.0) & ~y.IsNan();
            return Bridge.Tensor.Where(zero, 0.0, product);
        }

        /// <summary>torch.special.gammaln: ln|Γ(x)| (torch.lgamma).</summary>
        public static Tensor Gammaln(Tensor x) => Declarations.Lgamma.Apply(x);

        /// <summary>torch.special.digamma: ψ(x), the derivative of ln Γ.</summary>
        public static Tensor Digamma(Tensor x) => Declarations.Digamma.Apply(x);

        /// <summary>torch.special.psi: ψ(x) (an alias of digamma).</summary>
        public static Tensor Psi(Tensor x) => Declarations.Digamma.Apply(x);

        /// <summary>torch.special.polygamma(n, x): ψ⁽ⁿ⁾(x).</summary>
        /// <exception cref="ArgumentException">n is negative.</exception>
        public static Tensor Polygamma(int n, Tensor x) => x.Polygamma(n);

        /// <summary>torch.special.multigammaln(x, p): the multivariate log-gamma function (torch.mvlgamma).</summary>
        /// <exception cref="ArgumentException">p &lt; 1, or a bool tensor.</exception>
        public static Tensor Multigammaln(Tensor x, int p) => x.Mvlgamma(p);

        /// <summary>torch.special.i0: I₀(x), the modified Bessel function of the first kind of order 0.</summary>
        public static Tensor I0(Tensor x) => Declarations.I0.Apply(x);

        /// <summary>torch.special.i0e: e^−|x| I₀(x).</summary>
        public static Tensor I0e(Tensor x) => Declarations.SpecialI0e.Apply(x);

        /// <summary>torch.special.i1: I₁(x), the modified Bessel function of the first kind of order 1.</summary>
        public static Tensor I1(Tensor x) => Declarations.SpecialI1.Apply(x);

        /// <summary>torch.special.i1e: e^−|x| I₁(x).</summary>
        public static Tensor I1e(Tensor x) => Declarations.SpecialI1e.Apply(x);

        /// <summary>torch.special.ndtr: the standard normal CDF, (1 + erf(x/√2)) / 2, composed as torch composes it.</summary>
        public static Tensor Ndtr(Tensor x)
        {
            var f = x.DType.IsFloatingPoint() ? x : x.To(DefaultDType);
            return (1.0 + Declarations.Erf.Apply(f * 0.70710678118654752440)) * 0.5;
        }

        /// <summary>torch.special.ndtri: the inverse of the standard normal CDF (∓inf at 0 and 1, NaN outside [0, 1]).</summary>
        public static Tensor Ndtri(Tensor x) => Declarations.SpecialNdtri.Apply(x);

        /// <summary>torch.special.log_ndtr: ln Φ(x), accurate far into the left tail.</summary>
        public static Tensor LogNdtr(Tensor x) => Declarations.SpecialLogNdtr.Apply(x);

        /// <summary>torch.special.erfcx: e^(x²) erfc(x), without overflow for large x (within an ulp of torch's).</summary>
        public static Tensor Erfcx(Tensor x) => Declarations.SpecialErfcx.Apply(x);

        /// <summary>torch.special.sinc: sin(πx) / (πx), 1 at 0.</summary>
        public static Tensor Sinc(Tensor x) => x.Sinc();

        /// <summary>torch.special.entr: −x ln x for x &gt; 0, 0 at 0, −inf below 0 (NaN stays NaN).</summary>
        public static Tensor Entr(Tensor x) => Declarations.SpecialEntr.Apply(x);

        /// <summary>torch.special.logsumexp: ln Σ e^x over <paramref name="dims"/>, computed without overflow.</summary>
        public static Tensor Logsumexp(Tensor x, int[] dims, bool keepDim = false) => x.Logsumexp(dims, keepDim);

        /// <summary>torch.special.softmax: e^x / Σ e^x along <paramref name="dim"/>.</summary>
        public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);

        /// <summary>torch.special.log_softmax: x − ln Σ e^x along <paramref name="dim"/>.</summary>
        public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

        /// <summary>torch.special.round: each element rounded to the nearest integer, halves to even.</summary>
        public static Tensor Round(Tensor x) => Declarations.Round.Apply(x);

        /// <summary>torch.special.exp2: 2^x.</summary>
        public static Tensor Exp2(Tensor x) => Declarations.Exp2.Apply(x);

        /// <summary>torch.special.expm1: e^x − 1, accurate near 0.</summary>
        public static Tensor Expm1(Tensor x) => Declarations.Expm1.Apply(x);

        /// <summary>torch.special.log1p: ln(1 + x), accurate near 0.</summary>
        public static Tensor Log1p(Tensor x) => Declarations.Log1p.Apply(x);
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Optim;

/// <summary>
/// Adam's and AdamW's update of one parameter in one pass over its four tensors, where the composed form walks them
/// about eight times and allocates two temporaries. Each element goes through torch 1.13's single-tensor ops in their
/// order and roundings (scalars rounded to the dtype first, as ATen does): p·(1 - lr·wd) (AdamW) or fma(wd, p, g)
/// (Adam's L2 term); m = fma(1 - β₁, g, m·β₁); v = fma((1 - β₂)·g, g, v·β₂); d = √v / √(1 - β₂ᵗ) + ε;
/// p = p + (-step·m) / d. So the parameters stay bit-identical to the composed ops and to torch
/// (tests/Bridge.Tensor.Tests/Training/OptimizerTests.cs). Plain contiguous CPU tensors of one float dtype only.
/// </summary>
internal static class FusedAdam
{
    static bool Plain(Tensor self, params ReadOnlySpan<Tensor> others)
    {
        if (self.Device.IsCuda || !self.IsContiguous() || !self.Storage.Writable || self.DType is not (DType.Float32 or DType.Float64)) return false;
        if (Autograd.GradMode.IsEnabled && self.RequiresGrad) return false;
        foreach (var o in others)
            if (o.Device != self.Device || o.DType != self.DType || !o.IsContiguous() || (Autograd.GradMode.IsEnabled && o.RequiresGrad)
                || !o.ShapeArray.AsSpan().SequenceEqual(self.ShapeArray) || ReferenceEquals(o.Storage, self.Storage))
                return false;
        return true;
    }

    /// <summary>
    /// Runs step <paramref name="t"/> (already counted) of Adam (AdamW with <paramref name="decoupled"/>) on
    /// <paramref name="param"/> in place; false, touching nothing, where the tensors are not plain contiguous CPU float data.
    /// <paramref name="grad"/> is already negated for maximize.
    /// </summary>
    public static bool TryStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, double t,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
    {
        if (!Plain(param, grad, expAvg, expAvgSq) || param.Numel() > int.MaxValue) return false;
        double stepSize = lr / (1 - Math.Pow(beta1, t));
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        var c = new Constants(decoupled ? 1 - lr * weightDecay : 1, decoupled ? 0 : weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, bc2Sqrt, eps, -stepSize, decoupled && weightDecay != 0);
        if (param.DType == DType.Float32)
            Float(param.ContiguousSpan<float>(), grad.ContiguousSpan<float>(), expAvg.ContiguousSpan<float>(), expAvgSq.ContiguousSpan<float>(), c);
        else
            Double(param.ContiguousSpan<double>(), grad.ContiguousSpan<double>(), expAvg.ContiguousSpan<double>(), expAvgSq.ContiguousSpan<double>(), c);
        param.BumpVersion();
        expAvg.BumpVersion();
        expAvgSq.BumpVersion();
        return true;
    }

    readonly record struct Constants(double Decay, double L2, double Beta1, double OneMinusBeta1, double Beta2, double OneMinusBeta2,
        double Bc2Sqrt, double Eps, double NegStep, bool Decays);

    static void Float(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Constants c)
    {
        float decay = (float)c.Decay, l2 = (float)c.L2, b1 = (float)c.Beta1, ob1 = (float)c.OneMinusBeta1, b2 = (float)c.Beta2, ob2 = (float)c.OneMinusBeta2;
        float bc2 = (float)c.Bc2Sqrt, eps = (float)c.Eps, neg = (float)c.NegStep;
        int i = 0;
        if (Fma.IsSupported && Avx.IsSupported)
        {
            var vDecay = Vector256.Create(decay); var vL2 = Vector256.Create(l2); var vB1 = Vector256.Create(b1); var vOb1 = Vector256.Create(ob1);
            var vB2 = Vector256.Create(b2); var vOb2 = Vector256.Create(ob2); var vBc2 = Vector256.Create(bc2); var vEps = Vector256.Create(eps);
            var vNeg = Vector256.Create(neg);
            for (; i <= p.Length - 8; i += 8)
            {
                var pi = Vector256.Create(p.Slice(i, 8));
                var gi = Vector256.Create(g.Slice(i, 8));
                if (c.Decays) pi *= vDecay;
                else if (l2 != 0) gi = Fma.MultiplyAdd(vL2, pi, gi);
                var mi = Fma.MultiplyAdd(vOb1, gi, Vector256.Create(m.Slice(i, 8)) * vB1);
                var vi = Fma.MultiplyAdd(vOb2 * gi, gi, Vector256.Create(v.Slice(i, 8)) * vB2);
                var d = Avx.Sqrt(vi) / vBc2 + vEps;
                (pi + vNeg * mi / d).CopyTo(p.Slice(i, 8));
                mi.CopyTo(m.Slice(i, 8));
                vi.CopyTo(v.Slice(i, 8));
            }
        }
        for (; i < p.Length; i++)
        {
            float pi = p[i], gi = g[i];
            if (c.Decays) pi *= decay;
            else if (l2 != 0) gi = MathF.FusedMultiplyAdd(l2, pi, gi);
            float mi = MathF.FusedMultiplyAdd(ob1, gi, m[i] * b1);
            float vi = MathF.FusedMultiplyAdd(ob2 * gi, gi, v[i] * b2);
            float d = MathF.Sqrt(vi) / bc2 + eps;
            p[i] = pi + neg * mi / d;
            m[i] = mi;
            v[i] = vi;
        }
    }

    static void Double(Span<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, Constants c)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i], gi = g[i];
            if (c.Decays) pi *= c.Decay;
            else if (c.L2 != 0) gi = Math.FusedMultiplyAdd(c.L2, pi, gi);
            double mi = Math.FusedMultiplyAdd(c.OneMinusBeta1, gi, m[i] * c.Beta1);
            double vi = Math.FusedMultiplyAdd(c.OneMinusBeta2 * gi, gi, v[i] * c.Beta2);
            double d = Math.Sqrt(vi) / c.Bc2Sqrt + c.Eps;
            p[i] = pi + c.NegStep * mi / d;
            m[i] = mi;
            v[i] = vi;
        }
    }
}

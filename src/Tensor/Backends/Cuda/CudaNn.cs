using System.Runtime.InteropServices;
using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>
/// The <c>Window</c> struct of Kernels/Nn.cu: one window sweep (ConvGeometry's fields; pooling sets Channels to 1).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct CudaWindow(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
    int padH, int padW, int dilationH, int dilationW, int outH, int outW)
{
    readonly int _channels = channels, _height = height, _width = width, _kernelH = kernelH, _kernelW = kernelW;
    readonly int _strideH = strideH, _strideW = strideW, _padH = padH, _padW = padW, _dilationH = dilationH, _dilationW = dilationW;
    readonly int _outH = outH, _outW = outW;

    /// <summary>A convolution's window sweep over one group's planes.</summary>
    public static CudaWindow Of(in ConvGeometry g) => new(g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, g.StrideH, g.StrideW,
        g.PadH, g.PadW, g.DilationH, g.DilationW, g.OutH, g.OutW);

    /// <summary>A pooling window sweep (one plane at a time).</summary>
    public static CudaWindow Of(in PoolGeometry g) => new(1, g.Height, g.Width, g.KernelH, g.KernelW, g.StrideH, g.StrideW,
        g.PadH, g.PadW, g.DilationH, g.DilationW, g.OutH, g.OutW);
}

/// <summary>
/// Convolution, unfold/fold, pooling and GELU on the GPU (the CUDA side of <see cref="NnKernels"/>). A convolution is
/// im2col into a device scratch buffer, then the backend's GEMM (<see cref="CudaReduce.Gemm(CudaDevice, DType, ulong, ulong, ulong, int, int, int, bool)"/>:
/// the bit-exact own kernel, or cuBLAS for large products), samples taken in blocks as the CPU does; the input gradient
/// is Wᵀ·∂y followed by a gather col2im. Everything stays on the device: no host copies, no atomics.
/// </summary>
internal static class CudaNn
{
    const uint Threads = 256;

    /// <summary>Column bytes per block of samples: several small images per GEMM, bounded scratch for large ones (a field so tests can force blocks of one).</summary>
    static long BlockBytes = 64L << 20;

    static (uint, uint) GridFor(long n) => ((uint)Math.Clamp((n + Threads - 1) / Threads, 1, 65535), 1);

    static CudaDevice DeviceOf(Tensor t) => CudaDevice.Get(t.Device.Index);

    /// <summary>The f32/f64 kernel suffix; any other dtype fails naming the op and the device.</summary>
    static string Suffix(string op, Tensor t) => t.DType switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        _ => throw new NotSupportedException($"{op} on {t.Device}: no CUDA kernel for {t.DType.TorchName()} (float32 and float64 only)"),
    };

    /// <summary>Address of element <paramref name="elements"/> past the tensor's first.</summary>
    static ulong At(Tensor t, long elements) => CudaKernels.Address(t) + (ulong)(elements * t.DType.ElementSize());

    static Tensor Scratch(long elements, Tensor like) =>
        Tensor.Allocate([checked((int)Math.Max(1, elements))], like.DType, like.Device, zero: false);

    static int BlockSize(int batch, in ConvGeometry g, int elementSize)
    {
        long perSample = Math.Max(1L, (long)g.Rows * g.Cols * elementSize);
        return (int)Math.Clamp(BlockBytes / perSample, 1, Math.Max(1, batch));
    }

    /// <summary>im2col of <paramref name="samples"/> samples into a column buffer laid out by the three column strides.</summary>
    static void Im2Col(CudaDevice device, string sfx, ulong x, ulong col, in ConvGeometry g, int samples, long xSample, long colSample, long colRow, long colPos)
    {
        long n = (long)samples * g.Rows * g.Cols;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(x);
        args.Add(col);
        args.Add(CudaWindow.Of(g));
        args.Add(samples);
        args.Add(xSample);
        args.Add(colSample);
        args.Add(colRow);
        args.Add(colPos);
        device.Launch($"im2col_{sfx}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>col2im (gather) of <paramref name="samples"/> samples, overwriting their planes.</summary>
    static void Col2Im(CudaDevice device, string sfx, ulong col, ulong x, in ConvGeometry g, int samples, long xSample, long colSample, long colRow, long colPos)
    {
        long n = (long)samples * g.Channels * g.PlaneSize;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(col);
        args.Add(x);
        args.Add(CudaWindow.Of(g));
        args.Add(samples);
        args.Add(xSample);
        args.Add(colSample);
        args.Add(colRow);
        args.Add(colPos);
        device.Launch($"col2im_{sfx}", GridFor(n), (Threads, 1), ref args);
    }

    static void Fill(Tensor t, double value)
    {
        if (t.Numel() > 0) CudaCopy.Fill(t, value);
    }

    /// <summary>y = conv(x, w) + bias, as <see cref="ConvKernels{T}.Forward"/>.</summary>
    public static void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, int batch, int groups, int outChannels, ConvGeometry g)
    {
        string sfx = Suffix("conv2d", y);
        var device = DeviceOf(y);
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
        if (l == 0 || batch == 0 || ocg == 0) return;
        int block = BlockSize(batch, g, y.DType.ElementSize());
        long inSample = (long)groups * g.Channels * g.PlaneSize, outSample = (long)outChannels * l;
        using var col = Scratch((long)k * block * l, y);
        using var product = Scratch((long)ocg * block * l, y);
        for (int s0 = 0; s0 < batch; s0 += block)
        {
            int nb = Math.Min(block, batch - s0);
            for (int gi = 0; gi < groups; gi++)
            {
                Im2Col(device, sfx, At(x, s0 * inSample + (long)gi * g.Channels * g.PlaneSize), CudaKernels.Address(col), g, nb, inSample, l, (long)nb * l, 1);
                CudaReduce.Gemm(device, y.DType, At(w, (long)gi * ocg * k), CudaKernels.Address(col), CudaKernels.Address(product), ocg, k, nb * l, accumulate: false);
                var args = new KernelArgs();
                args.Add(At(y, s0 * outSample));
                args.Add(CudaKernels.Address(product));
                args.Add(bias is null ? 0UL : CudaKernels.Address(bias));
                args.Add(nb);
                args.Add(ocg);
                args.Add(l);
                args.Add(outChannels);
                args.Add(gi * ocg);
                args.Add(bias is null ? 0 : 1);
                device.Launch($"conv_from_block_{sfx}", GridFor((long)ocg * nb * l), (Threads, 1), ref args);
            }
        }
    }

    /// <summary>∂x and/or ∂W from ∂y, as <see cref="ConvKernels{T}.Backward"/> (null outputs skipped, given ones overwritten).</summary>
    public static void ConvBackward(Tensor? x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, int batch, int groups, int outChannels, ConvGeometry g)
    {
        string sfx = Suffix("conv2d backward", gy);
        var device = DeviceOf(gy);
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
        if (l == 0 || k == 0 || ocg == 0 || batch == 0)
        {
            if (gx is not null) Fill(gx, 0);
            if (gw is not null) Fill(gw, 0);
            return;
        }
        if (gw is not null && x is null) throw new ArgumentException("conv2d backward: the weight gradient needs the input");
        int block = BlockSize(batch, g, gy.DType.ElementSize());
        long inSample = (long)groups * g.Channels * g.PlaneSize, outSample = (long)outChannels * l;
        using var col = Scratch((long)k * block * l, gy);
        using var gyBlock = Scratch((long)ocg * block * l, gy);
        // Wᵀ per group, [groups, K, OCg], for ∂col = Wᵀ·∂y (the device GEMM reads row-major operands only).
        using var wt = gx is null ? null : Scratch((long)groups * k * ocg, gy);
        if (wt is not null)
        {
            using var transposed = new Tensor(w.Storage, w.DType, [groups, k, ocg], [ocg * k, 1, k], w.StorageOffset);
            using var target = new Tensor(wt.Storage, wt.DType, [groups, k, ocg], [k * ocg, ocg, 1], 0);
            CudaCopy.Copy(transposed, target);
        }
        for (int s0 = 0; s0 < batch; s0 += block)
        {
            int nb = Math.Min(block, batch - s0);
            long ld = (long)nb * l;
            for (int gi = 0; gi < groups; gi++)
            {
                var args = new KernelArgs();
                args.Add(CudaKernels.Address(gyBlock));
                args.Add(At(gy, s0 * outSample));
                args.Add(nb);
                args.Add(ocg);
                args.Add(l);
                args.Add(outChannels);
                args.Add(gi * ocg);
                device.Launch($"conv_to_block_{sfx}", GridFor(ocg * ld), (Threads, 1), ref args);
                long xGroup = s0 * inSample + (long)gi * g.Channels * g.PlaneSize;
                if (gw is not null)
                {
                    // colᵀ [nb·L, K] built directly in that layout; ∂W[g] (+)= ∂y_block · colᵀ, blocks accumulating in order.
                    Im2Col(device, sfx, At(x!, xGroup), CudaKernels.Address(col), g, nb, inSample, (long)l * k, 1, k);
                    CudaReduce.Gemm(device, gy.DType, CudaKernels.Address(gyBlock), CudaKernels.Address(col), At(gw, (long)gi * ocg * k), ocg, (int)ld, k, accumulate: s0 > 0);
                }
                if (gx is not null)
                {
                    CudaReduce.Gemm(device, gy.DType, At(wt!, (long)gi * k * ocg), CudaKernels.Address(gyBlock), CudaKernels.Address(col), k, ocg, (int)ld, accumulate: false);
                    Col2Im(device, sfx, CudaKernels.Address(col), At(gx, xGroup), g, nb, inSample, l, ld, 1);
                }
            }
        }
    }

    /// <summary>∂b[oc] = Σ_n Σ_p ∂y[n, oc, p] in the CPU's order (a thread per channel).</summary>
    public static void ConvBackwardBias(Tensor gy, Tensor gb, int batch, int outChannels, int positions)
    {
        if (outChannels == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(gb));
        args.Add(CudaKernels.Address(gy));
        args.Add(batch);
        args.Add(outChannels);
        args.Add(positions);
        DeviceOf(gb).Launch($"conv_bias_grad_{Suffix("conv2d backward", gb)}", GridFor(outChannels), (Threads, 1), ref args);
    }

    /// <summary>col[n] = im2col(x[n]) for the whole batch in one launch.</summary>
    public static void Unfold(Tensor x, Tensor col, ConvGeometry g)
    {
        Im2Col(DeviceOf(col), Suffix("unfold", col), CudaKernels.Address(x), CudaKernels.Address(col), g, x.Size32(0),
            (long)g.Channels * g.PlaneSize, (long)g.Rows * g.Cols, g.Cols, 1);
    }

    /// <summary>x[n] = col2im(col[n]) for the whole batch in one launch (x overwritten).</summary>
    public static void Fold(Tensor col, Tensor x, ConvGeometry g)
    {
        Col2Im(DeviceOf(x), Suffix("fold", x), CudaKernels.Address(col), CudaKernels.Address(x), g, x.Size32(0),
            (long)g.Channels * g.PlaneSize, (long)g.Rows * g.Cols, g.Cols, 1);
    }

    /// <summary>Max pooling with flat indices, a thread per output.</summary>
    public static void MaxPool(Tensor x, Tensor y, Tensor indices, int planes, PoolGeometry g)
    {
        long n = (long)planes * g.OutH * g.OutW;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(x));
        args.Add(CudaKernels.Address(y));
        args.Add(CudaKernels.Address(indices));
        args.Add(CudaWindow.Of(g));
        args.Add(planes);
        DeviceOf(y).Launch($"max_pool_{Suffix("max_pool2d", y)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>∂x of max pooling, a thread per input element gathering the outputs that picked it.</summary>
    public static void MaxPoolBackward(Tensor gy, Tensor indices, Tensor gx, int planes, PoolGeometry g)
    {
        long n = (long)planes * g.Height * g.Width;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(gy));
        args.Add(CudaKernels.Address(indices));
        args.Add(CudaKernels.Address(gx));
        args.Add(CudaWindow.Of(g));
        args.Add(planes);
        DeviceOf(gx).Launch($"max_pool_backward_{Suffix("max_pool2d backward", gx)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>Average pooling, a thread per output.</summary>
    public static void AvgPool(Tensor x, Tensor y, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        long n = (long)planes * g.OutH * g.OutW;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(x));
        args.Add(CudaKernels.Address(y));
        args.Add(CudaWindow.Of(g));
        args.Add(planes);
        args.Add(countIncludePad ? 1 : 0);
        args.Add(divisorOverride);
        DeviceOf(y).Launch($"avg_pool_{Suffix("avg_pool2d", y)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>∂x of average pooling, a thread per input element gathering its windows' shares.</summary>
    public static void AvgPoolBackward(Tensor gy, Tensor gx, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        long n = (long)planes * g.Height * g.Width;
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(gy));
        args.Add(CudaKernels.Address(gx));
        args.Add(CudaWindow.Of(g));
        args.Add(planes);
        args.Add(countIncludePad ? 1 : 0);
        args.Add(divisorOverride);
        DeviceOf(gx).Launch($"avg_pool_backward_{Suffix("avg_pool2d backward", gx)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>Adaptive average pooling, a thread per output.</summary>
    public static void AdaptiveAvgPool(Tensor x, Tensor y, int planes, int h, int w, int oh, int ow) =>
        LaunchAdaptive($"adaptive_avg_pool_{Suffix("adaptive_avg_pool2d", y)}", x, y, (long)planes * oh * ow, planes, h, w, oh, ow);

    /// <summary>∂x of adaptive average pooling, a thread per input element.</summary>
    public static void AdaptiveAvgPoolBackward(Tensor gy, Tensor gx, int planes, int h, int w, int oh, int ow) =>
        LaunchAdaptive($"adaptive_avg_pool_backward_{Suffix("adaptive_avg_pool2d backward", gx)}", gy, gx, (long)planes * h * w, planes, h, w, oh, ow);

    static void LaunchAdaptive(string kernel, Tensor input, Tensor output, long n, int planes, int h, int w, int oh, int ow)
    {
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(input));
        args.Add(CudaKernels.Address(output));
        args.Add(planes);
        args.Add(h);
        args.Add(w);
        args.Add(oh);
        args.Add(ow);
        DeviceOf(output).Launch(kernel, GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>y = gelu(x) over contiguous tensors.</summary>
    public static void Gelu(Tensor x, Tensor y, bool tanh)
    {
        long n = y.Numel();
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(y));
        args.Add(CudaKernels.Address(x));
        args.Add(n);
        args.Add(tanh ? 1 : 0);
        DeviceOf(y).Launch($"gelu_{Suffix("gelu", y)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>dx = ∂y · gelu'(x) over contiguous tensors.</summary>
    public static void GeluBackward(Tensor gy, Tensor x, Tensor dx, bool tanh)
    {
        long n = dx.Numel();
        if (n == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(dx));
        args.Add(CudaKernels.Address(gy));
        args.Add(CudaKernels.Address(x));
        args.Add(n);
        args.Add(tanh ? 1 : 0);
        DeviceOf(dx).Launch($"gelu_backward_{Suffix("gelu backward", dx)}", GridFor(n), (Threads, 1), ref args);
    }
}

using Bridge.Backends.Cpu;
using Bridge.Backends.Cuda;
using Bridge.Compile;

namespace Bridge.Backends;

/// <summary>
/// The one place that names both backends (ATen's dispatcher, by hand): every kernel entry point picks the CPU
/// or the CUDA implementation from the output's device, once per call. The Tensor layer has already checked
/// that all operands share that device, so neither backend checks devices again, and the CPU backend never
/// learns that another one exists. CUDA kernels are found by the operator's declared <c>Name</c>
/// (<c>un_tanh_f32</c>), never by CLR type names.
/// </summary>
internal static partial class Backend
{
    /// <summary>result = TOp(a, b) with a and b broadcast to result's shape.</summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator
    {
        if (StepTrace.Recording && TraceElementwise.Binary<TOp>(a, b, result)) return;
        if (result.Device.IsCuda) CudaKernels.Binary(TOp.Name, a, b, result);
        else if (LargeTensors.Needed(a, b, result)) LargeTensors.Elementwise(result, [a, b], (r, x) => ElementwiseKernels.Binary<TOp>(x[0], x[1], r));
        else ElementwiseKernels.Binary<TOp>(a, b, result);
    }

    /// <summary>result = TOp(a, b) as bool, a and b broadcast to result's shape (same dtype).</summary>
    public static void Compare<TOp>(Tensor a, Tensor b, Tensor result) where TOp : ICompareOperator
    {
        if (StepTrace.Recording && StepTrace.Record(() => Compare<TOp>(a, b, result), a, b, result)) return;
        if (result.Device.IsCuda) CudaKernels.Compare(TOp.Name, a, b, result);
        else if (LargeTensors.Needed(a, b, result)) LargeTensors.Elementwise(result, [a, b], (r, x) => ElementwiseKernels.Compare<TOp>(x[0], x[1], r));
        else ElementwiseKernels.Compare<TOp>(a, b, result);
    }

    /// <summary>result = TOp(x) for any numeric dtype.</summary>
    public static void Unary<TOp>(Tensor x, Tensor result) where TOp : IUnaryOperator
    {
        if (StepTrace.Recording && TraceElementwise.Unary<TOp>(x, result)) return;
        if (result.Device.IsCuda) CudaKernels.Unary(TOp.Name, x, result);
        else if (LargeTensors.Needed(x, result)) LargeTensors.Elementwise(result, [x], (r, p) => ElementwiseKernels.Unary<TOp>(p[0], r));
        else ElementwiseKernels.Unary<TOp>(x, result);
    }

    /// <summary>result = TOp(x) for a floating-point dtype.</summary>
    public static void FloatUnary<TOp>(Tensor x, Tensor result) where TOp : IFloatUnaryOperator
    {
        if (StepTrace.Recording && TraceElementwise.FloatUnary<TOp>(x, result)) return;
        if (result.Device.IsCuda) CudaKernels.Unary(TOp.Name, x, result);
        else if (LargeTensors.Needed(x, result)) LargeTensors.Elementwise(result, [x], (r, p) => ElementwiseKernels.FloatUnary<TOp>(p[0], r));
        else ElementwiseKernels.FloatUnary<TOp>(x, result);
    }

    /// <summary>result = cond ? a : b, all three broadcast to result's shape; result has a's dtype.</summary>
    public static void Where(Tensor condition, Tensor a, Tensor b, Tensor result)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Where(condition, a, b, result), condition, a, b, result)) return;
        if (result.Device.IsCuda) CudaKernels.Where(condition, a, b, result);
        else if (LargeTensors.Needed(condition, a, b, result)) LargeTensors.Elementwise(result, [condition, a, b], (r, x) => ElementwiseKernels.Where(x[0], x[1], x[2], r));
        else ElementwiseKernels.Where(condition, a, b, result);
    }

    /// <summary>x += (T)alpha · y in one pass for contiguous same-shape float tensors (the optimizers' fast path); false where the backend has no fused kernel.</summary>
    public static bool TryAddScaled(Tensor x, Tensor y, double alpha)
    {
        if (x.Device.IsCuda) return false;
        if (StepTrace.Recording) return StepTrace.RecordFusible(FusibleOp.AddScaled(x, y, alpha), () => TryAddScaled(x, y, alpha), x, y);
        ElementwiseKernels.AddScaled(x, y, alpha);
        return true;
    }

    /// <summary>
    /// result[...] = Σ view[..., i], floats in torch's CPU order; <paramref name="rowsOnly"/> when the reduction goes on
    /// over an outer dim (torch then never sums rows as columns).
    /// </summary>
    public static void Sum(Tensor view, Tensor result, bool rowsOnly = false)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Sum(view, result, rowsOnly), view, result)) return;
        if (result.Device.IsCuda) CudaReduce.Sum(view, result, rowsOnly);
        else if (LargeTensors.Needed(view, result)) LargeTensors.Reduce(view, [result], (v, r) => ReduceKernels.Sum(v, r[0], rowsOnly), LargeReductions.Sum);
        else ReduceKernels.Sum(view, result, rowsOnly);
    }

    /// <summary>result = max (or min) over the last dim of view, indices = position of the first extreme (NaN wins).</summary>
    public static void Extreme(Tensor view, Tensor values, Tensor indices, bool max)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Extreme(view, values, indices, max), view, values, indices)) return;
        if (values.Device.IsCuda) CudaReduce.Extreme(view, values, indices, max);
        else if (LargeTensors.Needed(view, values, indices)) LargeTensors.Reduce(view, [values, indices], (v, r) => ReduceKernels.Extreme(v, r[0], r[1], max), (r, p) => LargeReductions.Extreme(r, p, max));
        else ReduceKernels.Extreme(view, values, indices, max);
    }

    /// <summary>target[..., index[...], ...] = src along <paramref name="dim"/>.</summary>
    public static void Scatter(Tensor target, int dim, Tensor index, Tensor src)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Scatter(target, dim, index, src), target, index, src)) return;
        if (target.Device.IsCuda) CudaReduce.Scatter(target, dim, index, src);
        else ReduceKernels.Scatter(target, dim, index, src);
    }

    /// <summary>C = A·B (or C += A·B) for a contiguous row-major C and 2-D operands of any strides.</summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        if (StepTrace.Recording && StepTrace.Record(ReplayKernels.Gemm(a, b, c, accumulate) ?? (() => Gemm(a, b, c, accumulate)), a, b, c)) return;
        if (c.Device.IsCuda) CudaReduce.Gemm(a, b, c, accumulate);
        else if (LargeGemm.Needed(a, b, c)) LargeGemm.Multiply(a, b, c, accumulate);
        else Cpu.Gemm.Multiply(a, b, c, accumulate);
    }

    /// <summary>dst[...] = src[...] with src broadcast to dst's shape; converts when dtypes differ; either may be on a device.</summary>
    public static void Copy(Tensor src, Tensor dst)
    {
        if (StepTrace.Recording && TraceElementwise.Copy(src, dst)) return;
        if (src.Device.IsCuda || dst.Device.IsCuda) CudaCopy.Copy(src, dst);
        else if (LargeTensors.Needed(src, dst)) LargeTensors.Elementwise(dst, [src], (d, s) => CopyKernels.Copy(s[0], d));
        else CopyKernels.Copy(src, dst);
    }

    /// <summary>Stores a double into one element with torch's casting rules (truncation to int, nonzero to true).</summary>
    public static void Write(Tensor t, long offset, double value)
    {
        if (StepTrace.Recording && TraceElementwise.Write(t, offset, value)) return;
        if (t.Device.IsCuda) CudaCopy.Write(t, offset, value);
        else CopyKernels.Write(t, offset, value);
    }

    /// <summary>One element, converted to double.</summary>
    public static double Read(Tensor t, long offset)
    {
        StepTrace.OnHostAccess();
        return t.Device.IsCuda ? CudaCopy.ReadElement(t, offset) : t.ReadAsDouble(offset);
    }

    /// <summary>Sets every element of <paramref name="t"/> (any layout) to <paramref name="value"/>.</summary>
    public static void Fill(Tensor t, double value)
    {
        if (StepTrace.Recording && TraceElementwise.Fill(t, value)) return;
        if (t.Device.IsCuda) CudaCopy.Fill(t, value);
        else if (LargeTensors.Needed(t)) LargeTensors.Elementwise(t, [], (piece, _) => CopyKernels.Fill(piece, value));
        else CopyKernels.Fill(t, value);
    }

    /// <summary>picked[i] = input[i, classes[i]] for a 2-D input (nll_loss's gather).</summary>
    public static void GatherRows(Tensor input, long[] classes, Tensor picked)
    {
        StepTrace.MarkUnsafe("nll_loss's targets were read on the host (GatherRows): the picked classes would not follow new targets");
        if (input.Device.IsCuda)
        {
            // Device copies per sample: the host gather would read device memory.
            for (int i = 0; i < classes.Length; i++) CudaCopy.Copy(input.Select(0, i).Select(0, (int)classes[i]), picked.Select(0, i));
            return;
        }
        CopyKernels.GatherRows(input, classes, picked);
    }

    /// <summary>Fresh memory of <paramref name="bytes"/> on <paramref name="device"/> (from the host pool or the device's cache), zeroed on
    /// request. Results the kernel overwrites skip the fill: on an H200 it was an extra pass that made elementwise ops 1.5-2x torch's time.</summary>
    public static Storage Allocate(long bytes, Device? device, bool zero) =>
        StepTrace.Allocated(device is { IsCuda: true } gpu ? CudaCopy.Allocate(bytes, gpu, zero) : new Storage(bytes, zero));

    /// <summary>Grows <paramref name="storage"/> to <paramref name="byteLength"/>, keeping its contents; new bytes are zero.</summary>
    public static void Grow(Storage storage, long byteLength)
    {
        StepTrace.MarkUnsafe("a tensor's storage was resized during tracing");
        if (storage.Device.IsCuda) CudaCopy.Grow(storage, byteLength);
        else storage.GrowOnHost(byteLength);
    }

    /// <summary>True when host code may read and write the tensor's memory directly.</summary>
    public static bool OnHost(Tensor t) => !t.Device.IsCuda;

    /// <summary>The tensor itself when host code can read it, else a contiguous host copy (a synchronising read, as in torch).</summary>
    public static Tensor HostReadable(Tensor t) => t.Device.IsCuda ? CudaCopy.Staged(t) : t;
}

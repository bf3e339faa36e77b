namespace Bridge.Backends.Cpu;

/// <summary>
/// float16 and bfloat16 compute as torch's CPU computes them: each element widened to float32, the float32 kernel
/// run, each result rounded back to nearest-even. Doing it per op (widen the operands, run, narrow the result)
/// gives the same numbers as per element for elementwise ops, keeps one kernel per op, and gives reductions a
/// float32 accumulator, as ATen's accumulate type for both half types.
/// </summary>
internal static class HalfWidening
{
    /// <summary>A float32 copy of <paramref name="x"/> in its shape (x itself unless it is a half type).</summary>
    public static Tensor Widen(Tensor x)
    {
        if (!x.DType.IsHalf()) return x;
        var wide = Tensor.Allocate(x.ShapeArray, DType.Float32, x.Device, zero: false);
        CopyKernels.Copy(x, wide);
        return wide;
    }

    /// <summary>A float32 tensor shaped like <paramref name="result"/> to compute into (result itself unless it is a half type).</summary>
    public static Tensor WideResult(Tensor result) =>
        result.DType.IsHalf() ? Tensor.Allocate(result.ShapeArray, DType.Float32, result.Device, zero: false) : result;

    /// <summary>Rounds the float32 results in <paramref name="wide"/> into <paramref name="result"/> (nothing when they are one tensor).</summary>
    public static void Narrow(Tensor wide, Tensor result)
    {
        if (!ReferenceEquals(wide, result)) CopyKernels.Copy(wide, result);
    }

    /// <summary>torch's error for an op its CPU kernels do not dispatch for a dtype: <c>"addmm_impl_cpu_" not implemented for 'Half'</c>.</summary>
    public static NotSupportedException NotImplemented(string kernel, DType dtype) =>
        new($"\"{kernel}\" not implemented for '{dtype.ScalarTypeName()}'");
}

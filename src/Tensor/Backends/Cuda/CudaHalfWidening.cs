namespace Bridge.Backends.Cuda;

/// <summary>
/// float16 and bfloat16 on the device compute as on the CPU (Backends/Cpu/HalfWidening): operands widened to float32
/// (exact), the float32 kernel run, each result rounded once to nearest-even on store (cvt_f32_f16 / cvt_f32_bf16),
/// as torch's CUDA does for most ops. One kernel per op serves every float type.
/// </summary>
internal static class CudaHalfWidening
{
    /// <summary>A float32 copy of <paramref name="x"/> on its device (x itself unless it is a half type).</summary>
    public static Tensor Widen(Tensor x)
    {
        if (!x.DType.IsHalf()) return x;
        var wide = Tensor.Allocate64(x.Shape64, DType.Float32, x.Device, zero: false);
        CudaCopy.Copy(x, wide);
        return wide;
    }

    /// <summary>A float32 tensor shaped like <paramref name="result"/> to compute into (result itself unless it is a half type).</summary>
    public static Tensor WideResult(Tensor result) =>
        result.DType.IsHalf() ? Tensor.Allocate64(result.Shape64, DType.Float32, result.Device, zero: false) : result;

    /// <summary>Rounds the float32 results in <paramref name="wide"/> into <paramref name="result"/> (nothing when they are one tensor).</summary>
    public static void Narrow(Tensor wide, Tensor result)
    {
        if (!ReferenceEquals(wide, result)) CudaCopy.Copy(wide, result);
    }
}

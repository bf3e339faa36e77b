using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// C = A·B (or C += A·B) for contiguous row-major matrices. Each C[i, j] accumulates its k products strictly in
/// order with a separate multiply and add (no FMA), the same order and rounding as the reference
/// BLAS that Debian's PyTorch calls, so small matmuls agree bit for bit.
/// </summary>
internal static class Gemm
{
    public static void Multiply(Tensor a, Tensor b, Tensor c, int m, int k, int n, bool accumulate)
    {
        if (c.Device.IsCuda) { Cuda.CudaReduce.Gemm(a, b, c, m, k, n, accumulate); return; } // CUDA dispatch
        switch (c.DType)
        {
            case DType.Float32: Multiply<float>(a.ContiguousSpan<float>(), b.ContiguousSpan<float>(), c.ContiguousSpan<float>(), m, k, n, accumulate); break;
            case DType.Float64: Multiply<double>(a.ContiguousSpan<double>(), b.ContiguousSpan<double>(), c.ContiguousSpan<double>(), m, k, n, accumulate); break;
            case DType.Int64: Multiply<long>(a.ContiguousSpan<long>(), b.ContiguousSpan<long>(), c.ContiguousSpan<long>(), m, k, n, accumulate); break;
            default: throw new NotSupportedException($"matmul is not implemented for {c.DType.TorchName()}");
        }
    }

    static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate) where T : unmanaged, INumber<T>
    {
        if (!accumulate) c.Clear();
        ref T rb = ref MemoryMarshal.GetReference(b);
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * n, n);
            ref T rc = ref MemoryMarshal.GetReference(row);
            for (int p = 0; p < k; p++)
            {
                T scale = a[i * k + p];
                ref T rbp = ref Unsafe.Add(ref rb, p * n);
                int j = 0;
                if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                {
                    var vs = Vector256.Create(scale);
                    for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
                        (Vector256.LoadUnsafe(ref rc, (nuint)j) + vs * Vector256.LoadUnsafe(ref rbp, (nuint)j)).StoreUnsafe(ref rc, (nuint)j);
                }
                for (; j < n; j++) Unsafe.Add(ref rc, j) += scale * Unsafe.Add(ref rbp, j);
            }
        }
    }
}

using System.Numerics;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// C = A·B (or C += A·B) for a contiguous row-major C and 2-D operands of any strides (transposed views are
/// read in place, never copied). Small products keep the reference BLAS order; large ones run the packed
/// FMA kernel in <see cref="PackedGemm{T}"/>.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>
    /// Below this many multiply-adds (m·n·k) a product runs in reference order: each C[i, j] accumulates its k
    /// products strictly in order with a separate multiply and add (no FMA), the rounding of the netlib BLAS
    /// that Debian's PyTorch calls, so the small matmuls of the parity cases agree bit for bit. Packing costs
    /// more than it saves at these sizes anyway.
    /// </summary>
    internal const long ReferenceWork = 32 * 32 * 32;

    /// <summary>
    /// From this many multiply-adds up, reference-order products run the packed kernel of <see cref="ReferenceOrderGemm{T}"/>
    /// (the same bits as the scalar loop): below it the loop's lack of setup wins (8³: 3.8 against 1.2 GFLOP/s), above it
    /// the kernel (16³: 1.1x, 31³: 3.3x; bench/gemm-reference-order).
    /// </summary>
    internal const long ReferenceKernelWork = 16 * 16 * 16;

    /// <summary>
    /// BRIDGE_GEMM_ORDER=reference runs every float product in the reference order (slower; for bit-for-bit runs
    /// against Debian's PyTorch, whose netlib BLAS rounds every product and sum separately, in k order).
    /// </summary>
    /// <remarks>Not readonly: tests and the reference-order benchmark switch it within one process.</remarks>
    internal static bool ReferenceAlways = Environment.GetEnvironmentVariable("BRIDGE_GEMM_ORDER") == "reference";

    /// <summary>
    /// Whether reference-order float products run the packed kernel of <see cref="ReferenceOrderGemm{T}"/> (bit-identical
    /// to the scalar loop, many times faster) rather than the loop itself; false only where tests compare the two.
    /// </summary>
    internal static bool ReferenceKernel = true;

    public static void Multiply(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        switch (c.DType)
        {
            case DType.Float32: Multiply<float>(a, b, c, accumulate); break;
            case DType.Float64: Multiply<double>(a, b, c, accumulate); break;
            case DType.Int64: Multiply<long>(a, b, c, accumulate); break;
            case DType.Int32: Multiply<int>(a, b, c, accumulate); break;
            case DType.Int16: Multiply<short>(a, b, c, accumulate); break;
            case DType.Int8: Multiply<sbyte>(a, b, c, accumulate); break;
            case DType.UInt8: Multiply<byte>(a, b, c, accumulate); break;
            case DType.BFloat16:
                // torch 1.13's CPU multiplies bfloat16 with float32 accumulation and rounds each result once.
                var wide = HalfWidening.WideResult(c);
                if (accumulate) CopyKernels.Copy(c, wide);
                Multiply<float>(HalfWidening.Widen(a), HalfWidening.Widen(b), wide, accumulate);
                HalfWidening.Narrow(wide, c);
                break;
            // torch 1.13's CPU has no float16 matmul; its message, not a wrong answer.
            default: throw HalfWidening.NotImplemented("addmm_impl_cpu_", c.DType);
        }
    }

    static void Multiply<T>(Tensor a, Tensor b, Tensor c, bool accumulate) where T : unmanaged, INumber<T>
    {
        int m = c.ShapeArray[0], n = c.ShapeArray[1], k = a.ShapeArray[1];
        if (m == 0 || n == 0) return;
        var pa = (T*)a.Storage.Raw + a.StorageOffset;
        var pb = (T*)b.Storage.Raw + b.StorageOffset;
        var pc = (T*)c.Storage.Raw + c.StorageOffset;
        nint ars = a.StridesArray[0], acs = a.StridesArray[1], brs = b.StridesArray[0], bcs = b.StridesArray[1];
        if (k == 0)
        {
            if (!accumulate) new Span<T>(pc, m * n).Clear();
            return;
        }
        Multiply(pa, ars, acs, pb, brs, bcs, pc, m, k, n, accumulate);
    }

    /// <summary>C[m×n] (+)= A[m×k]·B[k×n] on raw pointers (element strides for A and B, C contiguous); k ≥ 1.</summary>
    internal static void Multiply<T>(T* pa, nint ars, nint acs, T* pb, nint brs, nint bcs, T* pc, int m, int k, int n, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        long work = (long)m * n * k;
        bool referenceOrder = !RunsPacked<T>(m, k, n);
        if (referenceOrder && ReferenceKernel && ReferenceOrderGemm<T>.IsSupported && (ReferenceAlways || work >= ReferenceKernelWork))
            ReferenceOrderGemm<T>.Multiply(pa, ars, acs, pb, brs, bcs, pc, m, k, n, accumulate);
        else if (referenceOrder)
            Reference(pa, ars, acs, pb, brs, bcs, pc, m, k, n, accumulate);
        else
            PackedGemm<T>.Multiply(pa, ars, acs, pb, brs, bcs, pc, m, k, n, accumulate);
    }

    /// <summary>Row i of C gets Σ_p a[i,p]·b[p,:] added in p order; vector lanes are independent columns, so the rounding is the scalar loop's.</summary>
    static void Reference<T>(T* a, nint ars, nint acs, T* b, nint brs, nint bcs, T* c, int m, int k, int n, bool accumulate) where T : unmanaged, INumber<T>
    {
        if (!accumulate) new Span<T>(c, m * n).Clear();
        for (int i = 0; i < m; i++)
        {
            T* row = c + (nint)i * n;
            for (int p = 0; p < k; p++)
            {
                T scale = a[i * ars + p * acs];
                T* bp = b + p * brs;
                int j = 0;
                if (bcs == 1 && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                {
                    var vs = Vector256.Create(scale);
                    for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
                        (Vector256.Load(row + j) + vs * Vector256.Load(bp + j)).Store(row + j);
                }
                for (; j < n; j++) row[j] += scale * bp[j * bcs];
            }
        }
    }

    /// <summary>Whether the raw-pointer Multiply runs this
    /// m×k×n product through the packed kernel (else reference order), so a caller holding a packed operand
    /// (<see cref="PackedOperand"/>) takes the same path and gets the same bits.</summary>
    internal static bool RunsPacked<T>(int m, int k, int n) where T : unmanaged, INumber<T> =>
        !((long)m * n * k < ReferenceWork || ReferenceAlways || !PackedGemm<T>.IsSupported);
}

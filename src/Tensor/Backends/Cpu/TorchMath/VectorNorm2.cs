using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>
/// The Euclidean norm of contiguous rows rounded as torch 1.13's CPU kernel rounds it (norm_kernel_tensor_iterator_impl in
/// aten/src/ATen/native/cpu/ReduceOpsKernel.cpp, Debian's AVX2 build, one thread), measured bit for bit against it.
/// float32 takes the reduce-over-the-last-dim path: one 8-lane accumulator gathering x·x per vector (GCC fused the
/// multiply and add into an FMA), the lanes summed left to right, then the n mod 8 tail elements: GCC vectorised the
/// products of the first four of them without fusing (x·x rounded, then added) and fused the rest (an FMA each).
/// float64 comes out of the generic reduction: one running FMA per element, in order. The square root is IEEE's.
/// </summary>
internal static unsafe class VectorNorm2
{
    /// <summary>Writes the norm of each of <paramref name="rows"/> rows of <paramref name="n"/> floats to <paramref name="y"/>.</summary>
    public static void Rows(float* x, float* y, long rows, long n)
    {
        for (long r = 0; r < rows; r++) y[r] = MathF.Sqrt(SumOfSquares(x + r * n, n));
    }

    /// <summary>Writes the norm of each of <paramref name="rows"/> rows of <paramref name="n"/> doubles to <paramref name="y"/>.</summary>
    public static void Rows(double* x, double* y, long rows, long n)
    {
        for (long r = 0; r < rows; r++)
        {
            double* row = x + r * n;
            double s = 0;
            for (long i = 0; i < n; i++) s = Math.FusedMultiplyAdd(row[i], row[i], s);
            y[r] = Math.Sqrt(s);
        }
    }

    /// <summary>Σx² of one float32 row in torch's order.</summary>
    static float SumOfSquares(float* x, long n)
    {
        const int Lanes = 8; // AVX2's Vectorized<float>
        long main = n - n % Lanes, d = 0;
        Span<float> lanes = stackalloc float[Lanes];
        if (Fma.IsSupported)
        {
            var acc = Vector256<float>.Zero;
            for (; d < main; d += Lanes)
            {
                var v = Vector256.Load(x + d);
                acc = Fma.MultiplyAdd(v, v, acc);
            }
            acc.CopyTo(lanes);
        }
        else
        {
            lanes.Clear();
            for (; d < main; d += Lanes)
                for (int l = 0; l < Lanes; l++) lanes[l] = MathF.FusedMultiplyAdd(x[d + l], x[d + l], lanes[l]);
        }
        float s = lanes[0];
        for (int j = 1; j < Lanes; j++) s += lanes[j];
        long unfused = d + (n - d) / 4 * 4; // the tail's first four products were rounded on their own
        for (; d < unfused; d++) s += x[d] * x[d]; // .NET never fuses a multiply and an add by itself
        for (; d < n; d++) s = MathF.FusedMultiplyAdd(x[d], x[d], s);
        return s;
    }
}

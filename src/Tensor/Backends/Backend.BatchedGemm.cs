using Bridge.Backends.Cpu;
using Bridge.Compile;

namespace Bridge.Backends;

internal static partial class Backend
{
    /// <summary>Below this many multiply-adds per batch the CPU runs whole batches on separate threads (each
    /// product then runs on one thread, as it would anyway: <see cref="Gemm"/> splits only larger products).</summary>
    const long BatchParallelWork = 160L * 160 * 160;

    /// <summary>
    /// c[i] = a[i]·b[i] for every batch i of 3-D tensors, c contiguous [B, n, p]: the same product per batch as
    /// <see cref="Gemm"/> (so the same roundings as a loop of mm calls), written straight into c's slices. On the
    /// CPU, batches of small products run on separate threads instead of one after the other.
    /// </summary>
    public static void BatchedGemm(Tensor a, Tensor b, Tensor c)
    {
        int batches = c.ShapeArray[0];
        long work = (long)c.ShapeArray[1] * c.ShapeArray[2] * a.ShapeArray[2];
        int threads = Math.Min(CpuThreads.Count, batches);
        if (StepTrace.Recording || c.Device.IsCuda || threads <= 1 || work >= BatchParallelWork || c.DType.IsHalf())
        {
            for (int i = 0; i < batches; i++) Gemm(a.Select(0, i), b.Select(0, i), c.Select(0, i), accumulate: false);
            return;
        }
        var slices = new (Tensor A, Tensor B, Tensor C)[batches];
        for (int i = 0; i < batches; i++) slices[i] = (a.Select(0, i), b.Select(0, i), c.Select(0, i));
        CpuThreads.For(threads, t =>
        {
            for (int i = t * batches / threads, end = (t + 1) * batches / threads; i < end; i++)
            {
                var (x, y, z) = slices[i];
                if (LargeGemm.Needed(x, y, z)) LargeGemm.Multiply(x, y, z, accumulate: false);
                else Cpu.Gemm.Multiply(x, y, z, accumulate: false);
            }
        });
    }
}

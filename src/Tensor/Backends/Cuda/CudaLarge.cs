using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>
/// Reductions over tensors past <see cref="int.MaxValue"/> elements on the GPU. The elementwise kernels index in
/// 64 bits and take any size; the reduction kernels replay the CPU's summation order (SumPlan, cascade sums),
/// which depends on how the CPU cuts a large tensor into pieces. So a large reduction is cut exactly as
/// <see cref="LargeTensors.Reduce"/> cuts it (it is that code, given the device's copies), each piece re-based onto
/// an alias that starts at its first element, and the partial results of a long line folded by the CPU's own
/// <see cref="LargeReductions"/> on the host: the result is bit-identical to the CPU's. Products go through
/// <see cref="LargeGemm.InBlocks"/> with the device's block product.
/// </summary>
internal static class CudaLarge
{
    /// <summary>True when a reduction kernel cannot take these tensors directly (32-bit rows, columns and plans).</summary>
    public static bool Needed(Tensor view, Tensor a) => !view.Fits32 || !a.Fits32;
    /// <summary>True when a reduction kernel cannot take these tensors directly (32-bit rows, columns and plans).</summary>
    public static bool Needed(Tensor view, Tensor a, Tensor b) => !view.Fits32 || !a.Fits32 || !b.Fits32;

    static readonly LargeTensors.DeviceCopies Copies = new(CudaCopy.Staged, CudaCopy.Copy);

    /// <summary>
    /// <paramref name="kernel"/>(view piece, result pieces) cut exactly as <see cref="LargeTensors.Reduce"/> cuts on the
    /// CPU; a long line's 0-d partials are read back and folded by <paramref name="combine"/> (a
    /// <see cref="LargeReductions"/> fold) on the host.
    /// </summary>
    public static void Reduce(Tensor view, Tensor[] results, Action<Tensor, Tensor[]> kernel, Action<Tensor[], (Tensor[] Partial, long Start)[]> combine) =>
        LargeTensors.Reduce(view, results, kernel, combine, Copies);

    /// <summary>
    /// C = A·B (or C += A·B) past what one GEMM call addresses (cuBLAS and the tiled kernel take int sizes), cut into
    /// <see cref="LargeGemm"/>'s blocks; each operand block is made contiguous on the device.
    /// </summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        LargeGemm.InBlocks(a, b, c, accumulate, CudaCopy.Copy, (x, y, z, add) =>
        {
            var xBlock = x.Contiguous();
            var yBlock = y.Contiguous();
            CudaReduce.Gemm(xBlock, yBlock, z, (int)z.Shape64[0], (int)x.Shape64[1], (int)z.Shape64[1], add);
            GC.KeepAlive(xBlock);   // temporaries' blocks must not return to the cache before the launch is queued
            GC.KeepAlive(yBlock);
        });
}

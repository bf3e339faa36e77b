using System.Runtime.CompilerServices;
using Bridge.Autograd;
using Bridge.Backends.Cpu.TorchMath;

namespace Bridge;

public sealed partial class Tensor
{
    /// <summary>
    /// The 2-norm on the CPU over torch's own summation order (<see cref="VectorNorm2"/>), when the reduced dims are the
    /// trailing dims of a contiguous float32/float64 tensor (the whole tensor included), as torch's reduce-over-the-
    /// last-dim kernel sees them; null for anything else, which the composed path computes. The gradient is torch's
    /// grad·(x / norm) with 0 where the norm is 0.
    /// </summary>
    Tensor? TorchOrderNorm2(int[] over, bool keepDim)
    {
        if (Device.Type != DeviceType.Cpu || DType is not (DType.Float32 or DType.Float64) || Dim() == 0 || !IsContiguous()) return null;
        var reduced = NormalizeDims(over);
        for (int i = 0; i < reduced.Length; i++)
            if (reduced[i] != Dim() - reduced.Length + i) return null;
        long n = 1;
        foreach (int d in reduced) n *= ShapeArray[d];
        long rows = n == 0 ? 0 : Numel() / n;
        if (n == 0 || rows == 0) return null;
        var keptShape = ShapeArray.Select((s, d) => reduced.Contains(d) ? 1 : s).ToArray();
        var outShape = keepDim ? keptShape : ShapeArray.Where((s, d) => !reduced.Contains(d)).ToArray();
        var norm = Allocate(keptShape, DType, Device, zero: false);
        ComputeNorm2(this, norm, rows, n);
        var result = keepDim ? norm : norm.Reshape(outShape);
        if (!Recording.Needed(this)) return result;
        var input = this;
        Tensor? recorded = null;
        recorded = Recording.Record(result, "NormBackward1", [input], g =>
        {
            // under create_graph the norm must be the recorded result, so that the second derivative sees it move
            var n = GradMode.IsEnabled ? recorded!.Reshape(keptShape) : norm;
            var scaled = (input / n).MaskedFill(norm == 0.0, 0.0);
            return [g.Reshape(keptShape) * scaled];
        }, input, norm);
        return recorded;
    }

    static unsafe void ComputeNorm2(Tensor x, Tensor norm, long rows, long n)
    {
        if (x.DType == DType.Float32)
            VectorNorm2.Rows((float*)Unsafe.AsPointer(ref x.Ref<float>(x.StorageOffset)), (float*)Unsafe.AsPointer(ref norm.Ref<float>(norm.StorageOffset)), rows, n);
        else
            VectorNorm2.Rows((double*)Unsafe.AsPointer(ref x.Ref<double>(x.StorageOffset)), (double*)Unsafe.AsPointer(ref norm.Ref<double>(norm.StorageOffset)), rows, n);
    }
}

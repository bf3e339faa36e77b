using System.Numerics;
using System.Runtime.CompilerServices;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge;

// softmax / log_softmax over the last dim on the CPU through SoftmaxKernels: torch's own kernel, bit for bit, and one
// pass per row instead of five tensor ops. Other dims, devices and dtypes take the composed path in Tensor.NeuralNet.cs;
// under create_graph the backward is the composed (differentiable) formula.
public sealed partial class Tensor
{
    static bool FusedSoftmaxApplies(Tensor x, int dim)
    {
        if (!SoftmaxKernels.IsSupported || x.Device.Type != DeviceType.Cpu || x.DType is not (DType.Float32 or DType.Float64)) return false;
        // torch takes its last-dim kernel for the last dim only (trailing size-1 dims go to its other kernel).
        return x.Dim() > 0 && dim == x.Dim() - 1 && x.Numel() > 0;
    }

    static Tensor FusedSoftmax(Tensor x, int dim, bool log) =>
        x.DType == DType.Float32 ? FusedSoftmax<float>(x, dim, log) : FusedSoftmax<double>(x, dim, log);

    // Runs a kernel on raw memory; while a compiled step is traced it is recorded as one kernel (Compile/StepTrace.cs),
    // so the step replays it instead of seeing a host read.
    static void Kernel(Action kernel, Tensor a, Tensor b, Tensor? c = null)
    {
        if (Compile.StepTrace.Recording) Compile.StepTrace.Record(kernel, a, b, c);
        else kernel();
    }

    static unsafe T* RowData<T>(Tensor t) where T : unmanaged => (T*)Unsafe.AsPointer(ref t.Ref<T>(t.StorageOffset));

    // `dim` is the last, so the contiguous input is rows of Size(dim) elements.
    static unsafe Tensor FusedSoftmax<T>(Tensor input, int dim, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = input.Size(dim), rows = input.Numel() / n;
        Tensor x, y;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            y = Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            Kernel(() => SoftmaxKernels.Forward(RowData<T>(x), RowData<T>(y), rows, n, log), x, y);
        }
        if (!Recording.Needed(input)) return y;
        var result = y.Detach();
        Recording.Record(y, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", [input], g =>
        {
            if (GradMode.IsEnabled) // create_graph: the composed formula, itself differentiable
            {
                return log ? [g - result.Exp() * g.Sum(dim, keepDim: true)] : [result * (g - (g * result).Sum(dim, keepDim: true))];
            }
            var gc = g.Contiguous();
            var dx = Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            Kernel(() => SoftmaxKernels.Backward(RowData<T>(gc), RowData<T>(result), RowData<T>(dx), rows, n, log), gc, result, dx);
            return [dx];
        }, y);
        result.GradFn = y.GradFn; // create_graph differentiates through the saved output (Tensor.Unary.cs)
        return y;
    }
}

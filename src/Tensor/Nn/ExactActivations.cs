using Bridge.Autograd;
using Bridge.Backends;

namespace Bridge.Nn;

public static partial class Functional
{
    /// <summary>op(x) through torch's own CPU kernel (bit for bit torch's), or null where none applies and the caller composes.</summary>
    static Tensor? ExactActivation(Backends.Cpu.Activation op, Tensor x, params double[] parameters)
    {
        if (x.Device.IsCuda || !Backends.Cpu.ExactActivations.Supports(x)) return null;
        var xc = x.Contiguous();
        var y = Tensor.Allocate(xc.ShapeArray, xc.DType, xc.Device, zero: false);
        return Backend.TryActivation(op, xc, y, parameters) ? y : null;
    }

    /// <summary>op'(x)·g through torch's CPU backward kernel, or null (other devices, dtypes, or a graph being built for double backward).</summary>
    static Tensor? ExactActivationBackward(Backends.Cpu.Activation op, Tensor g, Tensor x, params double[] parameters)
    {
        if (GradMode.IsEnabled || x.Device.IsCuda || !Backends.Cpu.ExactActivations.Supports(x) || g.DType != x.DType || !g.ShapeArray.SequenceEqual(x.ShapeArray)) return null;
        var xc = x.Contiguous();
        var dx = Tensor.Allocate(xc.ShapeArray, xc.DType, xc.Device, zero: false);
        return Backend.TryActivationBackward(op, g.Contiguous(), xc, dx, parameters) ? dx : null;
    }
}

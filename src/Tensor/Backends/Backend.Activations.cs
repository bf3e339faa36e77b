using Bridge.Backends.Cpu;
using Bridge.Compile;

namespace Bridge.Backends;

/// <summary>The activations and pow with torch-exact CPU kernels (<see cref="ExactActivations"/>, <see cref="Cpu.TorchMath.TorchPow"/>); elsewhere callers compose.</summary>
internal static partial class Backend
{
    /// <summary>y = op(x) with torch's CPU kernel; false (nothing written) where none applies (CUDA, other dtypes, no AVX2).</summary>
    public static bool TryActivation(Activation op, Tensor x, Tensor y, double[]? parameters = null)
    {
        if (y.Device.IsCuda || !ExactActivations.Supports(x)) return false;
        if (StepTrace.Recording && StepTrace.Record(() => TryActivation(op, x, y, parameters), x, y)) return true;
        ExactActivations.Forward(op, x, y, parameters);
        return true;
    }

    /// <summary>∂x = op'(x)·∂y with torch's CPU kernel; false (nothing written) where none applies.</summary>
    public static bool TryActivationBackward(Activation op, Tensor gy, Tensor x, Tensor dx, double[]? parameters = null)
    {
        if (dx.Device.IsCuda || !ExactActivations.Supports(x)) return false;
        if (StepTrace.Recording && StepTrace.Record(() => TryActivationBackward(op, gy, x, dx, parameters), gy, x, dx)) return true;
        ExactActivations.Backward(op, gy, x, dx, parameters);
        return true;
    }

    /// <summary>x ^ exponent with torch's CPU kernel (Sleef's powf, x·x·x for 3, ...); null where none applies (CUDA, non-float).</summary>
    public static Tensor? TryPowScalar(Tensor x, double exponent) =>
        x.Device.IsCuda ? null : Cpu.TorchMath.TorchPow.TryScalarExponent(x, exponent);
}

using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// Math that takes more than tensors: nan_to_num's replacement values, and matmul into a preallocated output.
public sealed partial class Tensor
{
    /// <summary>
    /// NaN, +inf and -inf replaced by <paramref name="nan"/>, <paramref name="posInf"/> and <paramref name="negInf"/>
    /// (by default 0 and the dtype's largest and lowest finite values); composed from where, so the gradient flows
    /// to the finite elements only.
    /// </summary>
    public Tensor NanToNum(double nan = 0, double? posInf = null, double? negInf = null)
    {
        if (!DType.IsFloatingPoint()) return Clone();
        double largest = DType == DType.Float32 ? float.MaxValue : double.MaxValue;
        var x = this;
        Tensor isNan, isPos, isNeg;
        using (GradMode.Set(false))
        {
            isNan = x.Ne(x);
            isPos = x == double.PositiveInfinity;
            isNeg = x == double.NegativeInfinity;
        }
        var r = Where(isNan, Full([], nan, DType, device: Device), x);
        r = Where(isPos, Full([], posInf ?? largest, DType, device: Device), r);
        return Where(isNeg, Full([], negInf ?? -largest, DType, device: Device), r);
    }

    /// <summary>out = a @ b (torch.matmul(a, b, out=out)): written into <paramref name="out"/>'s memory, without autograd.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, Tensor @out)
    {
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad || @out.RequiresGrad))
            throw new InvalidOperationException("matmul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
        var result = a.MatMul(b);
        if (!result.Shape64.AsSpan().SequenceEqual(@out.Shape64))
            throw new ArgumentException($"matmul(): out has shape {ShapeMath.FormatList(@out.Shape64)} but the result has shape {ShapeMath.FormatList(result.Shape64)}");
        if (result.DType != @out.DType)
            throw new InvalidOperationException($"Expected out tensor to have dtype {result.DType.TorchName().Replace("torch.", "")}, but got {@out.DType.TorchName().Replace("torch.", "")} instead");
        return @out.Copy_(result);
    }
}

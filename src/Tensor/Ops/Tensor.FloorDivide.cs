using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge;

// Python's // on tensors: torch 1.13's floor_divide, in the promoted dtype of its operands (integer // integer stays
// integer, unlike /). Not differentiable (torch's node for it is NotImplemented), so nothing is recorded.
public sealed partial class Tensor
{
    /// <summary>⌊a / b⌋ elementwise (torch.floor_divide, Python's <c>//</c>); integer operands stay integer.</summary>
    public static Tensor FloorDivide(Tensor a, Tensor b)
    {
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        if (dtype == DType.Bool) throw Backends.Cpu.HalfWidening.NotImplemented(a.Device.IsCuda ? "div_floor_cuda" : "div_floor_cpu", dtype);
        if (!dtype.IsFloatingPoint())
        {
            using (GradMode.Set(false))
                if ((b == 0.0).Any()) throw new DivideByZeroException("ZeroDivisionError");
        }
        using (GradMode.Set(false)) return Binary<FloorDivideOperator>(ref a, ref b);
    }

    /// <summary>⌊this / other⌋ elementwise (torch's <c>floor_divide</c>).</summary>
    public Tensor FloorDivide(Tensor other) => FloorDivide(this, other);

    /// <summary>⌊this / other⌋ with a number typed as torch types a Python scalar.</summary>
    public Tensor FloorDivide(double other) => FloorDivide(this, Scalar(other, this));
}

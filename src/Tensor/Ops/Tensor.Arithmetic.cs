using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Binary arithmetic: each op's forward kernel and backward formula side by side. Broadcast gradients are
// summed back to input shapes by the engine, never here. Saved tensors are exactly those the formula reads.
public sealed partial class Tensor
{
    /// <summary>a + b</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var r = Binary<AddOperator>(ref a, ref b);
        return Recording.Needed(a, b) ? Recording.Record(r, "AddBackward0", [a, b], g => [g, g]) : r;
    }

    /// <summary>a - b</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        if (a.DType == DType.Bool || b.DType == DType.Bool) throw SubtractBool(a, b);
        var r = Binary<SubtractOperator>(ref a, ref b);
        return Recording.Needed(a, b) ? Recording.Record(r, "SubBackward0", [a, b], g => [g, b.RequiresGrad ? -g : null]) : r;
    }

    /// <summary>a * b; ∂a = g·b, ∂b = g·a</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var r = Binary<MultiplyOperator>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, "MulBackward0", [a, b],
            g => [a.RequiresGrad ? g * b : null, b.RequiresGrad ? g * a : null],
            Saved(a.RequiresGrad ? b : null, b.RequiresGrad ? a : null));
    }

    /// <summary>a / b; ∂a = g / b, ∂b = -g·a / b²</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        if (!a.DType.IsFloatingPoint() && !b.DType.IsFloatingPoint())
        {
            a = a.To(DType.Float32);
            b = b.To(DType.Float32);
        }
        var r = Binary<DivideOperator>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, "DivBackward0", [a, b],
            g => [a.RequiresGrad ? g / b : null, b.RequiresGrad ? -g * a / (b * b) : null],
            Saved(b, b.RequiresGrad ? a : null));
    }

    /// <summary>x ^ exponent; ∂x = g·(exponent·x^(exponent-1))</summary>
    public Tensor Pow(double exponent)
    {
        var x = DType.IsFloatingPoint() || exponent == Math.Floor(exponent) && exponent >= 0 ? this : To(DType.Float32);
        var e = Scalar(exponent, x);
        // Float tensors take torch's own kernels (x·x·x for 3, Sleef's powf...), so results match it to the bit.
        var r = PowShortcut(x, exponent) ?? Backends.Backend.TryPowScalar(x, exponent) ?? Binary<PowScalarOperator>(ref x, ref e);
        if (!Recording.Needed(x)) return r;
        return Recording.Record(r, "PowBackward0", [x],
            // x^1 is x itself (PowOperator's shortcut), so squaring skips that op.
            g => [exponent == 0 ? ZerosLike(x) : g * (exponent * (exponent == 2 ? x : x.Pow(exponent - 1)))], x);
    }

    /// <summary>
    /// torch's pow_tensor_scalar shortcuts for float tensors on every device (PowKernel.cpp, and the CUDA kernel alike):
    /// 0.5, -0.5 and -1 go to sqrt, rsqrt and reciprocal; 2, 3 and -2 multiply. Null for other exponents or dtypes.
    /// </summary>
    static Tensor? PowShortcut(Tensor x, double exponent)
    {
        if (!(x.DType is DType.Float32 or DType.Float64)) return null;
        using (GradMode.Set(false))
            return exponent switch
            {
                0.5 => x.Sqrt(),
                -0.5 => x.Rsqrt(),
                -1.0 => x.Reciprocal(),
                2.0 => x * x,
                3.0 => x * x * x,
                -2.0 => (x * x).Reciprocal(),
                _ => null,
            };
    }

    /// <summary>x ^ y elementwise; ∂x = g·y·x^(y-1), ∂y = g·x^y·ln x (0 where x = 0 and y ≥ 0)</summary>
    public Tensor Pow(Tensor exponent)
    {
        var x = this;
        var r = Binary<PowOperator>(ref x, ref exponent);
        if (!Recording.Needed(x, exponent)) return r;
        var y = exponent;
        return Recording.Record(r, "PowBackward1", [x, y],
            g => [x.RequiresGrad ? g * y * x.Pow(y - 1.0) : null,
                  y.RequiresGrad ? Where((x == 0.0) & (y >= 0.0), ZerosLike(r), g * r * x.Log()) : null],
            x, y, r);
    }

    /// <summary>max(a, b) elementwise; the gradient goes to the larger input (split evenly on ties)</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum<MaximumOperator>(a, b, "MaximumBackward0", isMax: true);

    /// <summary>min(a, b) elementwise; the gradient goes to the smaller input (split evenly on ties)</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum<MinimumOperator>(a, b, "MinimumBackward0", isMax: false);

    static Tensor Extremum<TOp>(Tensor a, Tensor b, string name, bool isMax) where TOp : IBinaryOperator
    {
        var r = Binary<TOp>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, name, [a, b], g =>
        {
            var aWins = isMax ? a > b : a < b;
            var half = (a == b).To(g.DType) * 0.5;
            return [g * (aWins.To(g.DType) + half), g * ((~aWins & (a != b)).To(g.DType) + half)];
        }, a, b);
    }

    /// <summary>Promotes both operands to their common dtype and runs the kernel into a new broadcast result.</summary>
    static Tensor Binary<TOp>(ref Tensor a, ref Tensor b) where TOp : IBinaryOperator
    {
        CheckSameDevice(a, b);
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        // Two bools stay bool in torch for the ops that are closed over {0, 1} read as truth values (add is or,
        // mul is and, maximum/minimum are or/and); the rest compute on int64 as before (torch refuses most).
        if (dtype == DType.Bool && BoolResult<TOp>()) return BoolBinary<TOp>(a, b);
        if (dtype == DType.Bool) dtype = DType.Int64;
        a = a.To(dtype);
        b = b.To(dtype);
        Tensor result;
        if (!a.Fits32 || !b.Fits32) result = Allocate64(ShapeMath.Broadcast(a.Shape64, b.Shape64), dtype, a.Device, zero: false);
        else if (a.ShapeArray.AsSpan().SequenceEqual(b.ShapeArray))
        {
            // Same shapes (the common case): the result shares the operands' immutable shape array and, when one
            // is exactly row-major, its strides too, which saves the allocations that dominate tiny ops.
            int[] shape = a.ShapeArray;
            if (ShapeMath.IsRowMajor(shape, a.StridesArray)) result = AllocateLike(shape, a.StridesArray, dtype, a.Device, copy: false);
            else if (ShapeMath.IsRowMajor(shape, b.StridesArray)) result = AllocateLike(shape, b.StridesArray, dtype, a.Device, copy: false);
            // Operands laid out alike but not row-major (both transposed, say) give a result in their layout, as
            // torch's TensorIterator does, so the kernel makes one sequential pass instead of a strided one.
            else if (a.StridesArray.AsSpan().SequenceEqual(b.StridesArray) && ShapeMath.IsDense(shape, a.StridesArray))
                result = AllocateLike(shape, a.StridesArray, dtype, a.Device);
            else result = Allocate(shape, dtype, a.Device, zero: false);
        }
        else
        {
            result = Allocate(ShapeMath.Broadcast(a.ShapeArray, b.ShapeArray), dtype, a.Device, zero: false);
        }
        Backend.Binary<TOp>(a, b, result);
        return result;
    }

    static bool BoolResult<TOp>() where TOp : IBinaryOperator =>
        typeof(TOp) == typeof(AddOperator) || typeof(TOp) == typeof(MultiplyOperator)
        || typeof(TOp) == typeof(MaximumOperator) || typeof(TOp) == typeof(MinimumOperator);

    static Tensor BoolBinary<TOp>(Tensor a, Tensor b) where TOp : IBinaryOperator
    {
        // int64, not uint8: every backend has int64 kernels, and the result is read back as nonzero-is-true.
        var x = a.To(DType.Int64);
        var y = b.To(DType.Int64);
        return Binary<TOp>(ref x, ref y).To(DType.Bool);
    }

    static Tensor[] Saved(params Tensor?[] tensors)
    {
        int count = 0;
        foreach (var t in tensors) if (t is not null) count++;
        if (count == tensors.Length) return tensors!;
        var saved = new Tensor[count];
        count = 0;
        foreach (var t in tensors) if (t is not null) saved[count++] = t;
        return saved;
    }

    internal static void CheckSameDevice(Tensor a, Tensor b)
    {
        if (a.Device != b.Device)
            throw new InvalidOperationException($"Expected all tensors to be on the same device, but found at least two devices, {a.Device} and {b.Device}!");
    }

    /// <summary>A 0-d tensor holding a C# number, typed like torch types a Python scalar next to <paramref name="like"/>.</summary>
    internal static Tensor Scalar(double value, Tensor like)
    {
        var dtype = like.DType.IsFloatingPoint() ? like.DType
            : value == Math.Floor(value) && !double.IsInfinity(value) ? (like.DType == DType.Bool ? DType.Int64 : like.DType)
            : DType.Float32;
        var t = Allocate([], dtype, like.Device);
        Backend.Write(t, 0, value);
        return t;
    }

    /// <summary>a + b elementwise, broadcast and type-promoted (int64 + float32 gives float32).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    /// <summary>
    /// a + b for each element of a. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator +(Tensor a, double b) => Add(a, Scalar(b, a));
    /// <summary>
    /// a + b for each element of b. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator +(double a, Tensor b) => Add(b, Scalar(a, b));
    /// <summary>a - b elementwise, broadcast and type-promoted.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    /// <summary>
    /// a - b for each element of a. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator -(Tensor a, double b) => Sub(a, Scalar(b, a));
    /// <summary>
    /// a - b for each element of b. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator -(double a, Tensor b) => Sub(Scalar(a, b), b);
    /// <summary>a * b elementwise, broadcast and type-promoted.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    /// <summary>
    /// a * b for each element of a. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator *(Tensor a, double b) => Mul(a, Scalar(b, a));
    /// <summary>
    /// a * b for each element of b. The scalar is typed as torch types a Python number beside the tensor: the tensor's
    /// dtype, or float32 when a fractional scalar meets an integer tensor.
    /// </summary>
    public static Tensor operator *(double a, Tensor b) => Mul(b, Scalar(a, b));
    /// <summary>a / b elementwise, broadcast; true division (integer operands give float32).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    /// <summary>a / b for each element of a; true division.</summary>
    public static Tensor operator /(Tensor a, double b) => Div(a, Scalar(b, a));
    /// <summary>a / b for each element of b; true division.</summary>
    public static Tensor operator /(double a, Tensor b) => Div(Scalar(a, b), b);
    /// <summary>-x for each element.</summary>
    public static Tensor operator -(Tensor x) => x.Neg();

    /// <summary>this + alpha·other, broadcast (torch's <c>add(other, alpha=alpha)</c>).</summary>
    public Tensor Add(Tensor other, double alpha = 1)
    {
        if (alpha == 1) return Add(this, other);
        // without a graph, torch's one rounding (fma(other, alpha, this)) through the in-place kernel on a copy
        if (!(Autograd.GradMode.IsEnabled && (RequiresGrad || other.RequiresGrad)) && other.DType == DType && DType is DType.Float32 or DType.Float64
            && other.ShapeArray.AsSpan().SequenceEqual(ShapeArray) && Device == other.Device)
            return Contiguous().Clone().Add_(other.Contiguous(), alpha);
        return Add(this, other * alpha);
    }
    /// <summary>this + a scalar for each element.</summary>
    public Tensor Add(double other) => this + other;
    /// <summary>this - other, broadcast.</summary>
    public Tensor Sub(Tensor other) => Sub(this, other);
    /// <summary>this · other elementwise, broadcast.</summary>
    public Tensor Mul(Tensor other) => Mul(this, other);
    /// <summary>this · a scalar for each element.</summary>
    public Tensor Mul(double other) => this * other;
    /// <summary>this / other elementwise, broadcast; true division.</summary>
    public Tensor Div(Tensor other) => Div(this, other);
    /// <summary>this / a scalar for each element; true division.</summary>
    public Tensor Div(double other) => this / other;
}

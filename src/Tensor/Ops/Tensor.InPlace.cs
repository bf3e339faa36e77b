using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// In-place ops (trailing underscore, as in torch). Each bumps the storage's version counter so autograd
// notices when a value it saved is overwritten. With autograd on, the op is recorded out of place and
// its result written back, and this tensor takes over the new node (torch's history rebase).
public sealed partial class Tensor
{
    /// <summary>
    /// this += alpha·other in place (torch's <c>add_(other, alpha=alpha)</c>); <paramref name="other"/> broadcasts to
    /// this tensor's shape; returns this.
    /// </summary>
    /// <exception cref="ArgumentException">The broadcast result does not have this tensor's shape.</exception>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        if (alpha == 1) return Arithmetic_<AddOperator>(other, (a, b) => a + b);
        // Optimizer updates (p.add_(d, alpha: -lr)): one pass, no temporary. Each element is still rounded
        // twice, product then sum, exactly as the two-op form below. Backends without the fused kernel (and mixed
        // devices, which the two-op form rejects) decline, and the two-op form runs.
        if (Device == other.Device && !RequiresGrad && !other.RequiresGrad && other.DType == DType && DType.IsFloatingPoint() && IsContiguous() && other.IsContiguous()
            && other.ShapeArray.AsSpan().SequenceEqual(ShapeArray) && !ReferenceEquals(other.Storage, Storage) && Storage.Writable
            && Backend.TryAddScaled(this, other, alpha))
        {
            BumpVersion();
            return this;
        }
        return Add_(other * alpha);
    }
    /// <summary>this += a scalar in place; returns this.</summary>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Add_(double other) => Add_(Scalar(other, this));
    /// <summary>this -= other in place (broadcast to this tensor's shape); returns this.</summary>
    /// <exception cref="ArgumentException">The broadcast result does not have this tensor's shape.</exception>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Sub_(Tensor other) => DType == DType.Bool || other.DType == DType.Bool ? throw SubtractBool(this, other) : Arithmetic_<SubtractOperator>(other, (a, b) => a - b);
    /// <summary>this -= a scalar in place; returns this.</summary>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Sub_(double other) => Sub_(Scalar(other, this));
    /// <summary>this ·= other in place (broadcast to this tensor's shape); returns this.</summary>
    /// <exception cref="ArgumentException">The broadcast result does not have this tensor's shape.</exception>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Mul_(Tensor other) => Arithmetic_<MultiplyOperator>(other, (a, b) => a * b);
    /// <summary>this ·= a scalar in place; returns this.</summary>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Mul_(double other) => Mul_(Scalar(other, this));
    /// <summary>this /= other in place (broadcast to this tensor's shape); returns this.</summary>
    /// <exception cref="ArgumentException">The broadcast result does not have this tensor's shape.</exception>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Div_(Tensor other) => Arithmetic_<DivideOperator>(other, (a, b) => a / b);
    /// <summary>this /= a scalar in place; returns this.</summary>
    /// <exception cref="InvalidOperationException">This tensor is a leaf that requires grad (with grad mode on),
    /// read-only, or has overlapping elements; or the result's dtype cannot be cast to this tensor's (float into int64).</exception>
    public Tensor Div_(double other) => Div_(Scalar(other, this));
    /// <summary>
    /// Clamps every element to [<paramref name="min"/>, <paramref name="max"/>] in place (null: no bound); returns
    /// this.
    /// </summary>
    public Tensor Clamp_(double? min = null, double? max = null) => InPlace(this, (a, _) => a.Clamp(min, max));
    /// <summary>Raises every element to <paramref name="exponent"/> in place; returns this.</summary>
    public Tensor Pow_(double exponent) => InPlace(this, (a, _) => a.Pow(exponent));

    /// <summary>Sets every element to zero.</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value)
    {
        CheckWritable();
        if (Recording.Needed(this)) return InPlace(this, (a, _) => FillRecorded(a, value));
        Backend.Fill(this, value);
        BumpVersion();
        return this;
    }

    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor.</summary>
    public Tensor Copy_(Tensor source)
    {
        CheckWritable();
        CheckLeafWrite();
        CheckInternalOverlap();
        if (GradMode.IsEnabled && (RequiresGrad || source.RequiresGrad)) return InPlace(source, CopyRecorded);
        Backend.Copy(source, this);
        BumpVersion();
        return this;
    }

    /// <summary>fill_ under autograd: the value, with a zero gradient for what it overwrote (torch's FillBackward0).</summary>
    static Tensor FillRecorded(Tensor self, double value)
    {
        var result = Full(self.ShapeArray, value, self.DType, device: self.Device);
        return Recording.Record(result, "FillBackward2", [self], g => [ZerosLike(g)]);
    }

    /// <summary>copy_ under autograd (torch's CopyBackwards): the overwritten tensor gets zeros, the source the gradient.</summary>
    static Tensor CopyRecorded(Tensor self, Tensor source)
    {
        var result = Allocate(self.ShapeArray, self.DType, self.Device, zero: false);
        Backend.Copy(source, result);
        var from = source.DType;
        return Recording.Record(result, "CopyBackwards", [self, source], g => [ZerosLike(g), g.To(from)]);
    }

    // C# 14 compound assignment operators: `w -= lr * w.Grad` updates w in place, as in Python.
    /// <summary>
    /// <c>x += other</c> updates x in place (<see cref="Add_(Tensor, double)"/>), as in Python; x keeps its identity.
    /// </summary>
    public void operator +=(Tensor other) => Add_(other);
    /// <summary><c>x -= other</c> updates x in place (<see cref="Sub_(Tensor)"/>).</summary>
    public void operator -=(Tensor other) => Sub_(other);
    /// <summary><c>x *= other</c> updates x in place (<see cref="Mul_(Tensor)"/>).</summary>
    public void operator *=(Tensor other) => Mul_(other);
    /// <summary><c>x /= other</c> updates x in place (<see cref="Div_(Tensor)"/>).</summary>
    public void operator /=(Tensor other) => Div_(other);
    /// <summary><c>x += scalar</c> updates x in place.</summary>
    public void operator +=(double other) => Add_(other);
    /// <summary><c>x -= scalar</c> updates x in place.</summary>
    public void operator -=(double other) => Sub_(other);
    /// <summary><c>x *= scalar</c> updates x in place.</summary>
    public void operator *=(double other) => Mul_(other);
    /// <summary><c>x /= scalar</c> updates x in place.</summary>
    public void operator /=(double other) => Div_(other);

    /// <summary>
    /// With no graph to record, a same-dtype floating-point op runs straight into this tensor's memory
    /// (optimizer updates, <c>w -= lr * g</c>): no temporary result and no second pass to copy it back.
    /// Anything else (promotion, partial overlap with this tensor, autograd) takes the general path.
    /// </summary>
    Tensor Arithmetic_<TOp>(Tensor other, Func<Tensor, Tensor, Tensor> op) where TOp : IBinaryOperator
    {
        bool recording = GradMode.IsEnabled && (RequiresGrad || other.RequiresGrad);
        bool overlaps = ReferenceEquals(other.Storage, Storage) && !(other.StorageOffset == StorageOffset
            && other.ShapeArray.AsSpan().SequenceEqual(ShapeArray) && other.StridesArray.AsSpan().SequenceEqual(StridesArray));
        if (recording || overlaps || other.DType != DType || !DType.IsFloatingPoint() || other.Device != Device
            || !ShapeMath.Broadcast(ShapeArray, other.ShapeArray).AsSpan().SequenceEqual(ShapeArray))
            return InPlace(other, op);
        CheckWritable();
        CheckInternalOverlap();
        Backend.Binary<TOp>(this, other, this);
        BumpVersion();
        return this;
    }

    Tensor InPlace(Tensor other, Func<Tensor, Tensor, Tensor> op)
    {
        CheckWritable();
        CheckLeafWrite();
        CheckInternalOverlap();
        if (GradMode.IsEnabled && (RequiresGrad || other.RequiresGrad))
        {
            // The op reads a snapshot (linked to this tensor's history), so values it saves for backward
            // stay intact when this tensor is overwritten: torch likewise saves the original self.
            var snapshot = Clone();
            var result = op(snapshot, ReferenceEquals(other, this) ? snapshot : other);
            CheckInPlaceShape(result);
            CommitInPlace(result); // through the base when this is a view (CopySlices)
            return this;
        }
        Tensor value;
        using (GradMode.Set(false)) value = op(this, other);
        CheckInPlaceShape(value);
        Backend.Copy(value, this);
        BumpVersion();
        return this;
    }

    void CheckInPlaceShape(Tensor result)
    {
        if (!result.Shape64.AsSpan().SequenceEqual(Shape64))
            throw new ArgumentException($"output with shape {ShapeMath.FormatList(Shape64)} doesn't match the broadcast shape {ShapeMath.FormatList(result.Shape64)}");
        if (result.DType.IsFloatingPoint() && !DType.IsFloatingPoint())
            throw new InvalidOperationException($"result type {Pretty(result.DType)} can't be cast to the desired output type {Pretty(DType)}");
    }

    void CheckWritable()
    {
        if (!Storage.Writable) throw new InvalidOperationException("cannot write to a read-only tensor (its memory was shared read-only)");
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bridge.Backends.Cpu;

namespace Bridge.Compile;

/// <summary>
/// One elementwise kernel of a trace in the form <see cref="ChainFusion"/> can fuse: a result of <see cref="N"/>
/// contiguous host elements computed from at most two operands that are each either that many contiguous elements or
/// one element broadcast to all. <see cref="ElementKernel{T}"/> does the arithmetic the eager kernel does for the same
/// call (the same scalar <c>Invoke</c>, or the same vector form where the operator declares one whose lanes round as
/// the scalar does, or the same span entry for unary ops), so fusing changes where values live, never their bits.
/// </summary>
internal abstract class FusibleOp(Tensor result, Tensor? a, Tensor? b)
{
    /// <summary>Chains are built only up to this many elements: one block per op, within L1, below every kernel's threading threshold.</summary>
    internal const int MaxElements = 4096;

    /// <summary>The tensor written (for in-place ops, also an operand).</summary>
    public Tensor Result { get; } = result;

    /// <summary>The first operand, or null for fills.</summary>
    public Tensor? A { get; } = a;

    /// <summary>The second operand, or null for unary ops, copies and fills.</summary>
    public Tensor? B { get; } = b;

    /// <summary>Elements of the result.</summary>
    public int N { get; } = result.Numel32;

    /// <summary>The element type all operands share.</summary>
    public DType DType => Result.DType;

    /// <summary>True when <paramref name="t"/> can be read by a fused kernel for an <paramref name="n"/>-element result: n contiguous elements, or one.</summary>
    internal static bool Readable(Tensor t, Tensor result, int n) =>
        Backends.Backend.OnHost(t) && t.DType == result.DType && (t.Numel() == 1 || (t.Numel() == n && t.IsContiguous()));

    /// <summary>True when <paramref name="result"/> can be written by a fused kernel: a contiguous float32/float64 host tensor of 1..MaxElements elements.</summary>
    internal static bool Writable(Tensor result) =>
        Backends.Backend.OnHost(result) && result.DType is DType.Float32 or DType.Float64
        && result.Numel() is > 0 and <= MaxElements && result.IsContiguous();

    /// <summary>result = TOp(a, b) as a fusible op, or null when the operands do not fit.</summary>
    public static FusibleOp? Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator
    {
        if (!Writable(result) || !Readable(a, result, result.Numel32) || !Readable(b, result, result.Numel32)) return null;
        return result.DType == DType.Float32
            ? new FusibleOp<float>(new BinaryElement<float, TOp>(), result, a, b)
            : new FusibleOp<double>(new BinaryElement<double, TOp>(), result, a, b);
    }

    /// <summary>result = TOp(x) (any numeric operator) as a fusible op, or null.</summary>
    public static FusibleOp? Unary<TOp>(Tensor x, Tensor result) where TOp : IUnaryOperator
    {
        if (!Writable(result) || x.Numel() != result.Numel() || !Readable(x, result, result.Numel32)) return null;
        return result.DType == DType.Float32
            ? new FusibleOp<float>(new UnaryElement<float, TOp>(), result, x, null)
            : new FusibleOp<double>(new UnaryElement<double, TOp>(), result, x, null);
    }

    /// <summary>result = TOp(x) (a floating-point operator) as a fusible op, or null.</summary>
    public static FusibleOp? FloatUnary<TOp>(Tensor x, Tensor result) where TOp : IFloatUnaryOperator
    {
        if (!Writable(result) || x.Numel() != result.Numel() || !Readable(x, result, result.Numel32)) return null;
        return result.DType == DType.Float32
            ? new FusibleOp<float>(new FloatUnaryElement<float, TOp>(), result, x, null)
            : new FusibleOp<double>(new FloatUnaryElement<double, TOp>(), result, x, null);
    }

    /// <summary>dst = src (same dtype, src dense or one element) as a fusible op, or null.</summary>
    public static FusibleOp? Copy(Tensor src, Tensor dst)
    {
        if (!Writable(dst) || !Readable(src, dst, dst.Numel32)) return null;
        return dst.DType == DType.Float32
            ? new FusibleOp<float>(new CopyElement<float>(), dst, src, null)
            : new FusibleOp<double>(new CopyElement<double>(), dst, src, null);
    }

    /// <summary>t = (T)value everywhere as a fusible op, or null.</summary>
    public static FusibleOp? Fill(Tensor t, double value)
    {
        if (!Writable(t)) return null;
        return t.DType == DType.Float32
            ? new FusibleOp<float>(new FillElement<float>((float)value), t, null, null)
            : new FusibleOp<double>(new FillElement<double>(value), t, null, null);
    }

    /// <summary>One element written at <paramref name="offset"/> as a fusible fill, when that element is all of <paramref name="t"/>; else null.</summary>
    public static FusibleOp? Write(Tensor t, long offset, double value) =>
        t.Numel() == 1 && offset == t.StorageOffset ? Fill(t, value) : null;

    /// <summary>x += (T)alpha · y (the optimizers' fused update) as a fusible op, or null.</summary>
    public static FusibleOp? AddScaled(Tensor x, Tensor y, double alpha)
    {
        if (!Writable(x) || y.Numel() != x.Numel() || !Readable(y, x, x.Numel32)) return null;
        return x.DType == DType.Float32
            ? new FusibleOp<float>(new AddScaledElement<float>((float)alpha), x, x, y)
            : new FusibleOp<double>(new AddScaledElement<double>(alpha), x, x, y);
    }
}

/// <summary>A <see cref="FusibleOp"/> over elements of type <typeparamref name="T"/>.</summary>
internal sealed class FusibleOp<T>(ElementKernel<T> kernel, Tensor result, Tensor? a, Tensor? b) : FusibleOp(result, a, b)
    where T : unmanaged
{
    /// <summary>The arithmetic, applied to pointers resolved when the chain is built.</summary>
    public ElementKernel<T> Kernel { get; } = kernel;
}

/// <summary>
/// o[i] = f(a[i·sa], b[i·sb]) for i &lt; n, with strides 0 (a broadcast element) or 1 (dense): the per-op body of a
/// fused chain. Operands may be the chain's scratch rows or tensor memory; the op never reads what it has written
/// at a different index, so o may alias a or b exactly (in-place ops).
/// </summary>
internal abstract unsafe class ElementKernel<T> where T : unmanaged
{
    /// <summary>Runs the op over n elements.</summary>
    public abstract void Run(T* a, nint sa, T* b, nint sb, T* o, int n);
}

/// <summary>TOp(a, b): the vector form where the operator declares one (its lanes round as the scalar form), else the scalar form, as the eager loops.</summary>
internal sealed unsafe class BinaryElement<T, TOp> : ElementKernel<T> where T : unmanaged, INumber<T> where TOp : IBinaryOperator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        if (n == 1)
        {
            *o = TOp.Invoke(*a, *b);
            return;
        }
        int i = 0;
        if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            for (; i <= n - w; i += w)
            {
                var va = sa == 0 ? Vector256.Create(*a) : Vector256.Load(a + i);
                var vb = sb == 0 ? Vector256.Create(*b) : Vector256.Load(b + i);
                TOp.Invoke(va, vb).Store(o + i);
            }
        }
        for (; i < n; i++) o[i] = TOp.Invoke(a[i * sa], b[i * sb]);
    }
}

/// <summary>TOp(x) through the span entry the eager kernel calls for a dense single-threaded map (TryInvoke, else Invoke per element).</summary>
internal sealed unsafe class UnaryElement<T, TOp> : ElementKernel<T> where T : unmanaged, INumber<T> where TOp : IUnaryOperator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        ReadOnlySpan<T> x = new(a, n);
        Span<T> r = new(o, n);
        if (TOp.TryInvoke(x, r)) return;
        for (int i = 0; i < n; i++) r[i] = TOp.Invoke(x[i]);
    }
}

/// <summary>TOp(x) for floating-point operators, through the eager kernel's span entry.</summary>
internal sealed unsafe class FloatUnaryElement<T, TOp> : ElementKernel<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryOperator
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        ReadOnlySpan<T> x = new(a, n);
        Span<T> r = new(o, n);
        if (TOp.TryInvoke(x, r)) return;
        for (int i = 0; i < n; i++) r[i] = TOp.Invoke(x[i]);
    }
}

/// <summary>o = a (a broadcast element or a dense row); a copy moves bits.</summary>
internal sealed unsafe class CopyElement<T> : ElementKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        if (sa == 0) new Span<T>(o, n).Fill(*a);
        else if (a != o) new ReadOnlySpan<T>(a, n).CopyTo(new Span<T>(o, n));
    }
}

/// <summary>o = value, the constant the eager fill stores ((float)value for float32).</summary>
internal sealed unsafe class FillElement<T>(T value) : ElementKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        if (n == 1) *o = value;
        else new Span<T>(o, n).Fill(value);
    }
}

/// <summary>o = fma(b, alpha, a), one rounding (the eager AddScaled, torch's add with alpha).</summary>
internal sealed unsafe class AddScaledElement<T>(T alpha) : ElementKernel<T> where T : unmanaged, INumber<T>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        if (typeof(T) == typeof(float))
        {
            float w = (float)(object)alpha;
            float* fa = (float*)a, fb = (float*)b, fo = (float*)o;
            for (int i = 0; i < n; i++) fo[i] = MathF.FusedMultiplyAdd(fb[i * sb], w, fa[i * sa]);
        }
        else if (typeof(T) == typeof(double))
        {
            double w = (double)(object)alpha;
            double* da = (double*)a, db = (double*)b, dout = (double*)o;
            for (int i = 0; i < n; i++) dout[i] = Math.FusedMultiplyAdd(db[i * sb], w, da[i * sa]);
        }
        else
            for (int i = 0; i < n; i++) o[i] = a[i * sa] + b[i * sb] * alpha;
    }
}

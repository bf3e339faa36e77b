// Double-float arithmetic on eight float32 lanes, re-expressed from SLEEF 3.5.1's src/libm/df.h (the FMA
// variants, as compiled for AVX2). SLEEF is (C) Naoki Shibata and contributors, Boost Software License 1.0.
// Every operation keeps SLEEF's exact order of roundings, since torch's results are only met bit for bit that way.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>An unevaluated sum X + Y of two float32 vectors (|Y| ≤ ulp(X)/2): about 48 bits of precision per lane.</summary>
internal readonly struct FloatPair(V x, V y)
{
    public readonly V X = x, Y = y;

    public static FloatPair Of(float x, float y) => new(Vector256.Create(x), Vector256.Create(y));

    /// <summary>X + Y rounded to one float.</summary>
    public V Sum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => X + Y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Select(V mask, FloatPair a, FloatPair b) =>
        new(Vector256.ConditionalSelect(mask, a.X, b.X), Vector256.ConditionalSelect(mask, a.Y, b.Y));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FloatPair Negate() => new(-X, -Y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FloatPair Normalize()
    {
        var s = X + Y;
        return new(s, X - s + Y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FloatPair Scale(V s) => new(X * s, Y * s);

    /// <summary>dfadd_vf2_vf_vf (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add(V x, V y)
    {
        var s = x + y;
        return new(s, x - s + y);
    }

    /// <summary>dfadd2_vf2_vf_vf (any magnitudes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add2(V x, V y)
    {
        var s = x + y;
        var v = s - x;
        return new(s, (x - (s - v)) + (y - v));
    }

    /// <summary>dfadd_vf2_vf2_vf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add(FloatPair x, V y)
    {
        var s = x.X + y;
        return new(s, x.X - s + y + x.Y);
    }

    /// <summary>dfadd2_vf2_vf2_vf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add2(FloatPair x, V y)
    {
        var s = x.X + y;
        var v = s - x.X;
        var t = (x.X - (s - v)) + (y - v);
        return new(s, t + x.Y);
    }

    /// <summary>dfadd_vf2_vf_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add(V x, FloatPair y)
    {
        var s = x + y.X;
        return new(s, x - s + y.X + y.Y);
    }

    /// <summary>dfadd2_vf2_vf_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add2(V x, FloatPair y)
    {
        var s = x + y.X;
        var v = s - x;
        return new(s, (x - (s - v)) + (y.X - v) + y.Y);
    }

    /// <summary>dfadd_vf2_vf2_vf2 (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add(FloatPair x, FloatPair y)
    {
        var s = x.X + y.X;
        return new(s, x.X - s + y.X + x.Y + y.Y);
    }

    /// <summary>dfadd2_vf2_vf2_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Add2(FloatPair x, FloatPair y)
    {
        var s = x.X + y.X;
        var v = s - x.X;
        var t = (x.X - (s - v)) + (y.X - v);
        return new(s, t + (x.Y + y.Y));
    }

    /// <summary>dfsub_vf2_vf2_vf (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Sub(FloatPair x, V y)
    {
        var s = x.X - y;
        return new(s, x.X - s - y + x.Y);
    }

    /// <summary>dfsub_vf2_vf2_vf2 (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Sub(FloatPair x, FloatPair y)
    {
        var s = x.X - y.X;
        var t = x.X - s - y.X + x.Y;
        return new(s, t - y.Y);
    }

    /// <summary>dfmul_vf2_vf_vf: the exact product through one FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Mul(V x, V y)
    {
        var s = x * y;
        return new(s, Fma.MultiplySubtract(x, y, s));
    }

    /// <summary>dfmul_vf2_vf2_vf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Mul(FloatPair x, V y)
    {
        var s = x.X * y;
        return new(s, Fma.MultiplyAdd(x.Y, y, Fma.MultiplySubtract(x.X, y, s)));
    }

    /// <summary>dfmul_vf2_vf2_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Mul(FloatPair x, FloatPair y)
    {
        var s = x.X * y.X;
        return new(s, Fma.MultiplyAdd(x.X, y.Y, Fma.MultiplyAdd(x.Y, y.X, Fma.MultiplySubtract(x.X, y.X, s))));
    }

    /// <summary>dfmul_vf_vf2_vf2: the product rounded to one float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V MulToFloat(FloatPair x, FloatPair y) =>
        Fma.MultiplyAdd(x.X, y.X, Fma.MultiplyAdd(x.Y, y.X, x.X * y.Y));

    /// <summary>dfsqu_vf2_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FloatPair Square()
    {
        var s = X * X;
        return new(s, Fma.MultiplyAdd(X + X, Y, Fma.MultiplySubtract(X, X, s)));
    }

    /// <summary>dfrec_vf2_vf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Reciprocal(V d)
    {
        var s = Vector256<float>.One / d;
        return new(s, s * Fma.MultiplyAddNegated(d, s, Vector256<float>.One));
    }

    /// <summary>dfrec_vf2_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FloatPair Reciprocal()
    {
        var s = Vector256<float>.One / X;
        return new(s, s * Fma.MultiplyAddNegated(Y, s, Fma.MultiplyAddNegated(X, s, Vector256<float>.One)));
    }

    /// <summary>dfdiv_vf2_vf2_vf2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Div(FloatPair n, FloatPair d)
    {
        var t = Vector256<float>.One / d.X;
        var s = n.X * t;
        var u = Fma.MultiplySubtract(t, n.X, s);
        var v = Fma.MultiplyAddNegated(d.Y, t, Fma.MultiplyAddNegated(d.X, t, Vector256<float>.One));
        return new(s, Fma.MultiplyAdd(s, v, Fma.MultiplyAdd(n.Y, t, u)));
    }

    /// <summary>dfsqrt_vf2_vf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatPair Sqrt(V d)
    {
        var t = Avx.Sqrt(d);
        return Mul(Add2(d, Mul(t, t)), Reciprocal(t)).Scale(Vector256.Create(0.5f));
    }
}

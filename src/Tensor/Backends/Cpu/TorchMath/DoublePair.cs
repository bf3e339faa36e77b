// Double-double arithmetic on four float64 lanes, re-expressed from SLEEF 3.5.1's src/libm/dd.h (the FMA
// variants, as compiled for AVX2). SLEEF is (C) Naoki Shibata and contributors, Boost Software License 1.0.
// Every operation keeps SLEEF's exact order of roundings, since torch's results are only met bit for bit that way.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>An unevaluated sum X + Y of two float64 vectors (|Y| ≤ ulp(X)/2): about 104 bits of precision per lane.</summary>
internal readonly struct DoublePair(V x, V y)
{
    public readonly V X = x, Y = y;

    public static DoublePair Of(double x, double y) => new(Vector256.Create(x), Vector256.Create(y));

    /// <summary>X + Y rounded to one double.</summary>
    public V Sum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => X + Y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Select(V mask, DoublePair a, DoublePair b) =>
        new(Vector256.ConditionalSelect(mask, a.X, b.X), Vector256.ConditionalSelect(mask, a.Y, b.Y));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DoublePair Negate() => new(-X, -Y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DoublePair Normalize()
    {
        var s = X + Y;
        return new(s, X - s + Y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DoublePair Scale(V s) => new(X * s, Y * s);

    /// <summary>ddadd_vd2_vd_vd (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add(V x, V y)
    {
        var s = x + y;
        return new(s, x - s + y);
    }

    /// <summary>ddadd2_vd2_vd_vd (any magnitudes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add2(V x, V y)
    {
        var s = x + y;
        var v = s - x;
        return new(s, (x - (s - v)) + (y - v));
    }

    /// <summary>ddadd_vd2_vd2_vd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add(DoublePair x, V y)
    {
        var s = x.X + y;
        return new(s, x.X - s + y + x.Y);
    }

    /// <summary>ddadd2_vd2_vd2_vd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add2(DoublePair x, V y)
    {
        var s = x.X + y;
        var v = s - x.X;
        var t = (x.X - (s - v)) + (y - v);
        return new(s, t + x.Y);
    }

    /// <summary>ddadd_vd2_vd_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add(V x, DoublePair y)
    {
        var s = x + y.X;
        return new(s, x - s + y.X + y.Y);
    }

    /// <summary>ddadd2_vd2_vd_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add2(V x, DoublePair y)
    {
        var s = x + y.X;
        var v = s - x;
        return new(s, (x - (s - v)) + (y.X - v) + y.Y);
    }

    /// <summary>ddadd_vd2_vd2_vd2 (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add(DoublePair x, DoublePair y)
    {
        var s = x.X + y.X;
        return new(s, x.X - s + y.X + x.Y + y.Y);
    }

    /// <summary>ddadd2_vd2_vd2_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Add2(DoublePair x, DoublePair y)
    {
        var s = x.X + y.X;
        var v = s - x.X;
        var t = (x.X - (s - v)) + (y.X - v);
        return new(s, t + (x.Y + y.Y));
    }

    /// <summary>ddsub_vd2_vd2_vd (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Sub(DoublePair x, V y)
    {
        var s = x.X - y;
        return new(s, x.X - s - y + x.Y);
    }

    /// <summary>ddsub_vd2_vd2_vd2 (|x| ≥ |y|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Sub(DoublePair x, DoublePair y)
    {
        var s = x.X - y.X;
        var t = x.X - s - y.X + x.Y;
        return new(s, t - y.Y);
    }

    /// <summary>ddmul_vd2_vd_vd: the exact product through one FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Mul(V x, V y)
    {
        var s = x * y;
        return new(s, Fma.MultiplySubtract(x, y, s));
    }

    /// <summary>ddmul_vd2_vd2_vd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Mul(DoublePair x, V y)
    {
        var s = x.X * y;
        return new(s, Fma.MultiplyAdd(x.Y, y, Fma.MultiplySubtract(x.X, y, s)));
    }

    /// <summary>ddmul_vd2_vd2_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Mul(DoublePair x, DoublePair y)
    {
        var s = x.X * y.X;
        return new(s, Fma.MultiplyAdd(x.X, y.Y, Fma.MultiplyAdd(x.Y, y.X, Fma.MultiplySubtract(x.X, y.X, s))));
    }

    /// <summary>ddmul_vd_vd2_vd2: the product rounded to one double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V MulToFloat(DoublePair x, DoublePair y) =>
        Fma.MultiplyAdd(x.X, y.X, Fma.MultiplyAdd(x.Y, y.X, x.X * y.Y));

    /// <summary>ddsqu_vd2_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DoublePair Square()
    {
        var s = X * X;
        return new(s, Fma.MultiplyAdd(X + X, Y, Fma.MultiplySubtract(X, X, s)));
    }

    /// <summary>ddrec_vd2_vd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Reciprocal(V d)
    {
        var s = Vector256<double>.One / d;
        return new(s, s * Fma.MultiplyAddNegated(d, s, Vector256<double>.One));
    }

    /// <summary>ddrec_vd2_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DoublePair Reciprocal()
    {
        var s = Vector256<double>.One / X;
        return new(s, s * Fma.MultiplyAddNegated(Y, s, Fma.MultiplyAddNegated(X, s, Vector256<double>.One)));
    }

    /// <summary>dddiv_vd2_vd2_vd2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Div(DoublePair n, DoublePair d)
    {
        var t = Vector256<double>.One / d.X;
        var s = n.X * t;
        var u = Fma.MultiplySubtract(t, n.X, s);
        var v = Fma.MultiplyAddNegated(d.Y, t, Fma.MultiplyAddNegated(d.X, t, Vector256<double>.One));
        return new(s, Fma.MultiplyAdd(s, v, Fma.MultiplyAdd(n.Y, t, u)));
    }

    /// <summary>ddsqrt_vd2_vd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoublePair Sqrt(V d)
    {
        var t = Avx.Sqrt(d);
        return Mul(Add2(d, Mul(t, t)), Reciprocal(t)).Scale(Vector256.Create(0.5));
    }
}

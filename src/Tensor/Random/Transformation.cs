using System.Numerics;

namespace Bridge.Random;

/// <summary>
/// ATen's random transformation helpers (ATen/core/TransformationHelper.h), written once for
/// float and double with generic math. What makes them bit-exact:
/// <list type="bullet">
/// <item>float draws use one 32-bit output and keep 24 bits; double draws use one 64-bit output and keep 53 bits;</item>
/// <item>the scaled value is <c>x * (to - from) + from</c> evaluated in the element type, and the
/// AVX2 build of libtorch contracts it into one FMA (seen in the disassembly), so we use FusedMultiplyAdd.</item>
/// </list>
/// Only float and double are supported: torch computes Half/BFloat16 draws in float and casts.
/// </summary>
internal static class Transformation
{
    /// <summary>Mantissa digits of <typeparamref name="T"/> (std::numeric_limits&lt;T&gt;::digits).</summary>
    public static int Digits<T>() where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return 24;
        }
        if (typeof(T) == typeof(double))
        {
            return 53;
        }
        throw new NotSupportedException($"Random draws support float and double only, not {typeof(T).Name}.");
    }

    /// <summary>Throws unless <typeparamref name="T"/> is float or double (called before any draw).</summary>
    public static void CheckSupported<T>() where T : IBinaryFloatingPointIeee754<T> => Digits<T>();

    /// <summary>
    /// <c>uniform_real_distribution&lt;T&gt;(from, to)</c>: consumes one draw of the width torch uses for
    /// <typeparamref name="T"/> and maps it into [from, to).
    /// </summary>
    public static T UniformReal<T>(ulong bits, T from, T to) where T : IBinaryFloatingPointIeee754<T>
    {
        int digits = Digits<T>();
        ulong mask = (1UL << digits) - 1;
        // DIVISOR = 1 / 2^digits is exact in T, so the product below is exact as well.
        T divisor = T.One / T.CreateTruncating(1UL << digits);
        T x = T.CreateTruncating(bits & mask) * divisor;
        return T.FusedMultiplyAdd(x, to - from, from);
    }

    /// <summary>Width of the raw draw torch takes for one uniform of type <typeparamref name="T"/>.</summary>
    public static bool Uses64BitDraw<T>() where T : IBinaryFloatingPointIeee754<T> => Digits<T>() > 32;
}

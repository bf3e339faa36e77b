using System.Globalization;
using System.Runtime.CompilerServices;

namespace Bridge;

/// <summary>
/// bfloat16: the upper 16 bits of an IEEE float32 (8 exponent bits, 7 mantissa bits), as torch's c10::BFloat16.
/// .NET 10 has no such type. Bridge only stores these values: kernels widen them to float32, compute, and round
/// back with <see cref="op_Explicit(float)"/> (round to nearest, ties to even), which is what torch's CPU does.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    /// <summary>The raw bits (sign, 8 exponent bits, 7 mantissa bits).</summary>
    public ushort Bits { get; }

    BFloat16(ushort bits) => Bits = bits;

    /// <summary>The value with these raw bits.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>float → bfloat16, rounding to nearest with ties to even; NaN stays a (quiet) NaN.</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return new((ushort)((bits >> 16) | 0x0040));
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>double → bfloat16 through float32, as torch's conversion does.</summary>
    public static explicit operator BFloat16(double value) => (BFloat16)(float)value;

    /// <summary>bfloat16 → float (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    /// <summary>bfloat16 → double (exact).</summary>
    public static implicit operator double(BFloat16 value) => (float)value;

    /// <summary>Numeric equality (NaN differs from everything, +0 equals -0).</summary>
    public static bool operator ==(BFloat16 a, BFloat16 b) => (float)a == (float)b;

    /// <summary>Numeric inequality.</summary>
    public static bool operator !=(BFloat16 a, BFloat16 b) => (float)a != (float)b;

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <summary>The value as float32 prints it (shortest round-trip form).</summary>
    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);
}

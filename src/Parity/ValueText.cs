using System.Globalization;

namespace Bridge.Parity;

/// <summary>Values as the parity CSV spells them: the shortest text that round-trips in the value's dtype, in Python's layout.</summary>
public static class ValueText
{
    /// <summary>numpy's <c>str(np.float32(v))</c>: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16.</summary>
    public static string Float32(float v) =>
        float.IsNaN(v) ? "nan" : float.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
        : PythonSpelling(v.ToString("R", CultureInfo.InvariantCulture), float.IsNegative(v));

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16.</summary>
    public static string Float64(double v) =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
        : PythonSpelling(v.ToString("R", CultureInfo.InvariantCulture), double.IsNegative(v));

    /// <summary>
    /// Parses a float32 value as the CSV spells it (<c>nan</c>, <c>inf</c>, <c>-inf</c> or a number).
    /// </summary>
    /// <exception cref="FormatException">The text is not a number.</exception>
    public static float ParseFloat32(string s) => s switch
    {
        "nan" => float.NaN,
        "inf" => float.PositiveInfinity,
        "-inf" => float.NegativeInfinity,
        _ => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Parses a float64 value as the CSV spells it (<c>nan</c>, <c>inf</c>, <c>-inf</c> or a number).
    /// </summary>
    /// <exception cref="FormatException">The text is not a number.</exception>
    public static double ParseFloat64(string s) => s switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Re-spells .NET's shortest round-trip text (<c>1E-05</c>, <c>123456790</c>) in Python's layout (<c>1e-05</c>, <c>123456790.0</c>).</summary>
    static string PythonSpelling(string dotnet, bool negative)
    {
        string s = dotnet.TrimStart('-');
        int exp = 0;
        int e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            s = s[..e];
        }
        int dot = s.IndexOf('.');
        string intPart = dot >= 0 ? s[..dot] : s, fracPart = dot >= 0 ? s[(dot + 1)..] : "";
        string digits = (intPart + fracPart).TrimStart('0');
        string prefix = negative ? "-" : "";
        if (digits.Length == 0) return prefix + "0.0";
        // value = 0.<all digits> * 10^(intPart.Length + exp); leading zeros shift the decimal exponent down.
        int leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
        int sci = intPart.Length + exp - leadingZeros - 1; // value = d.ddd * 10^sci
        digits = digits.TrimEnd('0');
        if (sci >= -4 && sci < 16)
        {
            if (sci >= 0)
            {
                string whole = digits.Length > sci + 1 ? digits[..(sci + 1)] : digits.PadRight(sci + 1, '0');
                string frac = digits.Length > sci + 1 ? digits[(sci + 1)..] : "0";
                return prefix + whole + "." + frac;
            }
            return prefix + "0." + new string('0', -sci - 1) + digits;
        }
        string mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
        return prefix + mantissa + "e" + (sci < 0 ? "-" : "+") + Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture);
    }
}

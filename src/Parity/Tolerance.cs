using System.Globalization;
using System.IO.Enumeration;

namespace Bridge.Parity;

/// <summary><c>exact</c> (bitwise in the row's dtype) or <c>rtol=R atol=A</c> (|b - a| ≤ A + R·|a|).</summary>
public sealed record Tolerance(bool Exact, double Rtol, double Atol, string Text = "")
{
    /// <summary>numpy's allclose defaults, the diff's when no tolerance is given.</summary>
    public static readonly Tolerance Default = new(false, 1e-5, 1e-8);

    /// <summary>Parses <c>exact</c> or <c>rtol=R atol=A</c> (both needed, each a number ≥ 0).</summary>
    /// <exception cref="FormatException">The text is neither form.</exception>
    public static Tolerance Parse(string text)
    {
        var t = text.Trim();
        if (t == "exact") return new Tolerance(true, 0, 0, "exact");
        double? rtol = null, atol = null;
        foreach (var part in t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) throw new FormatException($"bad tolerance '{text}' (write 'exact' or 'rtol=R atol=A')");
            if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0))
                throw new FormatException($"bad tolerance '{text}': '{kv[1]}' is not a number >= 0");
            if (kv[0] == "rtol" && rtol is null) rtol = v;
            else if (kv[0] == "atol" && atol is null) atol = v;
            else throw new FormatException($"bad tolerance '{text}' (write 'exact' or 'rtol=R atol=A')");
        }
        if (rtol is null || atol is null) throw new FormatException($"tolerance '{text}' needs both rtol= and atol=");
        return new Tolerance(false, rtol.Value, atol.Value, string.Join(" ", t.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>The Python diff's spelling (<c>rtol=1e-05 atol=1e-08</c>, %g) unless parsed from text.</summary>
    public override string ToString() => Text.Length > 0 ? Text : Exact ? "exact" : $"rtol={G(Rtol)} atol={G(Atol)}";

    /// <summary>Python's <c>f"{x:g}"</c>: 6 significant digits, exponent below 1e-4 or from 1e6, two-digit exponent.</summary>
    internal static string G(double x)
    {
        if (x == 0) return "0";
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        string e = x.ToString("E5", CultureInfo.InvariantCulture); // d.dddddE+ddd, rounded as %g rounds
        int exp = int.Parse(e[(e.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        if (exp < -4 || exp >= 6)
            return e[..e.IndexOf('E')].TrimEnd('0').TrimEnd('.') + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        string f = x.ToString("F" + Math.Max(0, 5 - exp).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return f.Contains('.') ? f.TrimEnd('0').TrimEnd('.') : f;
    }
}

/// <summary>A default tolerance and per-name rules: the first pattern matching <c>checkpoint/name</c> or <c>name</c> decides.</summary>
public sealed class Tolerances(Tolerance @default, IReadOnlyList<(string Pattern, Tolerance Tolerance)>? rules = null)
{
    /// <summary>The tolerance for names no rule matches.</summary>
    public Tolerance Default { get; } = @default;
    /// <summary>(fnmatch pattern, tolerance) pairs, tried in order.</summary>
    public IReadOnlyList<(string Pattern, Tolerance Tolerance)> Rules { get; } = rules ?? [];

    /// <summary>
    /// The tolerance for one record: the first rule whose pattern matches <c>checkpoint/name</c> or <c>name</c>, else
    /// <see cref="Default"/>.
    /// </summary>
    public Tolerance For(string checkpoint, string name)
    {
        string label = checkpoint + "/" + name;
        foreach (var (pattern, tol) in Rules)
            if (Matches(pattern, label) || Matches(pattern, name)) return tol;
        return Default;
    }

    /// <summary>fnmatch's <c>*</c> and <c>?</c>, case-sensitive (brackets are taken literally).</summary>
    static bool Matches(string pattern, string text) => FileSystemName.MatchesSimpleExpression(pattern, text, ignoreCase: false);

    /// <summary>Lines <c>PATTERN exact|rtol=R atol=A  # why</c>; blank lines and comments skipped.</summary>
    public static List<(string, Tolerance)> ReadRules(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParityInputException($"{path}: cannot read the tolerance file ({e.Message})");
        }
        var rules = new List<(string, Tolerance)>();
        for (int n = 0; n < lines.Length; n++)
        {
            int hash = lines[n].IndexOf('#');
            string body = (hash >= 0 ? lines[n][..hash] : lines[n]).Trim();
            if (body.Length == 0) continue;
            int space = body.IndexOf(' ');
            try
            {
                rules.Add((space < 0 ? body : body[..space], Tolerance.Parse(space < 0 ? "" : body[(space + 1)..])));
            }
            catch (FormatException e)
            {
                throw new ParityInputException($"{path}:{n + 1}: {e.Message}");
            }
        }
        return rules;
    }
}

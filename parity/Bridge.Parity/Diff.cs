using System.Globalization;

namespace Bridge.Parity;

/// <summary>A case's tolerance from cases.txt: <c>exact</c> (bitwise in the row's dtype) or <c>rtol=R atol=A</c>.</summary>
public sealed record Tolerance(bool Exact, double Rtol, double Atol, string Text = "")
{
    public static Tolerance Parse(string text)
    {
        var t = text.Trim();
        if (t == "exact") return new Tolerance(true, 0, 0, "exact");
        double? rtol = null, atol = null;
        foreach (var part in t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) throw new FormatException($"bad tolerance '{text}'");
            double v = double.Parse(kv[1], CultureInfo.InvariantCulture);
            if (kv[0] == "rtol") rtol = v;
            else if (kv[0] == "atol") atol = v;
            else throw new FormatException($"bad tolerance '{text}'");
        }
        if (rtol is null || atol is null) throw new FormatException($"tolerance '{text}' needs both rtol= and atol=");
        return new Tolerance(false, rtol.Value, atol.Value, string.Join(" ", t.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    public override string ToString() => Text.Length > 0 ? Text : Exact ? "exact" : FormattableString.Invariant($"rtol={Rtol:R} atol={Atol:R}");
}

/// <summary>One line of parity/cases.txt.</summary>
public sealed record CaseSpec(string Name, Tolerance Tolerance, string Why)
{
    /// <summary>The registry in run order; <c>#</c> starts a comment.</summary>
    public static List<CaseSpec> Load(string path)
    {
        var cases = new List<CaseSpec>();
        foreach (var raw in File.ReadLines(path))
        {
            int hash = raw.IndexOf('#');
            string body = (hash >= 0 ? raw[..hash] : raw).Trim();
            string why = hash >= 0 ? raw[(hash + 1)..].Trim() : "";
            if (body.Length == 0) continue;
            int space = body.IndexOfAny([' ', '\t']);
            if (space < 0) throw new FormatException($"{path}: no tolerance for case '{body}'");
            cases.Add(new CaseSpec(body[..space], Tolerance.Parse(body[(space + 1)..]), why));
        }
        return cases;
    }
}

/// <summary>The comparison of one recorded tensor (checkpoint, step, name) against the reference.</summary>
public sealed record TensorDiff(string Checkpoint, long Step, string Name, string Dtype, string Shape, int Count,
    double MaxAbs, double MaxRel, double MaxUlp, long FirstMismatch, string? Expected, string? Actual, string? Problem)
{
    public bool Pass => Problem is null && FirstMismatch < 0;
    public string Key => Step == 0 ? $"{Checkpoint}/{Name}" : $"{Checkpoint}/{Name}@{Step}";
}

/// <summary>One runtime's CSV for one case against the reference CSV.</summary>
public sealed record Comparison(string Runtime, List<TensorDiff> Tensors, string? Error = null)
{
    public bool Pass => Error is null && Tensors.All(t => t.Pass);
    public double WorstAbs => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxAbs);
    public double WorstRel => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxRel);
    public double WorstUlp => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxUlp);
    public int Failed => Tensors.Count(t => !t.Pass);
}

/// <summary>
/// Element-wise comparison under a case's tolerance: max abs/rel error and ULP distance in the row's dtype,
/// the first index that fails; nan meets nan, inf its own sign; int64/bool exact; missing/extra tensors and
/// dtype/shape differences fail.
/// </summary>
public static class Diff
{
    public static Comparison Compare(string runtime, IReadOnlyList<ParityRow> reference, IReadOnlyList<ParityRow> actual, Tolerance tol)
    {
        var refGroups = Group(reference);
        var actGroups = Group(actual);
        var result = new List<TensorDiff>();
        foreach (var (key, refRows) in refGroups)
        {
            var first = refRows[0];
            if (!actGroups.TryGetValue(key, out var actRows))
            {
                result.Add(new TensorDiff(key.Checkpoint, key.Step, key.Name, first.Dtype, first.Shape, refRows.Count, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 0, null, null, "missing"));
                continue;
            }
            result.Add(CompareTensor(key, refRows, actRows, tol));
        }
        foreach (var (key, actRows) in actGroups)
            if (!refGroups.ContainsKey(key))
                result.Add(new TensorDiff(key.Checkpoint, key.Step, key.Name, actRows[0].Dtype, actRows[0].Shape, actRows.Count, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 0, null, null, "extra (not in reference)"));
        return new Comparison(runtime, result);
    }

    static Dictionary<(string Checkpoint, long Step, string Name), List<ParityRow>> Group(IReadOnlyList<ParityRow> rows)
    {
        var groups = new Dictionary<(string, long, string), List<ParityRow>>();
        foreach (var r in rows)
        {
            var key = (r.Checkpoint, r.Step, r.Name);
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(r);
        }
        foreach (var list in groups.Values) list.Sort((a, b) => a.Index.CompareTo(b.Index));
        return groups;
    }

    static TensorDiff CompareTensor((string Checkpoint, long Step, string Name) key, List<ParityRow> refRows, List<ParityRow> actRows, Tolerance tol)
    {
        var r0 = refRows[0];
        var a0 = actRows[0];
        TensorDiff Fail(string problem) => new(key.Checkpoint, key.Step, key.Name, r0.Dtype, r0.Shape, refRows.Count, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 0, null, null, problem);
        if (a0.Dtype != r0.Dtype) return Fail($"dtype {a0.Dtype}, reference {r0.Dtype}");
        if (a0.Shape != r0.Shape) return Fail($"shape [{a0.Shape}], reference [{r0.Shape}]");
        if (actRows.Count != refRows.Count || actRows.Where((r, i) => r.Index != refRows[i].Index).Any())
            return Fail($"{actRows.Count} elements, reference {refRows.Count}");

        double maxAbs = 0, maxRel = 0, maxUlp = 0;
        long firstMismatch = -1;
        string? expected = null, actual = null;
        for (int i = 0; i < refRows.Count; i++)
        {
            var (pass, abs, rel, ulp) = CompareValue(r0.Dtype, refRows[i].Value, actRows[i].Value, tol);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            maxUlp = Math.Max(maxUlp, ulp);
            if (!pass && firstMismatch < 0)
            {
                firstMismatch = refRows[i].Index;
                expected = refRows[i].Value;
                actual = actRows[i].Value;
            }
        }
        return new TensorDiff(key.Checkpoint, key.Step, key.Name, r0.Dtype, r0.Shape, refRows.Count, maxAbs, maxRel, maxUlp, firstMismatch, expected, actual, null);
    }

    /// <summary>(pass, |b - a|, |b - a| / |a|, ULP distance) for one element; non-finite mismatches count as infinite error.</summary>
    public static (bool Pass, double Abs, double Rel, double Ulp) CompareValue(string dtype, string refText, string actText, Tolerance tol)
    {
        switch (dtype)
        {
            case "int64":
                {
                    long a = long.Parse(refText, CultureInfo.InvariantCulture), b = long.Parse(actText, CultureInfo.InvariantCulture);
                    double d = Math.Abs((double)b - a);
                    return (a == b, d, a == 0 ? (d == 0 ? 0 : double.PositiveInfinity) : d / Math.Abs((double)a), d);
                }
            case "bool":
                {
                    bool eq = refText == actText;
                    return (eq, eq ? 0 : 1, eq ? 0 : double.PositiveInfinity, eq ? 0 : 1);
                }
            case "float32":
                {
                    float a = ParseFloat32(refText), b = ParseFloat32(actText);
                    bool bitwise = BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));
                    return Finish(a, b, bitwise, UlpDistance32(a, b), tol);
                }
            case "float64":
                {
                    double a = ParseFloat64(refText), b = ParseFloat64(actText);
                    bool bitwise = BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));
                    return Finish(a, b, bitwise, UlpDistance64(a, b), tol);
                }
            default:
                throw new InvalidDataException($"unknown dtype '{dtype}'");
        }
    }

    static (bool, double, double, double) Finish(double a, double b, bool bitwise, double ulp, Tolerance tol)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b))
        {
            // nan meets nan, inf its own sign; anything else is an infinite error
            bool same = (double.IsNaN(a) && double.IsNaN(b)) || (double.IsInfinity(a) && a == b);
            return same ? (true, 0, 0, 0) : (false, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        }
        double abs = Math.Abs(b - a);
        double rel = a == 0 ? (abs == 0 ? 0 : double.PositiveInfinity) : abs / Math.Abs(a);
        bool pass = tol.Exact ? bitwise : abs <= tol.Atol + tol.Rtol * Math.Abs(a);
        return (pass, abs, rel, ulp);
    }

    public static float ParseFloat32(string s) => s switch
    {
        "nan" => float.NaN,
        "inf" => float.PositiveInfinity,
        "-inf" => float.NegativeInfinity,
        _ => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    public static double ParseFloat64(string s) => s switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Number of representable float32 values between a and b (0 for +0 vs -0).</summary>
    public static double UlpDistance32(float a, float b)
    {
        if (float.IsNaN(a) || float.IsNaN(b)) return float.IsNaN(a) && float.IsNaN(b) ? 0 : double.PositiveInfinity;
        static long Ordered(float f)
        {
            int bits = BitConverter.SingleToInt32Bits(f);
            return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
        }
        return Math.Abs((double)(Ordered(a) - Ordered(b)));
    }

    /// <summary>Number of representable float64 values between a and b (0 for +0 vs -0).</summary>
    public static double UlpDistance64(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b) ? 0 : double.PositiveInfinity;
        static Int128 Ordered(double d)
        {
            long bits = BitConverter.DoubleToInt64Bits(d);
            return bits < 0 ? -(Int128)(bits & long.MaxValue) : bits;
        }
        return (double)Int128.Abs(Ordered(a) - Ordered(b));
    }
}

/// <summary>One figure printed in a seed text (parity/published.csv) and how the C# value compares.</summary>
public sealed record PublishedCheck(string Case, string Checkpoint, long Step, string Name, long Index, string Printed, double Tolerance, string? Actual, double Error)
{
    public bool Pass => Actual is not null && Error <= Tolerance;
}

public static class Published
{
    /// <summary>Reads published.csv (comment lines start with '#').</summary>
    public static List<(string Case, string Checkpoint, long Step, string Name, long Index, string Value, double Tolerance)> Load(string path)
    {
        var (header, rows) = CsvFiles.Read(path, commentPrefix: '#');
        int Col(string name) => Array.IndexOf(header, name) is int i and >= 0 ? i : throw new InvalidDataException($"{path}: no column '{name}'");
        int c = Col("case"), cp = Col("checkpoint"), st = Col("step"), n = Col("name"), ix = Col("index"), v = Col("value"), tol = Col("tolerance");
        return rows.Select(r => (r[c], r[cp], long.Parse(r[st], CultureInfo.InvariantCulture), r[n], long.Parse(r[ix], CultureInfo.InvariantCulture),
            r[v], double.Parse(r[tol], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Each published figure of <paramref name="caseName"/> against the C# rows, at its own absolute tolerance.</summary>
    public static List<PublishedCheck> Check(string caseName, IEnumerable<(string Case, string Checkpoint, long Step, string Name, long Index, string Value, double Tolerance)> figures, IReadOnlyList<ParityRow>? csharp)
    {
        var byKey = (csharp ?? []).ToDictionary(r => (r.Checkpoint, r.Step, r.Name, r.Index));
        var checks = new List<PublishedCheck>();
        foreach (var f in figures.Where(f => f.Case == caseName))
        {
            if (!byKey.TryGetValue((f.Checkpoint, f.Step, f.Name, f.Index), out var row))
            {
                checks.Add(new PublishedCheck(f.Case, f.Checkpoint, f.Step, f.Name, f.Index, f.Value, f.Tolerance, null, double.PositiveInfinity));
                continue;
            }
            double printed = double.Parse(f.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            double actual = Diff.ParseFloat64(row.Value);
            double err = double.IsNaN(actual) ? double.PositiveInfinity : Math.Abs(actual - printed);
            checks.Add(new PublishedCheck(f.Case, f.Checkpoint, f.Step, f.Name, f.Index, f.Value, f.Tolerance, row.Value, err));
        }
        return checks;
    }
}

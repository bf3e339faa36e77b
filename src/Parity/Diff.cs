using System.Globalization;

namespace Bridge.Parity;

/// <summary>
/// One recorded tensor (checkpoint, step, name) compared: max abs/rel error and ULP distance over its elements, the first
/// failing index with both texts and their ULP distance, or the <see cref="Problem"/> (missing, extra, dtype, shape).
/// <see cref="Position"/> is where the record first appears in the reference (execution order; extras after all of it).
/// </summary>
public sealed record TensorDiff(string Checkpoint, long Step, string Name, string Dtype, string Shape, int Count,
    double MaxAbs, double MaxRel, double MaxUlp, long FirstMismatch, string? Expected, string? Actual, string? Problem)
{
    /// <summary>
    /// Where the record first appears in the reference (execution order); records only in the candidate come after all
    /// of the reference's.
    /// </summary>
    public int Position { get; init; }
    /// <summary>
    /// The tolerance this record was held to (from <see cref="Tolerances.For"/>); null for records only in the
    /// candidate.
    /// </summary>
    public Tolerance? Tolerance { get; init; }
    /// <summary>How many elements fall outside <see cref="Tolerance"/>.</summary>
    public int FailedElements { get; init; }
    /// <summary>
    /// ULP distance between reference and candidate at <see cref="TensorDiff.FirstMismatch"/> (0 when nothing fails).
    /// </summary>
    public double UlpAtMismatch { get; init; }
    /// <summary>|candidate - reference| at <see cref="TensorDiff.FirstMismatch"/> (0 when nothing fails).</summary>
    public double AbsAtMismatch { get; init; }

    /// <summary>
    /// True when the record exists on both sides with the same dtype and shape and every element is within tolerance.
    /// </summary>
    public bool Pass => Problem is null && FirstMismatch < 0;

    /// <summary>The suite report's name: <c>checkpoint/name</c>, with <c>@step</c> for steps other than 0.</summary>
    public string Key => Step == 0 ? $"{Checkpoint}/{Name}" : $"{Checkpoint}/{Name}@{Step}";

    /// <summary><c>checkpoint/name</c>: a JUnit test case, a report row.</summary>
    public string Label => $"{Checkpoint}/{Name}";

    /// <summary>One line naming step, index, both values and the ULP distance (or the problem), as the Python diff words it.</summary>
    public string Describe()
    {
        string where = $"step {Step}, {Label}";
        if (Problem is not null) return $"{where}: {Problem}";
        return $"{where} index {FirstMismatch}: reference {Expected} vs candidate {Actual} ({Num(UlpAtMismatch)} ulp, |diff| {Num(AbsAtMismatch)}; " +
               $"{FailedElements} of {Count} elements outside {Tolerance})";
    }

    internal static string Num(double x) =>
        double.IsPositiveInfinity(x) ? "inf" : x == Math.Floor(x) && Math.Abs(x) < 1e15 ? ((long)x).ToString(CultureInfo.InvariantCulture) : Three(x);

    /// <summary>Python's <c>f"{x:.3g}"</c>.</summary>
    internal static string Three(double x)
    {
        if (x == 0) return "0";
        if (double.IsPositiveInfinity(x)) return "inf";
        string e = x.ToString("E2", CultureInfo.InvariantCulture);
        int exp = int.Parse(e[(e.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        if (exp < -4 || exp >= 3)
            return e[..e.IndexOf('E')].TrimEnd('0').TrimEnd('.') + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        string f = x.ToString("F" + Math.Max(0, 2 - exp).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return f.Contains('.') ? f.TrimEnd('0').TrimEnd('.') : f;
    }
}

/// <summary>A candidate recording against a reference: every record compared, the verdict and where they first part.</summary>
public sealed record Comparison(string Runtime, List<TensorDiff> Tensors, string? Error = null)
{
    /// <summary>True when nothing failed: no <see cref="Error"/> and every record passes.</summary>
    public bool Pass => Error is null && Tensors.All(t => t.Pass);
    /// <summary>
    /// Largest |candidate - reference| over every record (infinite when a record is unusable); 0 with no records.
    /// </summary>
    public double WorstAbs => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxAbs);
    /// <summary>
    /// Largest relative error |candidate - reference| / |reference| over every record; 0 with no records.
    /// </summary>
    public double WorstRel => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxRel);
    /// <summary>Largest ULP distance over every record; 0 with no records.</summary>
    public double WorstUlp => Tensors.Count == 0 ? 0 : Tensors.Max(t => t.MaxUlp);
    /// <summary>How many records fail (out of tolerance, or missing, extra, of another dtype or shape).</summary>
    public int Failed => Tensors.Count(t => !t.Pass);

    /// <summary>The failing record with the earliest step and, within it, the earliest place in the reference (forward order for outputs, backward order for gradients).</summary>
    public TensorDiff? FirstDivergence => Tensors.Where(t => !t.Pass).OrderBy(t => t.Step).ThenBy(t => t.Position).FirstOrDefault();

    /// <summary>Records grouped by <c>checkpoint/name</c> in order of first appearance, each group in step order.</summary>
    public List<(string Label, List<TensorDiff> Records)> ByLabel() =>
        Tensors.OrderBy(t => t.Position).GroupBy(t => t.Label).Select(g => (g.Key, g.OrderBy(t => t.Step).ToList())).ToList();
}

/// <summary>
/// Element-wise comparison: nan meets nan, inf its own sign, int64/bool exact, missing/extra records and dtype/shape
/// differences fail. The C# twin of python/bridge/parity/diff.py (tests/parity-fixtures hold both to the same verdicts).
/// </summary>
public static class Diff
{
    /// <summary>
    /// Compares every record of <paramref name="actual"/> against <paramref name="reference"/> with one tolerance for
    /// all.
    /// </summary>
    /// <param name="runtime">The candidate's runtime name, carried into the result.</param>
    /// <param name="reference">Rows of the reference run (e.g. from <see cref="ParityCsv.Read"/>).</param>
    /// <param name="actual">Rows of the candidate run.</param>
    /// <param name="tol">The tolerance every element is held to.</param>
    public static Comparison Compare(string runtime, IReadOnlyList<ParityRow> reference, IReadOnlyList<ParityRow> actual, Tolerance tol) =>
        Compare(runtime, reference, actual, new Tolerances(tol));

    /// <summary>
    /// Compares every record of <paramref name="actual"/> against <paramref name="reference"/>, element by element, in
    /// the reference's order; records missing from either side, or with another dtype or shape, fail without comparing
    /// values.
    /// </summary>
    /// <param name="runtime">The candidate's runtime name, carried into the result.</param>
    /// <param name="reference">Rows of the reference run (e.g. from <see cref="ParityCsv.Read"/>).</param>
    /// <param name="actual">Rows of the candidate run.</param>
    /// <param name="tolerances">The default tolerance and per-name rules.</param>
    /// <exception cref="InvalidDataException">A row's dtype is not one of <see cref="ParityRow.Dtypes"/>.</exception>
    public static Comparison Compare(string runtime, IReadOnlyList<ParityRow> reference, IReadOnlyList<ParityRow> actual, Tolerances tolerances)
    {
        var refGroups = Group(reference);
        var actGroups = Group(actual);
        var result = new List<TensorDiff>();
        int position = 0;
        foreach (var (key, refRows) in refGroups)
        {
            var first = refRows[0];
            var tol = tolerances.For(key.Checkpoint, key.Name);
            result.Add(actGroups.TryGetValue(key, out var actRows)
                ? CompareTensor(key, refRows, actRows, tol) with { Position = position, Tolerance = tol }
                : Unusable(key, first.Dtype, first.Shape, refRows.Count, "missing in the candidate") with { Position = position, Tolerance = tol });
            position++;
        }
        foreach (var (key, actRows) in actGroups)
        {
            if (!refGroups.ContainsKey(key))
                result.Add(Unusable(key, actRows[0].Dtype, actRows[0].Shape, actRows.Count, "extra in the candidate (not in the reference)") with { Position = position });
            position++;
        }
        return new Comparison(runtime, result);
    }

    /// <summary>True when the two share at least one (checkpoint, step, name): otherwise there is nothing to compare.</summary>
    public static bool HaveCommonRecords(IReadOnlyList<ParityRow> reference, IReadOnlyList<ParityRow> actual)
    {
        var keys = reference.Select(r => (r.Checkpoint, r.Step, r.Name)).ToHashSet();
        return actual.Any(r => keys.Contains((r.Checkpoint, r.Step, r.Name)));
    }

    static TensorDiff Unusable((string Checkpoint, long Step, string Name) key, string dtype, string shape, int count, string problem) =>
        new(key.Checkpoint, key.Step, key.Name, dtype, shape, count, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 0, null, null, problem);

    // Insertion-ordered, so the reference's record order (execution order) survives grouping.
    static OrderedDictionary<(string Checkpoint, long Step, string Name), List<ParityRow>> Group(IReadOnlyList<ParityRow> rows)
    {
        var groups = new OrderedDictionary<(string, long, string), List<ParityRow>>();
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
        if (a0.Dtype != r0.Dtype) return Unusable(key, r0.Dtype, r0.Shape, refRows.Count, $"dtype {a0.Dtype} in the candidate, {r0.Dtype} in the reference");
        if (a0.Shape != r0.Shape) return Unusable(key, r0.Dtype, r0.Shape, refRows.Count, $"shape [{a0.Shape}] in the candidate, [{r0.Shape}] in the reference");
        if (actRows.Count != refRows.Count || actRows.Where((r, i) => r.Index != refRows[i].Index).Any())
            return Unusable(key, r0.Dtype, r0.Shape, refRows.Count, $"{actRows.Count} elements in the candidate, {refRows.Count} in the reference");

        double maxAbs = 0, maxRel = 0, maxUlp = 0, ulpAt = 0, absAt = 0;
        long firstMismatch = -1;
        int failed = 0;
        string? expected = null, actual = null;
        for (int i = 0; i < refRows.Count; i++)
        {
            var (pass, abs, rel, ulp) = CompareValue(r0.Dtype, refRows[i].Value, actRows[i].Value, tol);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            maxUlp = Math.Max(maxUlp, ulp);
            if (pass) continue;
            failed++;
            if (firstMismatch >= 0) continue;
            firstMismatch = refRows[i].Index;
            expected = refRows[i].Value;
            actual = actRows[i].Value;
            ulpAt = ulp;
            absAt = abs;
        }
        return new TensorDiff(key.Checkpoint, key.Step, key.Name, r0.Dtype, r0.Shape, refRows.Count, maxAbs, maxRel, maxUlp, firstMismatch, expected, actual, null)
        { FailedElements = failed, UlpAtMismatch = ulpAt, AbsAtMismatch = absAt };
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
                    float a = ValueText.ParseFloat32(refText), b = ValueText.ParseFloat32(actText);
                    bool bitwise = BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));
                    return Finish(a, b, bitwise, UlpDistance32(a, b), tol);
                }
            case "float64":
                {
                    double a = ValueText.ParseFloat64(refText), b = ValueText.ParseFloat64(actText);
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
            return same ? (true, 0, 0, 0) : (false, double.PositiveInfinity, double.PositiveInfinity, ulp);
        }
        double abs = Math.Abs(b - a);
        double rel = a == 0 ? (abs == 0 ? 0 : double.PositiveInfinity) : abs / Math.Abs(a);
        bool pass = tol.Exact ? bitwise : abs <= tol.Atol + tol.Rtol * Math.Abs(a);
        return (pass, abs, rel, ulp);
    }

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

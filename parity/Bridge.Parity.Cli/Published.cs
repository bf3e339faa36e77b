using System.Globalization;

namespace Bridge.Parity;

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
            double actual = ValueText.ParseFloat64(row.Value);
            double err = double.IsNaN(actual) ? double.PositiveInfinity : Math.Abs(actual - printed);
            checks.Add(new PublishedCheck(f.Case, f.Checkpoint, f.Step, f.Name, f.Index, f.Value, f.Tolerance, row.Value, err));
        }
        return checks;
    }
}

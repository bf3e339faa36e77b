using System.Globalization;

namespace Bridge.Parity;

/// <summary>
/// <c>diff REF.csv CAND.csv [--rtol R] [--atol A] [--exact] [--tolerances FILE] [--junit F] [--html F] [--markdown F] [--quiet]</c>:
/// the same command, options and exit codes as Python's <c>bridge-parity diff</c>: 0 agree, 1 differ, 2 unusable input
/// (missing file, another schema, nothing in common, bad options), always a message and never a stack trace.
/// </summary>
public static class DiffCommand
{
    /// <summary>The exit codes: 0 the runs agree, 1 they differ, 2 the input cannot be compared.</summary>
    public const int Agree = 0, Differ = 1, Unusable = 2;

    /// <summary>The one-line usage text printed for bad options.</summary>
    public const string Usage = "usage: diff REF.csv CAND.csv [--rtol R] [--atol A] [--exact] [--tolerances FILE] [--junit FILE] [--html FILE] [--markdown FILE] [--quiet]";

    /// <summary>
    /// Runs the diff command with <paramref name="args"/> (without the program name) and returns its exit code (<see
    /// cref="Agree"/>, <see cref="Differ"/> or <see cref="Unusable"/>); errors are written to <paramref name="stderr"/>
    /// as one message, never thrown.
    /// </summary>
    /// <param name="args">The command line after the program name.</param>
    /// <param name="stdout">Where the verdict goes; default <see cref="Console.Out"/>.</param>
    /// <param name="stderr">Where error messages go; default <see cref="Console.Error"/>.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        try
        {
            return RunOrThrow(args, stdout);
        }
        catch (ParityInputException e)
        {
            stderr.WriteLine($"bridge-parity: unusable input: {e.Message}");
            return Unusable;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a bug of ours must still not look like a verdict, nor a stack trace in a CI log
            stderr.WriteLine($"bridge-parity: internal error ({e.GetType().Name}: {e.Message}); please report it");
            return Unusable;
        }
    }

    static int RunOrThrow(IReadOnlyList<string> args, TextWriter stdout)
    {
        var files = new List<string>();
        double rtol = Tolerance.Default.Rtol, atol = Tolerance.Default.Atol;
        bool exact = false, quiet = false;
        string? tolerancesPath = null, junit = null, html = null, markdown = null;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ParityInputException($"{args[i]} needs a value\n{Usage}");
            double Number(string option)
            {
                string text = Next();
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0
                    ? v : throw new ParityInputException($"{option} must be a number >= 0 (got '{text}')");
            }
            switch (args[i])
            {
                case "--rtol": rtol = Number("--rtol"); break;
                case "--atol": atol = Number("--atol"); break;
                case "--exact": exact = true; break;
                case "--quiet": quiet = true; break;
                case "--tolerances": tolerancesPath = Next(); break;
                case "--junit": junit = Next(); break;
                case "--html": html = Next(); break;
                case "--markdown": markdown = Next(); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ParityInputException($"unknown option '{args[i]}'\n{Usage}");
                    files.Add(args[i]);
                    break;
            }
        }
        if (files.Count != 2) throw new ParityInputException($"need REF.csv and CAND.csv, got {files.Count} file(s)\n{Usage}");
        var tolerances = new Tolerances(exact ? new Tolerance(true, 0, 0, "exact") : new Tolerance(false, rtol, atol),
            tolerancesPath is null ? null : Tolerances.ReadRules(tolerancesPath));
        var reference = ParityCsv.Read(files[0]);
        var candidate = ParityCsv.Read(files[1]);
        if (!Diff.HaveCommonRecords(reference, candidate))
            throw new ParityInputException($"nothing in common: {files[0]} and {files[1]} share no (checkpoint, step, name) record; reference has e.g. {Examples(reference)}, candidate {Examples(candidate)}");
        var report = new DiffReport(Diff.Compare("candidate", reference, candidate, tolerances), files[0], files[1], tolerances);
        foreach (var (path, write) in new (string?, Action<string>)[] { (junit, report.WriteJUnit), (html, report.WriteHtml), (markdown, report.WriteMarkdown) })
        {
            if (path is null) continue;
            try
            {
                write(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ParityInputException($"{path}: cannot write ({e.Message})");
            }
        }
        stdout.WriteLine(quiet ? report.Verdict() : report.TextSummary());
        return report.Comparison.Pass ? Agree : Differ;
    }

    static string Examples(List<ParityRow> rows)
    {
        var keys = rows.Select(r => $"{r.Checkpoint}/{r.Name}@{r.Step}").Distinct().Take(3).ToList();
        return keys.Count > 0 ? string.Join(", ", keys) : "(no records)";
    }
}

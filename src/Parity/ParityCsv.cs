using System.Globalization;
using CsvHelper;

namespace Bridge.Parity;

/// <summary>One CSV row of the parity schema (parity/README.md; python/bridge/parity/schema.py writes the same).</summary>
public sealed record ParityRow(string Case, string Checkpoint, long Step, string Name, string Dtype, string Shape, long Index, string Value, string Runtime, string Version)
{
    /// <summary><c>case,checkpoint,step,name,dtype,shape,index,value,runtime,version</c>, exactly.</summary>
    public static readonly string[] Header = ["case", "checkpoint", "step", "name", "dtype", "shape", "index", "value", "runtime", "version"];

    /// <summary>The dtypes the schema holds.</summary>
    public static readonly string[] Dtypes = ["float32", "float64", "int64", "bool"];

    /// <summary>
    /// The row's ten fields in <see cref="Header"/> order, as written to the CSV (numbers in invariant culture).
    /// </summary>
    public string[] Fields() =>
        [Case, Checkpoint, Step.ToString(CultureInfo.InvariantCulture), Name, Dtype, Shape, Index.ToString(CultureInfo.InvariantCulture), Value, Runtime, Version];
}

/// <summary>A file the diff cannot compare (missing, another schema, a malformed row): exit code 2, never a crash.</summary>
public sealed class ParityInputException(string message) : Exception(message);

/// <summary>CSV files through CsvHelper: header-checked tables of strings.</summary>
public static class CsvFiles
{
    /// <summary>Writes a header and rows with "\n" line ends, no BOM (the layout Python's csv module writes).</summary>
    public static void Write(string path, string[] header, IEnumerable<string[]> rows)
    {
        using var csv = CsvWriter.ToFile(path, new CsvWriterOptions { NewLine = "\n" });
        csv.WriteHeader(header);
        foreach (var row in rows) csv.WriteRecord(row);
    }

    /// <summary>Reads a file with a header (lines starting with <paramref name="commentPrefix"/> skipped) as header → rows.</summary>
    public static (string[] Header, List<string[]> Rows) Read(string path, char? commentPrefix = null)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, CommentPrefix = commentPrefix });
        var rows = new List<string[]>();
        csv.ReadHeader();
        string[] header = [.. csv.Headers];
        while (csv.Read())
        {
            var row = new string[csv.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = csv.GetString(i);
            rows.Add(row);
        }
        return (header, rows);
    }
}

/// <summary>Reading and writing parity CSVs, with every check the diff relies on.</summary>
public static class ParityCsv
{
    /// <summary>
    /// Writes <paramref name="rows"/> to <paramref name="path"/> under <see cref="ParityRow.Header"/>, with "\n" line
    /// ends and no BOM.
    /// </summary>
    public static void Write(string path, IEnumerable<ParityRow> rows) => CsvFiles.Write(path, ParityRow.Header, rows.Select(r => r.Fields()));

    /// <summary>
    /// Parses and checks a parity CSV: the exact header, ten fields a row, integer step/index, a known dtype, values that
    /// parse in it, each record's indices 0..n-1 in order and as many as its shape holds. Anything else is a
    /// <see cref="ParityInputException"/> naming the file and line.
    /// </summary>
    public static List<ParityRow> Read(string path)
    {
        if (!File.Exists(path)) throw new ParityInputException($"{path}: no such file");
        string[] header;
        List<string[]> raw;
        try
        {
            (header, raw) = CsvFiles.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException or CsvValidationException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new ParityInputException($"{path}: cannot read as CSV ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (header.Length == 0) throw new ParityInputException($"{path}: empty file (expected the header {string.Join(",", ParityRow.Header)})");
        if (!header.SequenceEqual(ParityRow.Header))
            throw new ParityInputException($"{path}: schema mismatch: header is '{string.Join(",", header)}', expected '{string.Join(",", ParityRow.Header)}'");
        var rows = new List<ParityRow>(raw.Count);
        var next = new Dictionary<(string, long, string), (long Count, string Dtype, string Shape)>();
        for (int i = 0; i < raw.Count; i++)
        {
            var f = raw[i];
            int line = i + 2;
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != ParityRow.Header.Length) throw new ParityInputException($"{path}:{line}: {f.Length} fields, the schema has {ParityRow.Header.Length}");
            if (!long.TryParse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long step) ||
                !long.TryParse(f[6], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long index))
                throw new ParityInputException($"{path}:{line}: step '{f[2]}' and index '{f[6]}' must be integers");
            if (!ParityRow.Dtypes.Contains(f[4])) throw new ParityInputException($"{path}:{line}: dtype '{f[4]}' is not one of {string.Join(", ", ParityRow.Dtypes)}");
            if (!ValueParses(f[4], f[7])) throw new ParityInputException($"{path}:{line}: value '{f[7]}' is not a {f[4]}");
            var key = (f[1], step, f[3]);
            if (next.TryGetValue(key, out var seen) && (seen.Dtype != f[4] || seen.Shape != f[5]))
                throw new ParityInputException($"{path}:{line}: {f[1]}/{f[3]}@{step} changes dtype/shape within the record");
            long expected = next.TryGetValue(key, out seen) ? seen.Count : 0;
            if (index != expected)
                throw new ParityInputException($"{path}:{line}: {f[1]}/{f[3]}@{step} index {index}, expected {expected} (a record's rows come in index order, each index once)");
            next[key] = (expected + 1, f[4], f[5]);
            rows.Add(new ParityRow(f[0], f[1], step, f[3], f[4], f[5], index, f[7], f[8], f[9]));
        }
        foreach (var ((checkpoint, step, name), (count, _, shape)) in next)
        {
            long size = 1;
            foreach (var d in shape.Length == 0 ? [] : shape.Split('x'))
            {
                if (!long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    throw new ParityInputException($"{path}: {checkpoint}/{name}@{step} has shape '{shape}' (dims joined by x)");
                size *= n;
            }
            if (size != count) throw new ParityInputException($"{path}: {checkpoint}/{name}@{step} has {count} values for shape [{shape}]");
        }
        return rows;
    }

    static bool ValueParses(string dtype, string text) => dtype switch
    {
        "bool" => text is "0" or "1",
        "int64" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => text is "nan" or "inf" or "-inf" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
    };
}

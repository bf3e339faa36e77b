using System.Globalization;
using System.Reflection;
using CsvHelper;

namespace Bridge.Parity;

/// <summary>One CSV row of the parity schema (see parity/README.md).</summary>
public sealed record ParityRow(string Case, string Checkpoint, long Step, string Name, string Dtype, string Shape, long Index, string Value, string Runtime, string Version)
{
    /// <summary><c>case,checkpoint,step,name,dtype,shape,index,value,runtime,version</c>, exactly.</summary>
    public static readonly string[] Header = ["case", "checkpoint", "step", "name", "dtype", "shape", "index", "value", "runtime", "version"];

    public string[] Fields() =>
        [Case, Checkpoint, Step.ToString(CultureInfo.InvariantCulture), Name, Dtype, Shape, Index.ToString(CultureInfo.InvariantCulture), Value, Runtime, Version];
}

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

/// <summary>
/// The C# twin of parity/recorder.py: <c>rec.Record(checkpoint, name, value, step)</c> for every value a case
/// compares, one row per element, values as the shortest text that round-trips in their own dtype, spelled as
/// Python spells them (numpy's float32 str, float64 repr, <c>nan</c>/<c>inf</c>/<c>-inf</c>, bools 1/0).
/// </summary>
public sealed class Recorder(string caseName)
{
    public const string Runtime = "csharp";

    /// <summary>Bridge's assembly version, the runtime's version string.</summary>
    public static string Version { get; } = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "unknown";

    readonly List<ParityRow> _rows = [];
    readonly HashSet<(string, long, string)> _seen = [];

    public string Case => caseName;
    public int Count => _rows.Count;
    public IReadOnlyList<ParityRow> Rows => _rows;

    /// <summary>When set (<c>--show</c>), every recorded value is also printed, tensors in torch's format.</summary>
    public static bool Echo { get; set; }

    public void Record(string checkpoint, string name, Tensor value, long step = 0)
    {
        var t = value.Detach();
        if (Echo) Console.WriteLine($"  {checkpoint}{(step != 0 ? $"[{step}]" : "")} {name} = {t.ToString().Replace("\n", "\n      ")}");
        string[] texts = t.DType switch
        {
            DType.Float32 => t.ToArray<float>().Select(FormatFloat32).ToArray(),
            DType.Float64 => t.ToArray<double>().Select(FormatFloat64).ToArray(),
            DType.Int64 => t.ToArray<long>().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
            DType.Bool => t.ToArray<byte>().Select(v => v != 0 ? "1" : "0").ToArray(),
            _ => throw new ArgumentException($"unsupported dtype for recording: {t.DType}"),
        };
        Add(checkpoint, name, step, t.DType.ShortName(), t.Shape.ToArray(), texts);
    }

    public void Record(string checkpoint, string name, double value, long step = 0) => Record(checkpoint, name, Torch.Tensor(value, DType.Float64), step);

    public void Record(string checkpoint, string name, long value, long step = 0) => Add(checkpoint, name, step, "int64", [], [value.ToString(CultureInfo.InvariantCulture)]);
    public void Record(string checkpoint, string name, bool value, long step = 0) => Add(checkpoint, name, step, "bool", [], [value ? "1" : "0"]);

    /// <summary>A NumPy-style array (the numpy interop case): recorded with its own dtype and shape.</summary>
    public void Record(string checkpoint, string name, NdArray value, long step = 0) => Record(checkpoint, name, value.AsTensor(), step);

    void Add(string checkpoint, string name, long step, string dtype, int[] shape, string[] values)
    {
        if (!_seen.Add((checkpoint, step, name))) throw new ArgumentException($"duplicate record ({checkpoint}, {step}, {name}) in case {caseName}");
        if (values.Length != shape.Aggregate(1, (a, b) => a * b)) throw new ArgumentException($"{checkpoint}/{name}: {values.Length} values for shape {string.Join("x", shape)}");
        string shapeText = string.Join("x", shape);
        for (int i = 0; i < values.Length; i++)
            _rows.Add(new ParityRow(caseName, checkpoint, step, name, dtype, shapeText, i, values[i], Runtime, Version));
    }

    public void Write(string path) => WriteRows(path, _rows);

    public static void WriteRows(string path, IEnumerable<ParityRow> rows) => CsvFiles.Write(path, ParityRow.Header, rows.Select(r => r.Fields()));

    public static List<ParityRow> ReadRows(string path)
    {
        var (header, rows) = CsvFiles.Read(path);
        if (header.Length > 0 && !header.SequenceEqual(ParityRow.Header))
            throw new InvalidDataException($"{path}: header is '{string.Join(",", header)}', expected '{string.Join(",", ParityRow.Header)}'");
        return rows.Select(f => new ParityRow(f[0], f[1], long.Parse(f[2], CultureInfo.InvariantCulture), f[3], f[4], f[5],
            long.Parse(f[6], CultureInfo.InvariantCulture), f[7], f[8], f[9])).ToList();
    }

    // ----- value text -----

    /// <summary>numpy's <c>str(np.float32(v))</c>: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16.</summary>
    public static string FormatFloat32(float v) =>
        float.IsNaN(v) ? "nan" : float.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
        : PythonSpelling(v.ToString("R", CultureInfo.InvariantCulture), float.IsNegative(v));

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16.</summary>
    public static string FormatFloat64(double v) =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
        : PythonSpelling(v.ToString("R", CultureInfo.InvariantCulture), double.IsNegative(v));

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

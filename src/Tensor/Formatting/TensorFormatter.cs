using System.Globalization;
using System.Text;

namespace Bridge.Formatting;

/// <summary>
/// torch's printing (torch/_tensor_str.py, default print options: precision 4, line width 80,
/// summarising past 1000 elements with 3 edge items), so printouts can be compared with torch's.
/// </summary>
internal static class TensorFormatter
{
    const int Precision = 4, LineWidth = 80, Threshold = 1000, EdgeItems = 3;

    public static string Format(Tensor t)
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (t.Numel() == 0)
        {
            body = "[]";
            if (t.Dim() != 1) suffixes.Add("size=(" + string.Join(", ", t.Shape64) + (t.Dim() == 1 ? ",)" : ")"));
        }
        else
        {
            bool summarize = t.Numel() > Threshold;
            var formatter = new ElementFormatter(t.DType, Summarized(t, summarize));
            body = Render(t.Detach(), indent, summarize, formatter);
        }
        bool defaultDType = t.DType is DType.Float32 or DType.Int64 or DType.Bool;
        if (!defaultDType) suffixes.Add("dtype=" + t.DType.TorchName());
        if (t.GradFn is not null) suffixes.Add($"grad_fn=<{t.GradFn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent);
    }

    static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    static IEnumerable<double> Summarized(Tensor t, bool summarize)
    {
        if (t.Dim() == 0 || !summarize) return t.ToDoubleArray();
        long n = t.Shape64[0];
        var rows = n > 2 * EdgeItems ? Positions(0, EdgeItems).Concat(Positions(n - EdgeItems, EdgeItems)) : Positions(0, n);
        return t.Dim() == 1
            ? rows.Select(i => t.Detach().Select(0, i).Item())
            : rows.SelectMany(i => Summarized(t.Detach().Select(0, i), summarize));
    }

    // Positions along a dim in 64 bits: a summarised tensor's first dim may pass int.MaxValue.
    static IEnumerable<long> Positions(long start, long count)
    {
        for (long i = start; i < start + count; i++) yield return i;
    }

    static string Render(Tensor t, int indent, bool summarize, ElementFormatter f)
    {
        if (t.Dim() == 0) return f.Format(t.Item());
        long n = t.Shape64[0];
        bool cut = summarize && n > 2 * EdgeItems;
        var indices = cut ? Positions(0, EdgeItems).Append(-1).Concat(Positions(n - EdgeItems, EdgeItems)) : Positions(0, n);
        if (t.Dim() == 1)
        {
            var items = indices.Select(i => i < 0 ? " ..." : f.Format(t.Select(0, i).Item())).ToList();
            int perLine = Math.Max(1, (LineWidth - indent) / (f.Width + 2));
            var lines = items.Chunk(perLine).Select(chunk => string.Join(", ", chunk));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        var slices = indices.Select(i => i < 0 ? "..." : Render(t.Select(0, i), indent + 1, summarize, f));
        return "[" + string.Join("," + new string('\n', t.Dim() - 1) + new string(' ', indent + 1), slices) + "]";
    }

    /// <summary>Chooses integer, fixed or scientific notation and a common width, as torch's _Formatter does.</summary>
    sealed class ElementFormatter
    {
        readonly bool _floating, _intMode = true, _sciMode;
        public int Width { get; } = 1;

        public ElementFormatter(DType dtype, IEnumerable<double> values)
        {
            _floating = dtype.IsFloatingPoint();
            if (!_floating)
            {
                foreach (var v in values) Width = Math.Max(Width, FormatInteger(dtype, v).Length);
                _dtype = dtype;
                return;
            }
            var finite = values.Where(v => double.IsFinite(v) && v != 0).ToList();
            if (finite.Count == 0) return;
            double min = finite.Min(Math.Abs), max = finite.Max(Math.Abs);
            _intMode = finite.All(v => v == Math.Ceiling(v));
            _sciMode = max / min > 1000.0 || max > 1e8 || (!_intMode && min < 1e-4);
            foreach (var v in finite)
                Width = Math.Max(Width, _sciMode ? Scientific(v).Length : _intMode ? Fixed(v, 0).Length + 1 : Fixed(v, Precision).Length);
        }

        readonly DType _dtype;

        public string Format(double value)
        {
            string text = !_floating ? FormatInteger(_dtype, value)
                : _sciMode ? Scientific(value)
                : _intMode ? Fixed(value, 0) + (double.IsFinite(value) ? "." : "")
                : Fixed(value, Precision);
            return text.PadLeft(Width);
        }

        static string FormatInteger(DType dtype, double v) => dtype == DType.Bool ? (v != 0 ? "True" : "False") : ((long)v).ToString(CultureInfo.InvariantCulture);
    }

    static string Fixed(double v, int decimals) =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf") : v.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Python's <c>{:.4e}</c>: <c>1.2346e+08</c>.</summary>
    static string Scientific(double v)
    {
        if (!double.IsFinite(v)) return Fixed(v, 0);
        string s = v.ToString("E" + Precision, CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        int exponent = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
        return s[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }
}

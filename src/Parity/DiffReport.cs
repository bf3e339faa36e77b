using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Bridge.Parity;

/// <summary>
/// What a diff tells people, worded as python/bridge/parity/report.py words it: the verdict line, a JUnit file (one test
/// case per record name, a failure naming step, index, both values and the ULP distance), Markdown and HTML pages
/// (verdict, first divergence, per-name error against step as SVG with the first divergent name in red).
/// </summary>
public sealed class DiffReport(Comparison comparison, string referencePath, string candidatePath, Tolerances tolerances)
{
    const int MaxListedSteps = 20;
    /// <summary>The comparison this report describes.</summary>
    public Comparison Comparison { get; } = comparison;

    /// <summary>
    /// The verdict line: <c>AGREE: …</c> with counts and tolerance, or <c>DIFFER: …</c> naming the first divergence.
    /// </summary>
    public string Verdict()
    {
        var labels = Comparison.ByLabel();
        if (Comparison.Pass)
            return $"AGREE: {labels.Count} names, {Comparison.Tensors.Count} records ({Comparison.Tensors.Sum(t => t.Count)} values) within {tolerances.Default}" +
                   (tolerances.Rules.Count > 0 ? " (and per-name tolerances)" : "");
        int bad = labels.Count(l => l.Records.Any(r => !r.Pass));
        return $"DIFFER: {bad} of {labels.Count} names disagree; first divergence at {Comparison.FirstDivergence!.Describe()}";
    }

    /// <summary>The verdict in a few words, for a report's banner.</summary>
    public string Headline()
    {
        var labels = Comparison.ByLabel();
        if (Comparison.Pass) return $"AGREE: all {labels.Count} names within tolerance";
        var first = Comparison.FirstDivergence!;
        return $"DIFFER: {labels.Count(l => l.Records.Any(r => !r.Pass))} of {labels.Count} names disagree, first at step {first.Step}, {first.Label}";
    }

    /// <summary>Says so when the runs cover different steps (a run that stopped early); null when they do not.</summary>
    public string? LengthNote()
    {
        var a = Comparison.Tensors.Where(t => !(t.Problem?.StartsWith("extra", StringComparison.Ordinal) ?? false)).Select(t => t.Step).Distinct().Order().ToList();
        var b = Comparison.Tensors.Where(t => !(t.Problem?.StartsWith("missing", StringComparison.Ordinal) ?? false)).Select(t => t.Step).Distinct().Order().ToList();
        return a.SequenceEqual(b) ? null : $"the reference covers steps {Span(a)}, the candidate steps {Span(b)}";

        static string Span(List<long> steps) => steps.Count == 0 ? "none" : steps.Count == 1 ? $"{steps[0]}" : $"{steps[0]}..{steps[^1]} ({steps.Count})";
    }

    /// <summary>
    /// The verdict, a note when the runs cover different steps, and one line per failing name (at most <paramref
    /// name="limit"/>).
    /// </summary>
    public string TextSummary(int limit = 10)
    {
        var sb = new StringBuilder(Verdict());
        if (LengthNote() is string note) sb.Append("\nnote: ").Append(note);
        foreach (var (label, records) in Comparison.ByLabel().Where(l => l.Records.Any(r => !r.Pass)).Take(limit))
        {
            var bad = records.Where(r => !r.Pass).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"\n  FAIL {label}: {bad.Count} of {records.Count} steps; first: {bad.MinBy(r => r.Step)!.Describe()}");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Writes a JUnit XML file to <paramref name="path"/>: one test case per record name, a failure naming step, index,
    /// both values and the ULP distance.
    /// </summary>
    public void WriteJUnit(string path)
    {
        var labels = Comparison.ByLabel();
        int failures = labels.Count(l => l.Records.Any(r => !r.Pass));
        var suite = new XElement("testsuite", new XAttribute("name", "bridge-parity"), new XAttribute("tests", labels.Count),
            new XAttribute("failures", failures), new XAttribute("errors", 0), new XAttribute("skipped", 0),
            new XElement("properties",
                Property("reference", referencePath), Property("candidate", candidatePath), Property("tolerance", tolerances.Default.ToString())));
        foreach (var (label, records) in labels)
        {
            int slash = label.IndexOf('/');
            var testcase = new XElement("testcase", new XAttribute("classname", "parity." + label[..slash]), new XAttribute("name", label[(slash + 1)..]));
            var bad = records.Where(r => !r.Pass).ToList();
            if (bad.Count > 0)
            {
                var first = bad.MinBy(r => r.Step)!;
                var lines = new List<string> { $"{bad.Count} of {records.Count} steps fail ({first.Tolerance?.ToString() ?? "n/a"}):" };
                lines.AddRange(bad.Take(MaxListedSteps).Select(r => r.Describe()));
                if (bad.Count > MaxListedSteps) lines.Add($"... and {bad.Count - MaxListedSteps} more steps");
                testcase.Add(new XElement("failure", new XAttribute("type", first.Problem is null ? "mismatch" : first.Problem.Split(' ')[0]),
                    new XAttribute("message", first.Describe()), string.Join("\n", lines)));
            }
            suite.Add(testcase);
        }
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("tests", labels.Count), new XAttribute("failures", failures), suite));
        SaveXml(doc, path);
    }

    /// <summary>Indented UTF-8 without a byte-order mark, as CI JUnit readers expect.</summary>
    public static void SaveXml(XDocument doc, string path)
    {
        using var writer = System.Xml.XmlWriter.Create(path, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true });
        doc.Save(writer);
    }

    static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    // ----- Markdown / HTML -----

    static readonly string[] Head = ["name", "steps", "result", "failing steps", "first failing step", "max abs error", "max ulp", "tolerance"];

    List<string[]> TableRows() => Comparison.ByLabel().Select(l =>
    {
        var bad = l.Records.Where(r => !r.Pass).ToList();
        return new[]
        {
            l.Label, l.Records.Count.ToString(CultureInfo.InvariantCulture), bad.Count > 0 ? "FAIL" : "ok", bad.Count.ToString(CultureInfo.InvariantCulture),
            bad.Count > 0 ? bad.Min(r => r.Step).ToString(CultureInfo.InvariantCulture) : "", Short(l.Records.Max(r => r.MaxAbs)),
            Short(l.Records.Max(r => r.MaxUlp)), l.Records[0].Tolerance?.ToString() ?? "n/a",
        };
    }).ToList();

    static string Short(double x) => double.IsPositiveInfinity(x) ? "inf" : x == 0 ? "0" : TensorDiff.Three(x);

    /// <summary>
    /// Writes a Markdown report to <paramref name="path"/> (verdict, first divergence, per-name table) and the error
    /// plot beside it as <c>NAME.svg</c>.
    /// </summary>
    public void WriteMarkdown(string path)
    {
        string svgName = System.IO.Path.GetFileNameWithoutExtension(path) + ".svg";
        File.WriteAllText(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, svgName), ErrorSvg());
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Parity: {Headline()}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- reference: `{referencePath}`\n- candidate: `{candidatePath}`\n");
        if (LengthNote() is string note) md.Append(CultureInfo.InvariantCulture, $"- note: {note}\n");
        md.Append('\n');
        if (Comparison.FirstDivergence is { } r)
        {
            md.Append(CultureInfo.InvariantCulture, $"## First divergence\n\nStep **{r.Step}**, `{r.Label}` (dtype {r.Dtype}, shape [{r.Shape}])\n\n");
            md.Append(r.Problem is not null ? $"- {r.Problem}\n\n"
                : $"- index {r.FirstMismatch}: reference `{r.Expected}`, candidate `{r.Actual}`, {Short(r.UlpAtMismatch)} ulp apart\n" +
                  $"- {r.FailedElements} of {r.Count} elements outside `{r.Tolerance}`; max abs error {Short(r.MaxAbs)}, max rel error {Short(r.MaxRel)}\n\n");
        }
        md.Append(CultureInfo.InvariantCulture, $"## Error per name and step\n\n![per-layer error against step]({svgName})\n\n| {string.Join(" | ", Head)} |\n|{string.Concat(Enumerable.Repeat("---|", Head.Length))}\n");
        foreach (var row in TableRows())
        {
            row[0] = row[2] == "ok" ? $"`{row[0]}`" : $"**`{row[0]}`**";
            md.Append(CultureInfo.InvariantCulture, $"| {string.Join(" | ", row)} |\n");
        }
        File.WriteAllText(path, md.ToString());
    }

    /// <summary>
    /// Writes a self-contained HTML report to <paramref name="path"/>: verdict, first divergence, the error plot inline
    /// and the per-name table.
    /// </summary>
    public void WriteHtml(string path)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var first = Comparison.FirstDivergence;
        var h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.Append(CultureInfo.InvariantCulture, $"<title>Parity: {(Comparison.Pass ? "AGREE" : "DIFFER")}</title><style>{Css}</style></head><body>\n");
        h.Append(CultureInfo.InvariantCulture, $"<div id=\"verdict\" class=\"verdict {(Comparison.Pass ? "agree" : "differ")}\">{E(Headline())}</div>\n");
        h.Append(CultureInfo.InvariantCulture, $"<ul><li>reference: {E(referencePath)}</li><li>candidate: {E(candidatePath)}</li>");
        if (LengthNote() is string note) h.Append(CultureInfo.InvariantCulture, $"<li>note: {E(note)}</li>");
        h.Append("</ul>\n");
        if (first is not null)
        {
            h.Append(CultureInfo.InvariantCulture, $"<div id=\"first-divergence\" class=\"first\"><h2>First divergence</h2><p>Step <b>{first.Step}</b>, <code>{E(first.Label)}</code> (dtype {E(first.Dtype)}, shape [{E(first.Shape)}])</p>");
            h.Append(first.Problem is not null ? $"<p>{E(first.Problem)}</p></div>\n"
                : $"<p>index {first.FirstMismatch}: reference <code>{E(first.Expected!)}</code>, candidate <code>{E(first.Actual!)}</code>, {Short(first.UlpAtMismatch)} ulp apart; {first.FailedElements} of {first.Count} elements outside <code>{E(first.Tolerance!.ToString())}</code>; max abs error {Short(first.MaxAbs)}</p></div>\n");
        }
        h.Append("<h2>Error per name and step</h2>\n").Append(ErrorSvg()).Append('\n');
        h.Append("<table><thead><tr>").Append(string.Concat(Head.Select(c => $"<th>{c}</th>"))).Append("</tr></thead><tbody>\n");
        foreach (var row in TableRows())
        {
            string klass = row[0] == first?.Label ? "hot" : row[2] == "FAIL" ? "fail" : "";
            h.Append(CultureInfo.InvariantCulture, $"<tr class=\"{klass}\">{string.Concat(row.Select(c => $"<td>{E(c)}</td>"))}</tr>\n");
        }
        h.Append("</tbody></table></body></html>\n");
        File.WriteAllText(path, h.ToString());
    }

    const string Css = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}" +
        ".verdict{font-size:1.6em;font-weight:bold;padding:.6em .8em;border-radius:6px;color:#fff}.agree{background:#2e7d32}.differ{background:#c62828}" +
        ".first{border-left:6px solid #c62828;padding:.4em 1em;background:#fff5f5}table{border-collapse:collapse;font-size:.9em}" +
        "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}tr.fail td{background:#fdecea}tr.hot td{background:#f8c9c4;font-weight:bold}";

    static readonly string[] Palette = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e", "#aec7e8", "#98df8a", "#c5b0d5"];
    const string Highlight = "#d62728";

    /// <summary>Max |candidate - reference| per name against step, log scale; exact matches on the bottom line, unusable pairs on the top ("fail").</summary>
    public string ErrorSvg(int width = 760, int height = 360)
    {
        static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var labels = Comparison.ByLabel();
        var steps = labels.SelectMany(l => l.Records.Select(r => r.Step)).Distinct().Order().ToList();
        var finite = labels.SelectMany(l => l.Records.Select(r => r.MaxAbs)).Where(e => e > 0 && double.IsFinite(e)).ToList();
        int lo = finite.Count > 0 ? (int)Math.Floor(Math.Log10(finite.Min())) - 1 : -12;
        int hi = finite.Count > 0 ? (int)Math.Ceiling(Math.Log10(finite.Max())) : 0;
        hi = Math.Max(hi, lo + 2);
        const int left = 64, right = 210, top = 34, bottom = 44, band = 16; // bands above the scale for fail points, below it for exact ones
        double pw = width - left - right, ph = height - top - bottom;
        string? firstLabel = Comparison.FirstDivergence?.Label;
        double X(long step) => steps.Count == 1 ? left + pw / 2 : left + pw * steps.IndexOf(step) / (steps.Count - 1);
        double Y(double err)
        {
            if (double.IsNaN(err) || double.IsPositiveInfinity(err)) return top;
            if (err <= 0) return top + ph;
            double e = Math.Clamp(Math.Log10(err), lo, hi);
            return top + band + (ph - 2 * band) * (hi - e) / (hi - lo);
        }
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"per-layer error against step\">\n");
        s.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n<text x=\"{left}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">max |candidate - reference| per name and step (log scale)</text>\n");
        for (int e = lo; e <= hi; e++)
        {
            double y = Y(Math.Pow(10, e));
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(y)}\" x2=\"{F(left + pw)}\" y2=\"{F(y)}\" stroke=\"#e6e6e6\"/><text x=\"{left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">1e{e}</text>\n");
        }
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(top + ph + 4)}\" text-anchor=\"end\">exact</text><text x=\"{left - 6}\" y=\"{F(top + 4)}\" text-anchor=\"end\" fill=\"{Highlight}\">fail</text>\n");
        s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(top + ph)}\" x2=\"{F(left + pw)}\" y2=\"{F(top + ph)}\" stroke=\"#333\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{F(top + ph)}\" stroke=\"#333\"/>\n");
        var ticks = steps.Count <= 12 ? steps : Enumerable.Range(0, 11).Select(i => steps[(int)Math.Round(i * (steps.Count - 1) / 10.0)]).ToList();
        foreach (var t in ticks) s.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(t))}\" y=\"{F(top + ph + 16)}\" text-anchor=\"middle\">{t}</text>\n");
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + pw / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\">step</text>\n");
        var ordered = labels.Where(l => l.Label != firstLabel).Concat(labels.Where(l => l.Label == firstLabel)).ToList();
        for (int i = 0; i < ordered.Count; i++)
        {
            var (label, records) = ordered[i];
            bool hot = label == firstLabel;
            string color = hot ? Highlight : Palette[i % Palette.Length];
            if (records.Count > 1)
                s.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(" ", records.Select(r => F(X(r.Step)) + "," + F(Y(r.MaxAbs))))}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{(hot ? "3" : "1.3")}\" opacity=\"{(hot ? "1" : "0.85")}\"><title>{E(label)}</title></polyline>\n");
            foreach (var r in records)
                s.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(r.Step))}\" cy=\"{F(Y(r.MaxAbs))}\" r=\"{(hot ? "4" : "2.5")}\" fill=\"{color}\"{(r.Pass ? "" : " stroke=\"#000\" stroke-width=\"1\"")}><title>{E(label)} step {r.Step}: {Short(r.MaxAbs)}</title></circle>\n");
        }
        var legend = labels.Where(l => l.Label == firstLabel).Concat(labels.Where(l => l.Label != firstLabel)).Select(l => l.Label).ToList();
        for (int i = 0; i < Math.Min(16, legend.Count); i++)
        {
            double ly = top + 8 + 16 * i;
            bool hot = legend[i] == firstLabel;
            string color = hot ? Highlight : Palette[ordered.FindIndex(l => l.Label == legend[i]) % Palette.Length];
            string text = (legend[i].Length <= 26 ? legend[i] : legend[i][..25] + "…") + (hot ? " (first divergence)" : "");
            s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{width - right + 12}\" y=\"{F(ly - 8)}\" width=\"12\" height=\"{(hot ? 6 : 4)}\" fill=\"{color}\"/><text x=\"{width - right + 30}\" y=\"{F(ly)}\" font-weight=\"{(hot ? "bold" : "normal")}\">{E(text)}</text>\n");
        }
        if (legend.Count > 16) s.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right + 12}\" y=\"{top + 8 + 16 * 16}\">... {legend.Count - 16} more</text>\n");
        return s.Append("</svg>").ToString();
    }
}

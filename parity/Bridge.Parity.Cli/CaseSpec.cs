using System.Globalization;

namespace Bridge.Parity;

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

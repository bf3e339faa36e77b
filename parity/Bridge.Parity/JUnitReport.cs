using System.Xml.Linq;

namespace Bridge.Parity;

/// <summary>
/// The suite's verdicts as JUnit XML (one test case per case and runtime compared), so `make test` counts the
/// parity suite from a structured file like every other suite.
/// </summary>
public static class JUnitReport
{
    public static void Write(string path, IReadOnlyList<CaseResult> results)
    {
        var cases = new List<XElement>();
        foreach (var r in results)
        {
            foreach (var c in new[] { r.CSharp, r.TorchFresh, r.BridgePython })
                if (c is not null) cases.Add(Case(r.Spec.Name, c.Runtime, c.Pass ? null : Describe(c)));
            if (r.Published.Count > 0)
            {
                var bad = r.Published.Where(p => !p.Pass).ToList();
                cases.Add(Case(r.Spec.Name, "published", bad.Count == 0 ? null :
                    string.Join("; ", bad.Select(p => $"{p.Name}[{p.Index}] step {p.Step}: printed {p.Printed}, got {p.Actual ?? "nothing"}"))));
            }
        }
        var suite = new XElement("testsuite",
            new XAttribute("name", "parity"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            cases);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        new XDocument(new XElement("testsuites", suite)).Save(path);
    }

    static XElement Case(string name, string runtime, string? failure)
    {
        var e = new XElement("testcase", new XAttribute("classname", "parity." + name), new XAttribute("name", runtime));
        if (failure is not null) e.Add(new XElement("failure", new XAttribute("message", failure)));
        return e;
    }

    static string Describe(Comparison c) => c.Error ?? string.Join("; ", c.Tensors.Where(t => !t.Pass).Take(5)
        .Select(t => $"{t.Name} (step {t.Step}): max abs {t.MaxAbs:G4}, max ulp {t.MaxUlp:G4}"));
}

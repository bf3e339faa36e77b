using Bridge.Parity;

namespace Bridge.Tests.Parity;

/// <summary>
/// The C# diff command on the fixture pairs (tests/parity-fixtures/diff): each must get the exit code and first divergence
/// listed in expected.txt, which the Python diff is held to as well (test_parity_diff.py), and write the same words.
/// </summary>
[TestClass]
public sealed class ParityDiffTests
{
    static string Dir => Path.Combine(TestSupport.RepoRoot, "tests", "parity-fixtures", "diff");

    static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = DiffCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static IEnumerable<object[]> Pairs() =>
        File.ReadAllLines(Path.Combine(Dir, "expected.txt")).Where(l => l.Length > 0 && l[0] != '#').Select(l => new object[] { l });

    [TestMethod]
    [DynamicData(nameof(Pairs))]
    public void FixturePair_GetsTheExpectedVerdict(string line)
    {
        var spec = line.Split(' ');
        var (exit, stdout, stderr) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, spec[0]));
        Assert.AreEqual(int.Parse(spec[1], System.Globalization.CultureInfo.InvariantCulture), exit, stdout + stderr);
        if (exit == 1)
        {
            string first = stdout.Split('\n')[0];
            StringAssert.Contains(first, $"first divergence at step {spec[2]}, {spec[3]}");
            if (spec[4] != "-") StringAssert.Contains(first, $"{spec[3]} index {spec[4]}:");
        }
        if (exit == 2) StringAssert.StartsWith(stderr, "bridge-parity: unusable input:");
    }

    [TestMethod]
    public void Perturbed_JUnitFailureNamesStepIndexValuesAndUlp()
    {
        string junit = Path.Combine(Path.GetTempPath(), $"parity-{Guid.NewGuid():N}.xml");
        try
        {
            var (exit, stdout, _) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "perturbed.csv"), "--junit", junit);
            Assert.AreEqual(1, exit);
            StringAssert.StartsWith(stdout, "DIFFER: 1 of 9 names disagree; first divergence at step 1, forward/act index 5: reference -0.19710411 vs candidate 0.123 (2084945174 ulp, |diff| 0.32; 1 of 8 elements outside rtol=1e-05 atol=1e-08)");
            var suite = System.Xml.Linq.XDocument.Load(junit).Root!.Element("testsuite")!;
            Assert.AreEqual(9, suite.Elements("testcase").Count());
            var failing = suite.Elements("testcase").Where(c => c.Element("failure") is not null).ToList();
            Assert.AreEqual(1, failing.Count);
            Assert.AreEqual("parity.forward", failing[0].Attribute("classname")!.Value);
            Assert.AreEqual("act", failing[0].Attribute("name")!.Value);
            StringAssert.StartsWith(failing[0].Element("failure")!.Attribute("message")!.Value, "step 1, forward/act index 5: reference -0.19710411 vs candidate 0.123 (2084945174 ulp");
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [TestMethod]
    public void Agree_VerdictWordedAsPython()
    {
        var (exit, stdout, _) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "same.csv"));
        Assert.AreEqual(0, exit);
        Assert.AreEqual("AGREE: 9 names, 18 records (102 values) within rtol=1e-05 atol=1e-08", stdout.Trim());
    }

    [TestMethod]
    public void Reports_MarkdownAndHtmlPutVerdictThenDivergenceThenPlot()
    {
        string dir = Directory.CreateTempSubdirectory("parity-report").FullName;
        try
        {
            var (exit, _, _) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "two_faults.csv"),
                "--markdown", Path.Combine(dir, "r.md"), "--html", Path.Combine(dir, "r.html"));
            Assert.AreEqual(1, exit);
            string md = File.ReadAllText(Path.Combine(dir, "r.md"));
            Assert.IsTrue(md.IndexOf("# Parity: DIFFER", StringComparison.Ordinal) < md.IndexOf("## First divergence", StringComparison.Ordinal));
            Assert.IsTrue(md.IndexOf("## First divergence", StringComparison.Ordinal) < md.IndexOf("![per-layer", StringComparison.Ordinal));
            StringAssert.Contains(md, "Step **0**, `grad/fc1.weight`");
            StringAssert.StartsWith(File.ReadAllText(Path.Combine(dir, "r.svg")), "<svg");
            string html = File.ReadAllText(Path.Combine(dir, "r.html"));
            Assert.IsTrue(html.IndexOf("id=\"verdict\"", StringComparison.Ordinal) < html.IndexOf("id=\"first-divergence\"", StringComparison.Ordinal));
            StringAssert.Contains(html, "grad/fc1.weight (first divergence)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ShorterRun_NotedAsPythonNotesIt()
    {
        var (exit, stdout, _) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "shorter.csv"));
        Assert.AreEqual(1, exit);
        Assert.AreEqual("note: the reference covers steps 0..1 (2), the candidate steps 0", stdout.Split('\n')[1]);
    }

    [TestMethod]
    public void BadArguments_Exit2WithMessage()
    {
        Assert.AreEqual(2, Run(Path.Combine(Dir, "reference.csv")).Exit);
        Assert.AreEqual(2, Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "same.csv"), "--rtol", "x").Exit);
        var (exit, _, err) = Run(Path.Combine(Dir, "reference.csv"), Path.Combine(Dir, "same.csv"), "--bogus");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "unknown option '--bogus'");
    }

    [TestMethod]
    public void Tolerance_PrintsAsPythonsG()
    {
        Assert.AreEqual("rtol=1e-05 atol=1e-08", new Tolerance(false, 1e-5, 1e-8).ToString());
        Assert.AreEqual("rtol=0.0001 atol=0.5", new Tolerance(false, 1e-4, 0.5).ToString());
        Assert.AreEqual("rtol=1.5e+06 atol=123457", new Tolerance(false, 1.5e6, 123456.7).ToString());
    }
}

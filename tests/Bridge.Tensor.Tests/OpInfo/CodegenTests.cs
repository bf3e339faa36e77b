namespace Bridge.Tests.OpInfo;

/// <summary>The generated facades and Python binding match the declarations (BRIDGE_REGENERATE=1 rewrites them).</summary>
[TestClass]
public sealed class CodegenTests
{
    [TestMethod]
    public void Codegen_GeneratedFiles_MatchDeclarations()
    {
        bool regenerate = Environment.GetEnvironmentVariable("BRIDGE_REGENERATE") == "1";
        var stale = new List<string>();
        foreach (var (path, text) in Codegen.Files())
        {
            var full = Path.Combine(TestSupport.RepoRoot, path);
            var current = File.Exists(full) ? File.ReadAllText(full) : null;
            if (current == text) continue;
            if (regenerate)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text);
            }
            else
            {
                stale.Add(path);
            }
        }
        Assert.AreEqual(0, stale.Count, $"out of date (run with BRIDGE_REGENERATE=1): {string.Join(", ", stale)}");
    }
}

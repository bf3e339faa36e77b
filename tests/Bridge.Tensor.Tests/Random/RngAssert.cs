namespace Bridge.Tests.Random;

/// <summary>MSTest glue over <see cref="RngReplay"/>: replays recorded torch cases and fails with every mismatch.</summary>
internal static class RngAssert
{
    /// <summary>Replays every case of <paramref name="file"/> whose name starts with <paramref name="casePrefix"/> (all seeds).</summary>
    public static void CasesMatch(string file, string casePrefix)
    {
        var names = RngReplay.CaseNames(file).Where(n => n.StartsWith(casePrefix, StringComparison.Ordinal)).ToList();
        if (names.Count == 0)
        {
            Assert.Fail($"{file} has no case starting with '{casePrefix}'.");
        }
        var errors = names.SelectMany(n => RngReplay.Run(RngReplay.Case(file, n))).ToList();
        if (errors.Count > 0)
        {
            Assert.Fail($"{errors.Count} draw(s) differ from torch:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Take(10))}");
        }
    }
}

namespace Bridge;

/// <summary>
/// Error messages name members as the caller writes them: .NET names for C# (<c>RetainGraph: true</c>,
/// <c>.Reshape(...)</c>), torch's for Python (<c>retain_graph=True</c>, <c>.reshape(...)</c>), so both read
/// messages that match their own code. The C ABI library switches to torch's spelling once, when it loads.
/// </summary>
internal static class Spelling
{
    /// <summary>True in libbridge.so (Python's engine); false for C# programs.</summary>
    internal static bool Torch { get; set; }

    /// <summary><paramref name="dotnet"/> for C# callers, <paramref name="torch"/> for Python's.</summary>
    internal static string Of(string dotnet, string torch) => Torch ? torch : dotnet;
}

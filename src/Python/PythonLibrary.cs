namespace Bridge.Python;

/// <summary>Finds the libpython that pythonnet should load when C# starts Python.</summary>
static class PythonLibrary
{
    /// <summary>Debian's names first (package libpython3.11: it matches /usr/bin/python3, whose NumPy and torch we want).</summary>
    static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
        "/usr/lib/aarch64-linux-gnu/libpython3.11.so.1.0",
        "/usr/lib/libpython3.11.so.1.0",
    ];

    /// <summary>The library given, else <c>PYTHONNET_PYDLL</c>, else the first of Debian's that exists; null when none does.</summary>
    public static string? Find(string? given)
    {
        if (!string.IsNullOrEmpty(given)) return given;
        var fromEnvironment = Environment.GetEnvironmentVariable("PYTHONNET_PYDLL");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return Candidates.FirstOrDefault(File.Exists);
    }

    public const string InstallHint =
        "install Debian's libpython3.11 (apt-get install libpython3.11), set PYTHONNET_PYDLL to a " +
        "libpython3.x.so, or pass its path to PyBridge.Initialize";
}

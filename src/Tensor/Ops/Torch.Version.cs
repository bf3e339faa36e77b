using System.Reflection;

namespace Bridge;

public static partial class Torch
{
    /// <summary>
    /// Bridge's version (the one version of every artefact: the NuGet packages, the Python package's
    /// <c>bridge.__version__</c>), from <c>Directory.Build.props</c>; what <c>torch.__version__</c> is to PyTorch.
    /// </summary>
    public static string Version { get; } = ReadVersion();

    static string ReadVersion()
    {
        string? v = typeof(Torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return v is null ? "0.0.0" : v.Split('+')[0];   // without the SDK's "+commit" suffix
    }
}

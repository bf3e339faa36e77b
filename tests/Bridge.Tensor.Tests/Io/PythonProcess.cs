using System.Diagnostics;

namespace Bridge.Tests.Io;

/// <summary>Runs snippets under Debian's /usr/bin/python3 (the interpreter with NumPy); tests that need it skip visibly without it.
/// BRIDGE_TORCH_PYTHON names another interpreter (a GPU machine's, where /usr/bin/python3 has no NumPy).</summary>
internal static class PythonProcess
{
    public static readonly string Interpreter = Environment.GetEnvironmentVariable("BRIDGE_TORCH_PYTHON") is { Length: > 0 } path ? path : "/usr/bin/python3";

    static readonly Lazy<string?> s_numpyMissing = new(() => Missing("numpy"));
    static readonly Lazy<string?> s_torchMissing = new(() => Missing("torch"));

    static string? Missing(string module)
    {
        if (!File.Exists(Interpreter)) return $"{Interpreter} not found";
        var (exit, _, err) = Run("import " + module, [], TimeSpan.FromSeconds(60));
        return exit == 0 ? null : $"{Interpreter} cannot import {module}: {err.Trim()}";
    }

    /// <summary>Marks the test inconclusive (with the reason) when NumPy is unavailable.</summary>
    public static void RequireNumpy()
    {
        if (s_numpyMissing.Value is string reason) Assert.Inconclusive(reason);
    }

    /// <summary>Marks the test inconclusive (with the reason) when NumPy or PyTorch is unavailable.</summary>
    public static void RequireTorch()
    {
        RequireNumpy();
        if (s_torchMissing.Value is string reason) Assert.Inconclusive(reason);
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> as sys.argv[1:]; fails the test on a non-zero exit.</summary>
    public static string Check(string script, params string[] args)
    {
        var (exit, output, error) = Run(script, args, TimeSpan.FromSeconds(120));
        if (exit != 0) Assert.Fail($"python exited {exit}\nstdout:\n{output}\nstderr:\n{error}");
        return output;
    }

    /// <summary>Starts <paramref name="script"/> without waiting (for processes that talk to the test while it runs).</summary>
    public static Process Start(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("python did not start");
    }

    static (int Exit, string Output, string Error) Run(string script, string[] args, TimeSpan timeout)
    {
        using var p = Start(script, args);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, output.Result, "timed out after " + timeout);
        }
        return (p.ExitCode, output.Result, error.Result);
    }
}

/// <summary>Tensors built without passing through double (Torch.Tensor converts via double, which rounds int64 past 2^53).</summary>
internal static class Exact
{
    /// <summary>An int64 tensor holding exactly <paramref name="values"/>.</summary>
    public static unsafe Tensor Longs(params long[] values)
    {
        var memory = (long*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Math.Max(1, values.Length) * sizeof(long));
        values.CopyTo(new Span<long>(memory, values.Length));
        return Torch.FromBlob((IntPtr)memory, [values.Length], DType.Int64, release: () => System.Runtime.InteropServices.NativeMemory.Free(memory));
    }
}

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bridge-io-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

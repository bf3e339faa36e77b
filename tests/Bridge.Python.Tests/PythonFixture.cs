using Python.Runtime;

[assembly: DoNotParallelize] // one interpreter, and the memory test measures the whole process

namespace Bridge.Python.Tests;

/// <summary>Starts Python once for the assembly; without libpython (or NumPy) every test is skipped, saying why.</summary>
[TestClass]
public static class PythonFixture
{
    static string? _skipReason;

    [AssemblyInitialize]
    public static void Start(TestContext _)
    {
        try
        {
            PyBridge.Initialize();
        }
        catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or PythonException)
        {
            _skipReason = $"Python is not available to pythonnet: {e.Message}";
        }
    }

    /// <summary>Marks the calling test inconclusive (skipped) when Python could not start.</summary>
    public static void RequirePython()
    {
        if (_skipReason is not null) Assert.Inconclusive(_skipReason);
    }

    /// <summary>Runs <paramref name="code"/> in a fresh scope holding <paramref name="variables"/>; returns the scope's <c>result</c>.</summary>
    public static T Run<T>(string code, params (string Name, object Value)[] variables)
    {
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("import numpy as np");
            foreach (var (name, value) in variables) scope.Set(name, value);
            scope.Exec(code);
            var result = scope.Get("result");
            if (result is T same) return same; // asked for the PyObject itself: the caller owns it
            using (result) return result.As<T>();
        }
    }

    /// <summary>Evaluates a Python expression (NumPy imported as np) and returns the object.</summary>
    public static PyObject Eval(string expression)
    {
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("import numpy as np");
            return scope.Eval(expression);
        }
    }
}

/// <summary>
/// Base of tests that run on one thread: each holds the GIL from start to end, because pythonnet requires it
/// when a <see cref="PyObject"/> is disposed (the tests' <c>using</c> declarations end after the test body).
/// </summary>
public abstract class PythonTest
{
    Py.GILState? _gil;

    [TestInitialize]
    public void TakeGil()
    {
        PythonFixture.RequirePython();
        _gil = Py.GIL();
    }

    [TestCleanup]
    public void ReleaseGil() => _gil?.Dispose();
}

using Python.Runtime;

namespace Bridge.Python;

/// <summary>What a <see cref="Tensor"/> becomes when pythonnet hands it to Python (the codec's choice).</summary>
public enum TensorArrival
{
    /// <summary>The .NET object itself (pythonnet's default).</summary>
    Clr,

    /// <summary>An ndarray viewing the tensor's memory (<see cref="PyBridge.ToNumPy"/>).</summary>
    NumPy,

    /// <summary>A torch.Tensor sharing the tensor's memory (<see cref="PyBridge.ToTorch"/>).</summary>
    Torch,
}

/// <summary>
/// Zero-copy exchange between Bridge tensors and NumPy arrays or torch tensors through pythonnet, in a C# process
/// that hosts Python or in a Python process that loaded .NET (<c>import bridge.clr</c>). Every member takes the
/// GIL itself, so it may be called from any thread.
/// </summary>
public static partial class PyBridge
{
    static readonly object Gate = new();
    static volatile bool _initialized;
    static PyObject? _helpers;

    // The functions of bridge_pythonnet.py (the embedded Python half), looked up once.
    static PyObject? _toNumPy, _describe, _capsule, _dlpackCapsule, _markUsed, _tensorSource;

    /// <summary>True once <see cref="Initialize"/> has run.</summary>
    public static bool IsInitialized => _initialized;

    /// <summary>
    /// What a Tensor passed to a Python function arrives as. Starts as <see cref="TensorArrival.NumPy"/> when C#
    /// started Python, and as <see cref="TensorArrival.Clr"/> when Python loaded .NET (there the C# API is wanted).
    /// </summary>
    public static TensorArrival TensorsArriveAs { get; set; } = TensorArrival.Clr;

    /// <summary>
    /// Starts Python once (the library given, else <c>PYTHONNET_PYDLL</c>, else Debian's libpython3.11), imports NumPy,
    /// registers the Tensor codec, and releases the GIL so that any thread can take it. In a Python process that
    /// loaded .NET, Python is already running: only the last steps are done, and the GIL stays with its owner.
    /// </summary>
    public static void Initialize(string? pythonLibrary = null)
    {
        if (_initialized) return;
        lock (Gate)
        {
            if (_initialized) return;
            bool hosting = !PythonEngine.IsInitialized;
            if (hosting)
            {
                StartPython(PythonLibrary.Find(pythonLibrary) ?? throw new DllNotFoundException("no libpython found: " + PythonLibrary.InstallHint));
                // Without this the starting thread keeps the GIL, and every other thread's Py.GIL() waits forever.
                PythonEngine.BeginAllowThreads();
            }
            using (Py.GIL())
            {
                _helpers = LoadHelpers();
                using var api = _helpers.InvokeMethod("c_api");
                DLPack.SetCapsuleApi((nint)api[0].As<long>(), (nint)api[1].As<long>());
                GilReleaser.Start((nint)api[2].As<long>());
                BufferView.SetApi((nint)api[3].As<long>(), (nint)api[4].As<long>(), (nint)api[5].As<long>());
                CacheHelpers(_helpers);
                // Decoding only turns conversions that would fail into views, so it is on in both modes.
                PyObjectConversions.RegisterDecoder(new TensorDecoder(TensorSource));
                if (hosting)
                {
                    PyObjectConversions.RegisterEncoder(new TensorEncoder());
                    TensorsArriveAs = TensorArrival.NumPy;
                }
            }
            _initialized = true;
        }
    }

    static void StartPython(string library)
    {
        if (library.Contains('/') && !File.Exists(library))
            throw new DllNotFoundException($"{library} does not exist; {PythonLibrary.InstallHint}");
        Runtime.PythonDLL = library;
        try
        {
            PythonEngine.Initialize();
        }
        catch (TypeInitializationException e) // pythonnet binds the library's functions in a static constructor
        {
            throw new DllNotFoundException($"pythonnet could not start {library}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    /// <summary>Python references released by .NET and waiting for the GIL (a background thread takes them).</summary>
    public static int PendingReleases => GilReleaser.PendingCount;

    /// <summary>
    /// Runs the pending releases now, on this thread (taking the GIL): Bridge's, and pythonnet's own queue of
    /// PyObjects the .NET GC collected (which it otherwise empties every few hundred new PyObjects).
    /// </summary>
    public static void FlushReleases()
    {
        EnsureInitialized();
        using (Py.GIL())
        {
            GilReleaser.Drain();
            Finalizer.Instance.Collect();
        }
    }

    static void EnsureInitialized()
    {
        if (!_initialized) throw new InvalidOperationException("Python is not started: call PyBridge.Initialize() first");
    }

    static void CacheHelpers(PyObject helpers)
    {
        _toNumPy = helpers.GetAttr("to_numpy");
        _describe = helpers.GetAttr("describe");
        _capsule = helpers.GetAttr("capsule");
        _dlpackCapsule = helpers.GetAttr("dlpack_capsule");
        _markUsed = helpers.GetAttr("mark_used");
        _tensorSource = helpers.GetAttr("tensor_source");
    }

    static string TensorSource(PyType type)
    {
        using (Py.GIL())
        using (var source = _tensorSource!.Invoke(type))
            return source.As<string>();
    }

    static PyModule LoadHelpers()
    {
        try
        {
            return PyModule.FromString("bridge_pythonnet", ReadHelperSource());
        }
        catch (PythonException e)
        {
            throw new InvalidOperationException($"PyBridge needs NumPy in the Python it runs ({e.Message}): install it (Debian: python3-numpy)", e);
        }
    }

    static string ReadHelperSource()
    {
        using var stream = typeof(PyBridge).Assembly.GetManifestResourceStream("bridge_pythonnet.py")
            ?? throw new InvalidOperationException("Bridge.Python was built without its bridge_pythonnet.py resource");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

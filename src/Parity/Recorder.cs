using System.Globalization;
using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Parity;

/// <summary>
/// Records what a run computes as a parity CSV, the twin of Python's <c>bridge.parity.Recorder</c>: the same names,
/// steps and value text, so a C# port's CSV lines up with the PyTorch run's row for row.
/// <code>
/// using (var rec = new Recorder("port_run.csv"))
/// {
///     rec.Watch(model);                       // every submodule's output, every parameter's gradient, per step
///     var loss = F.MseLoss(model.Call(x), y); // Call, torch's model(x), runs the hooks
///     rec.Record("loss", loss);
///     loss.Backward();
/// }                                           // Dispose removes the hooks and writes the file
/// </code>
/// Names: a module's output is <c>forward/&lt;NamedModules name&gt;</c> (the model itself <c>(root)</c>), a gradient
/// <c>grad/&lt;NamedParameters name&gt;</c> (in backward order: the reverse of NamedParameters), a value given to
/// <see cref="Record(string, Tensor, long?)"/> <c>record/&lt;name&gt;</c>. Steps: an automatic counter that moves on
/// after each backward that gives the watched model gradients or, with no backward between, when a module's output
/// comes a second time; calling <see cref="Step"/> takes the counter over. The parity suite's cases use the
/// four-argument form <c>Record(checkpoint, name, value, step)</c>.
/// </summary>
public sealed class Recorder : IDisposable
{
    /// <summary>The <c>runtime</c> column's default.</summary>
    public const string DefaultRuntime = "csharp";
    /// <summary>The name of the watched model's own output (<c>forward/(root)</c>).</summary>
    public const string RootName = "(root)";
    /// <summary>
    /// The checkpoint column of module outputs, parameter gradients and values given to <see cref="Record(string,
    /// Tensor, long?)"/>.
    /// </summary>
    public const string ForwardCheckpoint = "forward", GradCheckpoint = "grad", RecordCheckpoint = "record";

    /// <summary>Bridge's assembly version, the runtime's version string.</summary>
    public static string Version { get; } = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>When set (the suite's <c>--show</c>), every recorded value is also printed, tensors in torch's format.</summary>
    public static bool Echo { get; set; }

    readonly OrderedDictionary<(string Checkpoint, long Step, string Name), ParityRow[]> _records = new();
    readonly object _gate = new(); // the hooks may fire from any thread
    readonly List<IDisposable> _hooks = [];
    bool _autoStep = true, _written;

    /// <param name="path">Where <see cref="Dispose"/> writes the CSV (also after an exception: a run that crashed shows where it got to); null to write it yourself.</param>
    /// <param name="caseName">The <c>case</c> column; default the file name without extension.</param>
    /// <param name="runtime">The <c>runtime</c> column.</param>
    public Recorder(string? path = null, string? caseName = null, string runtime = DefaultRuntime)
    {
        Path = path;
        Case = caseName ?? (path is null ? "run" : System.IO.Path.GetFileNameWithoutExtension(path));
        Runtime = runtime;
    }

    /// <summary>
    /// Where <see cref="Dispose"/> writes the CSV; null when the caller writes it with <see cref="Write"/>.
    /// </summary>
    public string? Path { get; }
    /// <summary>The <c>case</c> column of every row.</summary>
    public string Case { get; }
    /// <summary>The <c>runtime</c> column of every row.</summary>
    public string Runtime { get; }
    /// <summary>
    /// The step new rows are recorded at: moved by backward passes and repeated outputs, or by <see cref="Step"/> once
    /// that is called.
    /// </summary>
    public long CurrentStep { get; private set; }

    /// <summary>Rows recorded so far.</summary>
    public int Count => _records.Values.Sum(r => r.Length);
    /// <summary>Every row recorded so far, records in first-recorded order.</summary>
    public IEnumerable<ParityRow> Rows => _records.Values.SelectMany(r => r);

    /// <summary>Moves to the next step and returns it; from the first call on, steps move only here.</summary>
    public long Step()
    {
        _autoStep = false;
        return ++CurrentStep;
    }

    // ----- values (user form: checkpoint "record", the current step unless given) -----

    /// <summary>
    /// Records <paramref name="value"/> (any shape; float32, float64, int64 or bool) as <c>record/NAME</c> at <paramref
    /// name="step"/>, default <see cref="CurrentStep"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The dtype is not one the parity schema holds.</exception>
    public void Record(string name, Tensor value, long? step = null) => Record(RecordCheckpoint, name, value, step ?? CurrentStep);
    /// <summary>
    /// Records a float64 scalar as <c>record/NAME</c> at <paramref name="step"/>, default <see cref="CurrentStep"/>.
    /// </summary>
    public void Record(string name, double value, long? step = null) => Record(RecordCheckpoint, name, value, step ?? CurrentStep);
    /// <summary>
    /// Records an int64 scalar as <c>record/NAME</c> at <paramref name="step"/>, default <see cref="CurrentStep"/>.
    /// </summary>
    public void Record(string name, long value, long? step = null) => Record(RecordCheckpoint, name, value, step ?? CurrentStep);
    /// <summary>
    /// Records a bool scalar as <c>record/NAME</c> at <paramref name="step"/>, default <see cref="CurrentStep"/>.
    /// </summary>
    public void Record(string name, bool value, long? step = null) => Record(RecordCheckpoint, name, value, step ?? CurrentStep);

    // ----- values (suite form) -----

    /// <summary>
    /// Records <paramref name="value"/> under an explicit checkpoint and step (the parity suite's form).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException">The dtype is not one the parity schema holds.</exception>
    public void Record(string checkpoint, string name, Tensor value, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(checkpoint, name, step, MakeRows(checkpoint, name, step, value), replace: false);
    }

    /// <summary>Records a float64 scalar under an explicit checkpoint and step (the parity suite's form).</summary>
    public void Record(string checkpoint, string name, double value, long step = 0) => Record(checkpoint, name, Torch.Tensor(value, DType.Float64), step);
    /// <summary>Records an int64 scalar under an explicit checkpoint and step (the parity suite's form).</summary>
    public void Record(string checkpoint, string name, long value, long step = 0) => Add(checkpoint, name, step, MakeRows(checkpoint, name, step, "int64", [], [value.ToString(CultureInfo.InvariantCulture)]), replace: false);
    /// <summary>Records a bool scalar under an explicit checkpoint and step (the parity suite's form).</summary>
    public void Record(string checkpoint, string name, bool value, long step = 0) => Add(checkpoint, name, step, MakeRows(checkpoint, name, step, "bool", [], [value ? "1" : "0"]), replace: false);

    ParityRow[] MakeRows(string checkpoint, string name, long step, Tensor value)
    {
        var t = value.Detach();
        if (t.Device != Device.Cpu) t = t.To(Device.Cpu);
        if (Echo) Console.WriteLine($"  {checkpoint}{(step != 0 ? $"[{step}]" : "")} {name} = {t.ToString().Replace("\n", "\n      ")}");
        string[] texts = t.DType switch
        {
            DType.Float32 => t.ToArray<float>().Select(ValueText.Float32).ToArray(),
            DType.Float64 => t.ToArray<double>().Select(ValueText.Float64).ToArray(),
            DType.Int64 => t.ToArray<long>().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
            DType.Bool => t.ToArray<byte>().Select(v => v != 0 ? "1" : "0").ToArray(),
            _ => throw new ArgumentException($"unsupported dtype for recording: {t.DType} (the parity schema holds float32, float64, int64 and bool)"),
        };
        return MakeRows(checkpoint, name, step, t.DType.ShortName(), t.Shape.Select(d => checked((int)d)).ToArray(), texts);
    }

    ParityRow[] MakeRows(string checkpoint, string name, long step, string dtype, int[] shape, string[] values)
    {
        if (values.Length != shape.Aggregate(1, (a, b) => a * b)) throw new ArgumentException($"{checkpoint}/{name}: {values.Length} values for shape {string.Join("x", shape)}");
        string shapeText = string.Join("x", shape);
        var rows = new ParityRow[values.Length];
        for (int i = 0; i < values.Length; i++) rows[i] = new ParityRow(Case, checkpoint, step, name, dtype, shapeText, i, values[i], Runtime, Version);
        return rows;
    }

    void Add(string checkpoint, string name, long step, ParityRow[] rows, bool replace)
    {
        var key = (checkpoint, step, name);
        lock (_gate)
        {
            if (!replace && _records.ContainsKey(key))
                throw new ArgumentException($"{checkpoint}/{name} is already recorded at step {step} in {Case} (each name once per step; pass a step or call Step() between iterations)");
            _records[key] = rows;
        }
    }

    // ----- a model -----

    /// <summary>
    /// Hooks <paramref name="model"/>: each submodule's output after every <see cref="Module.Call"/>, and after each
    /// backward that gives its parameters gradients, every parameter's <c>Grad</c>. Hooks are removed on <see cref="Dispose"/>.
    /// </summary>
    public Recorder Watch(Module model, bool outputs = true, bool grads = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (outputs)
            foreach (var (name, module) in model.NamedModules())
            {
                string label = name.Length == 0 ? RootName : name;
                _hooks.Add(module.RegisterForwardHook((_, _, output) => { lock (_gate) RecordOutput(label, output); }));
            }
        if (grads)
        {
            var parameters = model.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToArray();
            if (parameters.Length > 0)
            {
                // Post-backward callbacks run after every backward in the process: record only after a pass that
                // gave this model's parameters gradients (their accumulate hooks say so), never for another model's.
                int touched = 0;
                foreach (var (_, p) in parameters)
                    if (p.IsLeaf) _hooks.Add(p.RegisterPostAccumulateGradHook(_ => Interlocked.Exchange(ref touched, 1)));
                _hooks.Add(PostBackward.Register(() =>
                {
                    // backward passes may run on several threads at once: one recording at a time
                    if (Interlocked.Exchange(ref touched, 0) == 1) lock (_gate) RecordGrads(parameters);
                }));
            }
        }
        return this;
    }

    void RecordOutput(string name, Tensor output)
    {
        if (_autoStep && _records.ContainsKey((ForwardCheckpoint, CurrentStep, name))) CurrentStep++; // a second forward, no backward between
        string label = name;
        for (int call = 2; _records.ContainsKey((ForwardCheckpoint, CurrentStep, label)); call++) label = $"{name}#{call}"; // a shared layer
        Add(ForwardCheckpoint, label, CurrentStep, MakeRows(ForwardCheckpoint, label, CurrentStep, output), replace: false);
    }

    void RecordGrads((string Name, Tensor Parameter)[] parameters)
    {
        for (int i = parameters.Length - 1; i >= 0; i--)
        {
            var (name, p) = parameters[i];
            if (p.Grad is Tensor g) Add(GradCheckpoint, name, CurrentStep, MakeRows(GradCheckpoint, name, CurrentStep, g), replace: true); // a second backward in the step: the sum wins
        }
        if (_autoStep) CurrentStep++;
    }

    // ----- output -----

    /// <summary>Writes every row recorded so far to <paramref name="path"/> as a parity CSV.</summary>
    public void Write(string path) => ParityCsv.Write(path, Rows);

    /// <summary>Removes the hooks and writes the file (once) when the recorder has a path.</summary>
    public void Dispose()
    {
        foreach (var h in _hooks) h.Dispose();
        _hooks.Clear();
        if (Path is not null && !_written)
        {
            _written = true;
            Write(Path);
        }
    }

    /// <summary>The suite's name for <see cref="ParityCsv.Write"/>.</summary>
    public static void WriteRows(string path, IEnumerable<ParityRow> rows) => ParityCsv.Write(path, rows);

    /// <summary>The suite's name for <see cref="ParityCsv.Read"/>.</summary>
    public static List<ParityRow> ReadRows(string path) => ParityCsv.Read(path);
}

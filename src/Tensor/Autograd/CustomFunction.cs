namespace Bridge.Autograd;

/// <summary>
/// What a custom function's forward tells autograd and its backward reads back (torch's <c>ctx</c>): the tensors to
/// save, which inputs were modified in place or which outputs are not differentiable, and any other state.
/// </summary>
public sealed class AutogradContext
{
    internal Tensor?[] ToSave = [];
    internal Tensor[] Dirty = [];
    internal Tensor[] NonDifferentiable = [];
    Tensor?[]? _saved;

    /// <summary>Whether autograd materializes missing output gradients as zeros before backward (torch's default: yes).</summary>
    public bool MaterializeGrads { get; set; } = true;

    /// <summary>Per forward argument: true when it is a tensor that requires grad (torch's <c>needs_input_grad</c>).</summary>
    public bool[] NeedsInputGrad { get; internal set; } = [];

    /// <summary>Anything else the backward needs (torch C++'s <c>saved_data</c>; Python code sets attributes on ctx).</summary>
    public Dictionary<string, object?> SavedData { get; } = [];

    /// <summary>Keeps tensors for backward, with torch's check that none was modified in place before it runs.</summary>
    public void SaveForBackward(params Tensor?[] tensors) => ToSave = tensors;

    /// <summary>Declares inputs that forward modified in place (they are returned as outputs).</summary>
    public void MarkDirty(params Tensor[] tensors) => Dirty = tensors;

    /// <summary>Declares outputs that have no gradient (indices, masks): they do not require grad.</summary>
    public void MarkNonDifferentiable(params Tensor[] tensors) => NonDifferentiable = tensors;

    /// <summary>The tensors given to <see cref="SaveForBackward"/> (only while backward runs, as in torch).</summary>
    public Tensor?[] SavedTensors => _saved ?? throw new InvalidOperationException("saved tensors can only be read inside backward");

    internal void SetSaved(Tensor?[]? saved) => _saved = saved;
}

/// <summary>
/// A user-defined differentiable operation (torch's <c>torch.autograd.Function</c>): <see cref="Forward"/> runs without
/// recording, <see cref="Backward"/> maps output gradients to one gradient per forward argument (null for arguments
/// that are not tensors or need none). <c>new MyExp().Apply(x)[0]</c>.
/// </summary>
public abstract class AutogradFunction
{
    /// <summary>The backward node's name (torch: the class name + "Backward").</summary>
    public virtual string Name => GetType().Name + "Backward";

    /// <summary>Computes the outputs from <paramref name="args"/> (tensors and other values); runs with grad mode off.</summary>
    protected abstract Tensor[] Forward(AutogradContext ctx, object?[] args);

    /// <summary>One gradient per forward argument, from one gradient per output.</summary>
    protected abstract Tensor?[] Backward(AutogradContext ctx, Tensor?[] gradOutputs);

    /// <summary>Runs forward and records a node whose backward is <see cref="Backward"/>.</summary>
    public Tensor[] Apply(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var ctx = new AutogradContext();
        var inputs = args.Select(a => a as Tensor).ToArray();
        ctx.NeedsInputGrad = inputs.Select(t => t is { RequiresGrad: true }).ToArray();
        Tensor[] outputs;
        using (GradMode.Set(false)) outputs = Forward(ctx, args);
        return CustomFunction.Record(Name, inputs, outputs, ctx.ToSave, ctx.Dirty, ctx.NonDifferentiable, ctx.MaterializeGrads,
            (grads, saved) =>
            {
                ctx.SetSaved(saved);
                try { return Backward(ctx, grads); }
                finally { ctx.SetSaved(null); }
            });
    }
}

/// <summary>
/// The one engine mechanism behind custom functions from C# (<see cref="AutogradFunction"/>) and from Python (through the
/// C ABI, whose backward calls back into Python): records a node over outputs a forward computed without recording.
/// </summary>
internal static class CustomFunction
{
    /// <summary>
    /// Attaches a node named <paramref name="name"/> to <paramref name="outputs"/>. <paramref name="inputs"/> has one entry per
    /// forward argument (null for non-tensors). Returns the outputs as the caller should see them: an input returned
    /// unchanged comes back as a new alias (it must not lose its own history), a dirty input as itself with new history.
    /// </summary>
    public static Tensor[] Record(string name, Tensor?[] inputs, Tensor[] outputs, Tensor?[] saved, Tensor[] dirty,
        Tensor[] nonDifferentiable, bool materializeGrads, Func<Tensor?[], Tensor?[], Tensor?[]> backward)
    {
        foreach (var o in outputs)
            if (o is null) throw new InvalidCastException($"{name}: forward must return tensors");
        foreach (var d in dirty)
            if (!inputs.Any(i => ReferenceEquals(i, d))) throw new ArgumentException("mark_dirty only accepts input tensors, but argument 0 isn't one");
        bool recording = GradMode.IsEnabled && inputs.Any(t => t is { RequiresGrad: true });
        var result = new Tensor[outputs.Length];
        for (int k = 0; k < outputs.Length; k++)
        {
            var o = outputs[k];
            bool isInput = inputs.Any(i => ReferenceEquals(i, o));
            bool isDirty = dirty.Any(d => ReferenceEquals(d, o));
            if (isDirty)
            {
                if (recording && o.IsLeaf && o.RequiresGrad)
                    throw new InvalidOperationException("a leaf Variable that requires grad has been used in an in-place operation.");
                o.BumpVersion();
            }
            result[k] = isInput && !isDirty ? o.Detach() : o;
        }
        if (!recording) return result;

        var edges = inputs.Select(t => t is null ? new Edge(null, 0, []) : t.GradientEdge()).ToArray();
        var needs = inputs.Select(t => t is { RequiresGrad: true }).ToArray();
        var meta = result.Select(o => (Shape: o.ShapeArray, o.DType, o.Device)).ToArray();
        var nonDiff = outputs.Select(o => nonDifferentiable.Any(n => ReferenceEquals(n, o)) || !o.DType.IsFloatingPoint()).ToArray(); // an input returned as-is is matched as forward returned it
        // Saved outputs are the outputs as returned (their history is this node's, as in torch's unpacked saved outputs).
        var toSave = saved.Select(s => s is null ? null : Array.FindIndex(outputs, o => ReferenceEquals(o, s)) is int k and >= 0 ? result[k] : s).ToArray();
        var kept = toSave.OfType<Tensor>().ToArray();
        Node? self = null;
        var node = new Node(name, edges, outputs.Length, grads =>
        {
            var given = new Tensor?[grads.Length];
            for (int k = 0; k < grads.Length; k++)
                given[k] = grads[k] ?? (materializeGrads ? Torch.Zeros(meta[k].Shape, meta[k].DType, meta[k].Device) : null);
            var raw = backward(given, toSave);
            return Validate(self!.Name, raw, inputs, needs);
        }, kept);
        self = node;
        for (int k = 0; k < result.Length; k++)
        {
            if (nonDiff[k]) continue;
            result[k].GradFn = node;
            result[k].OutputNr = k;
            if (inputs.Any(i => ReferenceEquals(i, outputs[k])) && !dirty.Any(d => ReferenceEquals(d, outputs[k])))
                result[k].MarkCustomFunctionAlias(name, k);
            node.MarkOutput(result[k]);
        }
        return result;
    }

    /// <summary>torch's checks of what a custom backward returned: the count, None for non-tensors, shapes and dtypes.</summary>
    static Tensor?[] Validate(string name, Tensor?[] raw, Tensor?[] inputs, bool[] needs)
    {
        int n = inputs.Length;
        if (raw.Length > n)
        {
            for (int i = n; i < raw.Length; i++)
                if (raw[i] is not null)
                    throw new InvalidOperationException($"function {name} returned an incorrect number of gradients (expected {n}, got {raw.Length})");
        }
        else if (raw.Length < n)
        {
            throw new InvalidOperationException($"function {name} returned an incorrect number of gradients (expected {n}, got {raw.Length})");
        }
        var result = new Tensor?[n];
        for (int i = 0; i < n; i++)
        {
            var g = raw[i];
            if (g is null) continue;
            if (inputs[i] is not Tensor input)
                throw new InvalidOperationException($"function {name} returned a gradient different than None at position {i + 1}, but the corresponding forward input was not a Variable");
            if (!needs[i]) continue;
            if (!g.ShapeArray.AsSpan().SequenceEqual(input.ShapeArray))
            {
                if (!Expandable(input.ShapeArray, g.ShapeArray))
                    throw new InvalidOperationException($"Function {name} returned an invalid gradient at index {i} - got {ShapeMath.FormatList(g.ShapeArray)} but expected shape compatible with {ShapeMath.FormatList(input.ShapeArray)}");
                g = Engine.SumToShape(g, input.ShapeArray);
            }
            if (g.DType != input.DType) g = g.To(input.DType);
            result[i] = g;
        }
        return result;
    }

    /// <summary>True when <paramref name="shape"/> broadcasts to <paramref name="target"/> (a gradient that sums back).</summary>
    static bool Expandable(int[] shape, int[] target)
    {
        if (shape.Length > target.Length) return false;
        int lead = target.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] != 1 && shape[d] != target[lead + d]) return false;
        return true;
    }
}

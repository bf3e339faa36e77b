namespace Bridge.Autograd;

/// <summary>
/// Where a node sends the gradient of one of its inputs: output <paramref name="InputNr"/> of
/// <paramref name="Function"/> (a leaf's <see cref="AccumulateGrad"/> node for leaves), or nowhere (null).
/// </summary>
internal readonly record struct Edge(Node? Function, int InputNr, int[] Shape);

/// <summary>
/// One recorded operation: its torch name (<c>SigmoidBackward0</c>), the edges to its inputs, the
/// tensors it saved and the closure that maps the output gradients to input gradients.
/// </summary>
public class Node
{
    Func<Tensor, Tensor?[]>? _backward;
    Func<Tensor?[], Tensor?[]>? _multiBackward;
    static long _nextSequence;
    (Tensor Tensor, int Version, Node? Producer)[] _saved;
    bool _released;

    internal Edge[] Edges { get; }

    /// <summary>Number of outputs (1 for every built-in op; custom functions may have several).</summary>
    internal int NumOutputs { get; }

    /// <summary>Run when the node's saved state is freed (a custom function's context goes then).</summary>
    internal Action? OnRelease;

    /// <summary>Tensor hooks (register_hook, retain_grad) on output k, run on its summed gradient before the node.</summary>
    List<(int Output, Func<Tensor, Tensor?> Hook, object Key)>? _preHooks;

    // Engine bookkeeping: the pass that owns this node's task slot (0: none), claimed atomically, so that two passes
    // through one graph on two threads each keep their own counts and sums (the loser keeps its own table).
    internal long TaskOwner;
    internal NodeTask? Task;

    /// <summary>Creation order; the engine runs later nodes first, as torch does, so sums of gradients round the same way.</summary>
    internal long Sequence { get; private protected set; } = Interlocked.Increment(ref _nextSequence);

    /// <summary>torch's name for this node, e.g. <c>MulBackward0</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// torch's <c>next_functions</c>: for each input of the op, the node its gradient goes to (a leaf's
    /// <c>AccumulateGrad</c>) and which of that node's outputs it is, or (null, 0) for an input that needs no gradient.
    /// </summary>
    public IReadOnlyList<(Node? Function, int InputNr)> NextFunctions =>
        Array.ConvertAll(Edges, e => (e.Function, e.Function is null ? 0 : e.InputNr));

    internal Node(string name, Edge[] edges, Func<Tensor, Tensor?[]> backward, Tensor[] saved)
        : this(name, edges, 1, saved)
    {
        _backward = backward;
    }

    internal Node(string name, Edge[] edges, int outputs, Func<Tensor?[], Tensor?[]> backward, Tensor[] saved)
        : this(name, edges, outputs, saved)
    {
        _multiBackward = backward;
    }

    private protected Node(string name, Edge[] edges, int outputs, Tensor[] saved)
    {
        Name = name;
        Edges = edges;
        NumOutputs = outputs;
        _saved = new (Tensor, int, Node?)[saved.Length];
        for (int i = 0; i < saved.Length; i++)
        {
            _saved[i] = (saved[i], saved[i].Version, saved[i].GradFn);
            saved[i].Retain(); // a saved value outlives its tensor's Dispose until backward frees the graph
        }
    }

    /// <summary>Names this node as the producer of <paramref name="output"/> where it saved its own output (error messages).</summary>
    internal void MarkOutput(Tensor output)
    {
        for (int i = 0; i < _saved.Length; i++)
            if (ReferenceEquals(_saved[i].Tensor, output)) _saved[i].Producer = this;
    }

    internal bool HasPreHooks => _preHooks is { Count: > 0 };

    internal void AddPreHook(int output, Func<Tensor, Tensor?> hook, object key)
    {
        lock (this) _preHooks = [.. _preHooks ?? [], (output, hook, key)];
    }

    internal void RemovePreHook(object key)
    {
        lock (this) _preHooks = _preHooks?.Where(h => !ReferenceEquals(h.Key, key)).ToList();
    }

    /// <summary>Runs the tensor hooks of output <paramref name="output"/>: each may replace the gradient.</summary>
    internal Tensor RunPreHooks(int output, Tensor grad)
    {
        var hooks = _preHooks;
        if (hooks is null) return grad;
        foreach (var (o, hook, _) in hooks)
            if (o == output && hook(grad) is Tensor replaced)
            {
                if (!replaced.ShapeArray.AsSpan().SequenceEqual(grad.ShapeArray))
                    throw new InvalidOperationException($"hook 'hook' has changed the size of value: expected {ShapeMath.FormatList(grad.ShapeArray)} but got {ShapeMath.FormatList(replaced.ShapeArray)}");
                grad = replaced;
            }
        return grad;
    }

    /// <summary>Throws torch's error when a saved tensor was overwritten in place after it was saved.</summary>
    internal void CheckSavedVersions()
    {
        if (_released)
            throw new InvalidOperationException(Spelling.Of(
                "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .Backward() or Torch.Autograd.Grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling Backward.",
                "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."));
        foreach (var (tensor, version, producer) in _saved)
        {
            if (tensor.Version == version) continue;
            string type = tensor.DType.LegacyTypeName();
            string origin = producer is null ? "" : $", which is output 0 of {producer.Name},";
            throw new InvalidOperationException($"one of the variables needed for gradient computation has been modified by an inplace operation: [{type} {ShapeMath.FormatList(tensor.ShapeArray)}]{origin} is at version {tensor.Version}; expected version {version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
        }
    }

    /// <summary>Gradients for each edge (null where an input needs none), from one gradient per output (null: none arrived).</summary>
    internal virtual Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        CheckSavedVersions();
        if (_multiBackward is not null) return _multiBackward(gradOutputs);
        return gradOutputs[0] is Tensor g ? _backward!(g) : new Tensor?[Edges.Length];
    }

    /// <summary>Frees saved tensors after a backward without retain_graph; nodes that saved nothing stay usable, as in torch.</summary>
    internal void Release()
    {
        if (_saved.Length == 0 && OnRelease is null) return;
        lock (this)
        {
            if (_released) return;
            foreach (var (tensor, _, _) in _saved) tensor.Unref();
            _saved = [];
            _backward = null;
            _multiBackward = null;
            _released = true;
        }
        var onRelease = Interlocked.Exchange(ref OnRelease, null);
        onRelease?.Invoke();
    }

    /// <summary><c>&lt;Name&gt;</c>, e.g. <c>&lt;AddBackward0&gt;</c>.</summary>
    public override string ToString() => $"<{Name}>";
}

/// <summary>A node's state in one backward pass: edges still to arrive and the gradients summed so far, per output.</summary>
internal sealed class NodeTask
{
    public int Dependencies;
    public bool Ran;
    public bool Needed = true; // on a path to an input of autograd.grad (always, for backward)
    public bool Leads = true;  // reaches such an input through its edges
    public Tensor?[] Grads = [];

    public void Reset(int outputs)
    {
        Dependencies = 0;
        Ran = false;
        Needed = true;
        Leads = true;
        if (Grads.Length != outputs) Grads = new Tensor?[outputs];
        else Array.Clear(Grads);
    }
}

namespace Bridge.Autograd;

/// <summary>Where a node sends the gradient of one of its inputs: another node, or a leaf's .grad.</summary>
internal readonly record struct Edge(Node? Function, Tensor? Leaf, int[] Shape);

/// <summary>
/// One recorded operation: its torch name (<c>SigmoidBackward0</c>), the edges to its inputs, the
/// tensors it saved and the closure that maps the output gradient to input gradients.
/// </summary>
public sealed class Node
{
    Func<Tensor, Tensor?[]>? _backward;
    static long _nextSequence;
    (Tensor Tensor, int Version, Node? Producer)[] _saved;
    bool _released;

    internal Edge[] Edges { get; }

    // Engine bookkeeping for the backward pass that last stamped this node (no per-pass dictionaries).
    internal long PassId;
    internal int Dependencies;
    internal Tensor? PendingGrad;

    /// <summary>Creation order; the engine runs later nodes first, as torch does, so sums of gradients round the same way.</summary>
    internal long Sequence { get; } = Interlocked.Increment(ref _nextSequence);

    /// <summary>torch's name for this node, e.g. <c>MulBackward0</c>.</summary>
    public string Name { get; }

    internal Node(string name, Edge[] edges, Func<Tensor, Tensor?[]> backward, Tensor[] saved)
    {
        Name = name;
        Edges = edges;
        _backward = backward;
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

    /// <summary>Gradients for each edge (null where an input needs none).</summary>
    internal Tensor?[] Apply(Tensor gradOutput)
    {
        if (_released || _backward is null)
            throw new InvalidOperationException("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
        foreach (var (tensor, version, producer) in _saved)
        {
            if (tensor.Version == version) continue;
            string type = tensor.DType switch { DType.Float64 => "torch.DoubleTensor", DType.Int64 => "torch.LongTensor", DType.Bool => "torch.BoolTensor", _ => "torch.FloatTensor" };
            string origin = producer is null ? "" : $", which is output 0 of {producer.Name},";
            throw new InvalidOperationException($"one of the variables needed for gradient computation has been modified by an inplace operation: [{type} {ShapeMath.FormatList(tensor.ShapeArray)}]{origin} is at version {tensor.Version}; expected version {version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
        }
        return _backward(gradOutput);
    }

    /// <summary>Frees saved tensors after a backward without retain_graph; nodes that saved nothing stay usable, as in torch.</summary>
    internal void Release()
    {
        if (_saved.Length == 0) return;
        foreach (var (tensor, _, _) in _saved) tensor.Unref();
        _saved = [];
        _backward = null;
        _released = true;
    }

    public override string ToString() => $"<{Name}>";
}

using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge.Autograd;

/// <summary>
/// Reverse-mode execution of the recorded graph: nodes run latest-created first (torch's order), each
/// gradient is summed back to its input's shape once here (broadcasting), and leaves accumulate with +=.
/// </summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        // Every intermediate gradient dies with the pass; the leaves' grads leave the scope through their slots.
        using var temporaries = new DisposeScope();
        if (!root.RequiresGrad)
            throw new InvalidOperationException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (gradient is null)
        {
            if (root.Numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
            gradient = Torch.Full(root.ShapeArray, 1.0, root.DType, device: root.Device);
        }
        else if (!gradient.ShapeArray.AsSpan().SequenceEqual(root.ShapeArray))
        {
            throw new ArgumentException($"Mismatch in shape: grad_output[0] has a shape of {gradient.Shape} and output[0] has a shape of {root.Shape}.");
        }

        using var noGrad = GradMode.Set(false);
        _depth++;
        try
        {
            if (root.GradFn is null)
            {
                Accumulate(root, gradient);
                if (root.HasGradHooks) root.RunGradHooks();
            }
            else
            {
                RunGraph(root.GradFn, gradient, retainGraph);
            }
            RunCallbacks();
        }
        finally
        {
            if (--_depth == 0) _callbacks?.Clear();
        }
    }

    [ThreadStatic] static int _depth;
    [ThreadStatic] static List<Action>? _callbacks;

    /// <summary>True while a backward pass runs on this thread.</summary>
    internal static bool IsRunning => _depth > 0;

    /// <summary>Work queued by <see cref="ExecutionEngine.QueueCallback"/> for the end of this thread's pass.</summary>
    internal static List<Action> Callbacks => _callbacks ??= [];

    static void RunCallbacks()
    {
        if (_callbacks is null || _depth != 1) return; // a nested pass leaves them to the outermost one
        for (int i = 0; i < _callbacks.Count; i++) _callbacks[i](); // a callback may queue another
        _callbacks.Clear();
    }

    static void RunGraph(Node rootNode, Tensor gradient, bool retainGraph)
    {
        // Each pass stamps the nodes it reaches and keeps its counts and pending sums on them, which costs
        // no hashing; one graph must not run two backward passes at once (its saved tensors are freed anyway).
        long pass = Interlocked.Increment(ref _nextPass);
        List<Tensor>? hooked = null; // leaves with gradient hooks, made only when there are some
        var nodes = CountDependencies(rootNode, pass, ref hooked);
        rootNode.PendingGrad = gradient;
        var ready = new PriorityQueue<Node, long>();
        ready.Enqueue(rootNode, -rootNode.Sequence);
        try
        {
            while (ready.TryDequeue(out var node, out _))
            {
                var grad = node.PendingGrad!;
                node.PendingGrad = null;
                node.Dependencies = Visited;
                var inputGrads = node.Apply(grad);
                for (int i = 0; i < node.Edges.Length; i++)
                {
                    var edge = node.Edges[i];
                    var g = i < inputGrads.Length ? inputGrads[i] : null;
                    if (edge.Function is null && edge.Leaf is null) continue;
                    if (g is null)
                    {
                        if (edge.Leaf is not null) LeafEdgeDone(edge.Leaf, pass, gotGrad: false);
                        if (edge.Function is Node skipped && --skipped.Dependencies == 0 && skipped.PendingGrad is not null)
                            ready.Enqueue(skipped, -skipped.Sequence);
                        continue;
                    }
                    g = SumToShape(g, edge.Shape);
                    if (edge.Leaf is not null)
                    {
                        Accumulate(edge.Leaf, g);
                        LeafEdgeDone(edge.Leaf, pass, gotGrad: true);
                        continue;
                    }
                    var next = edge.Function!;
                    next.PendingGrad = next.PendingGrad is Tensor sum ? sum + g : g;
                    if (--next.Dependencies == 0) ready.Enqueue(next, -next.Sequence);
                }
            }
        }
        finally
        {
            // Drop sums that never ran (branches whose every input gradient was None).
            foreach (var node in nodes) node.PendingGrad = null;
        }
        if (!retainGraph)
            foreach (var node in nodes)
                if (node.Dependencies == Visited) node.Release();
        // A leaf also reached through a branch that never ran still got its gradient: its hooks run now.
        foreach (var leaf in hooked ?? [])
            if (leaf.HookPass == pass && leaf.HookPending > 0 && leaf.HookGotGrad)
            {
                leaf.HookPending = 0;
                leaf.RunGradHooks();
            }
    }

    /// <summary>One gradient edge into a hooked leaf has been handled; after the last, its hooks run.</summary>
    static void LeafEdgeDone(Tensor leaf, long pass, bool gotGrad)
    {
        if (leaf.HookPass != pass) return;
        leaf.HookGotGrad |= gotGrad;
        if (--leaf.HookPending == 0 && leaf.HookGotGrad) leaf.RunGradHooks();
    }

    static long _nextPass;

    /// <summary>Marks a node whose backward ran in the current pass.</summary>
    const int Visited = -1;

    /// <summary>Stamps every node reachable from <paramref name="root"/> with the number of edges into it.</summary>
    static List<Node> CountDependencies(Node root, long pass, ref List<Tensor>? hooked)
    {
        var nodes = new List<Node> { root };
        root.PassId = pass;
        root.Dependencies = 0;
        root.PendingGrad = null;
        for (int k = 0; k < nodes.Count; k++)
        {
            foreach (var edge in nodes[k].Edges)
            {
                if (edge.Leaf is { HasGradHooks: true } leaf) CountHookedLeafEdge(leaf, pass, hooked ??= []);
                if (edge.Function is not Node f) continue;
                if (f.PassId == pass)
                {
                    f.Dependencies++;
                    continue;
                }
                f.PassId = pass;
                f.Dependencies = 1;
                f.PendingGrad = null;
                nodes.Add(f);
            }
        }
        return nodes;
    }

    /// <summary>Counts the gradient edges into a leaf with hooks, so that they run once, after the last.</summary>
    static void CountHookedLeafEdge(Tensor leaf, long pass, List<Tensor> hooked)
    {
        if (leaf.HookPass == pass)
        {
            leaf.HookPending++;
            return;
        }
        leaf.HookPass = pass;
        leaf.HookPending = 1;
        leaf.HookGotGrad = false;
        hooked.Add(leaf);
    }

    /// <summary>Sums a broadcast gradient back to the shape of the input it belongs to.</summary>
    internal static Tensor SumToShape(Tensor grad, int[] shape)
    {
        if (grad.ShapeArray.AsSpan().SequenceEqual(shape)) return grad;
        int lead = grad.Dim() - shape.Length;
        var dims = new List<int>();
        for (int d = 0; d < grad.Dim(); d++)
            if (d < lead || (shape[d - lead] == 1 && grad.ShapeArray[d] != 1)) dims.Add(d);
        var summed = dims.Count == 0 ? grad : grad.Sum(dims.ToArray(), keepDim: true);
        return summed.Reshape(shape);
    }

    /// <summary>leaf.grad += g (a private copy the first time, in place afterwards so the grad tensor keeps its identity).</summary>
    static void Accumulate(Tensor leaf, Tensor g)
    {
        if (leaf.Grad is null)
        {
            var copy = Tensor.Allocate(leaf.ShapeArray, leaf.DType, leaf.Device, zero: false);
            Backend.Copy(g, copy);
            leaf.Grad = copy;
            copy.Dispose(); // the grad slot's reference is the only one left
        }
        else
        {
            leaf.Grad.Add_(g);
        }
    }
}

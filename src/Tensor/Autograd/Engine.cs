namespace Bridge.Autograd;

/// <summary>
/// Reverse-mode execution of the recorded graph: nodes run latest-created first (torch's order), each
/// gradient is summed back to its input's shape once here (broadcasting), gradients into one node are summed before
/// it runs, and leaves accumulate once per pass through their <see cref="AccumulateGrad"/> node.
/// </summary>
internal static class Engine
{
    /// <summary>tensor.backward(gradient): accumulates into the leaves' .grad.</summary>
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, bool createGraph = false)
    {
        Run([root], [gradient], retainGraph, createGraph, inputs: null, allowUnused: false);
    }

    /// <summary>
    /// torch.autograd.grad / tensor.backward: runs the graph from <paramref name="roots"/>; with <paramref name="inputs"/>
    /// returns the gradient reaching each of them (leaves' .grad untouched), else accumulates into every leaf.
    /// </summary>
    public static Tensor?[] Run(Tensor[] roots, Tensor?[] gradients, bool retainGraph, bool createGraph, Tensor[]? inputs, bool allowUnused)
    {
        if (roots.Length != gradients.Length)
            throw new ArgumentException($"grad requires one grad_output per output: got {gradients.Length} grad_outputs for {roots.Length} outputs");
        // Every intermediate gradient dies with the pass; the leaves' grads leave the scope through their slots.
        using var temporaries = new DisposeScope();
        var rootEdges = new Edge[roots.Length];
        var rootGrads = new Tensor[roots.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            var root = roots[i];
            if (!root.RequiresGrad)
                throw new InvalidOperationException($"element {i} of tensors does not require grad and does not have a grad_fn");
            var gradient = gradients[i];
            if (gradient is null)
            {
                if (root.Numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
                gradient = Torch.Full(root.ShapeArray, 1.0, root.DType, device: root.Device);
            }
            else if (!gradient.ShapeArray.AsSpan().SequenceEqual(root.ShapeArray))
            {
                throw new ArgumentException($"Mismatch in shape: grad_output[{i}] has a shape of {gradient.Shape} and output[{i}] has a shape of {root.Shape}.");
            }
            rootEdges[i] = root.GradientEdge();
            rootGrads[i] = gradient;
        }
        Edge[]? inputEdges = null;
        if (inputs is not null)
        {
            inputEdges = new Edge[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!inputs[i].RequiresGrad) throw new InvalidOperationException($"One of the differentiated Tensors does not require grad");
                inputEdges[i] = inputs[i].GradientEdge();
            }
        }

        using var mode = GradMode.Set(createGraph);
        _depth++;
        try
        {
            var pass = new Pass(retainGraph, inputEdges);
            var captured = pass.Execute(rootEdges, rootGrads);
            RunCallbacks();
            if (inputs is null) return [];
            for (int i = 0; i < captured.Length; i++)
            {
                if (captured[i] is null && !allowUnused)
                    throw new InvalidOperationException("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
                captured[i]?.MoveToOuterDisposeScope();
            }
            return captured;
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

    static long _nextPass;

    /// <summary>One backward pass: the nodes it reaches, their tasks, and what it captures for autograd.grad.</summary>
    sealed class Pass(bool retainGraph, Edge[]? inputEdges)
    {
        readonly long _id = Interlocked.Increment(ref _nextPass);
        readonly List<Node> _nodes = [];
        long _tick; // ties (accumulators) run in the order they became ready: leaves in reverse order of use
        readonly List<Node> _owned = []; // nodes whose task slot this pass claimed
        Dictionary<Node, NodeTask>? _side; // tasks of nodes another pass (or an outer one on this thread) holds
        Tensor?[] _captured = [];

        NodeTask TaskOf(Node n) => n.TaskOwner == _id ? n.Task! : _side![n];

        /// <summary>Registers <paramref name="n"/> in this pass, with a fresh task.</summary>
        NodeTask Claim(Node n)
        {
            NodeTask task;
            if (Interlocked.CompareExchange(ref n.TaskOwner, _id, 0) == 0)
            {
                task = n.Task ??= new NodeTask();
                _owned.Add(n);
            }
            else
            {
                task = new NodeTask();
                (_side ??= []).Add(n, task);
            }
            task.Reset(n.NumOutputs);
            _nodes.Add(n);
            return task;
        }

        bool Known(Node n) => n.TaskOwner == _id || (_side?.ContainsKey(n) ?? false);

        public Tensor?[] Execute(Edge[] rootEdges, Tensor[] rootGrads)
        {
            try
            {
                var ready = new PriorityQueue<Node, (long, long)>();
                foreach (var e in rootEdges)
                    if (e.Function is Node f && !Known(f)) Count(f);
                if (inputEdges is not null)
                {
                    _captured = new Tensor?[inputEdges.Length];
                    MarkNeeded();
                }
                // Gradients handed to the roots count as arrivals the dependency count never saw.
                for (int i = 0; i < rootEdges.Length; i++)
                {
                    if (rootEdges[i].Function is not Node f) continue;
                    var task = TaskOf(f);
                    Add(task, rootEdges[i].InputNr, rootGrads[i]);
                }
                for (int i = 0; i < rootEdges.Length; i++)
                    if (rootEdges[i].Function is Node f && TaskOf(f).Dependencies == 0 && !SeenBefore(rootEdges, i, f)) ready.Enqueue(f, (-f.Sequence, _tick++));
                while (ready.TryDequeue(out var node, out _))
                    RunNode(node, ready);
            }
            finally
            {
                foreach (var n in _nodes) TaskOf(n).Grads.AsSpan().Clear(); // sums that never ran
                if (!retainGraph)
                    foreach (var n in _nodes)
                        if (TaskOf(n).Ran) n.Release();
                foreach (var n in _owned) Volatile.Write(ref n.TaskOwner, 0);
            }
            return _captured;
        }

        /// <summary>True when an earlier root shares node <paramref name="f"/> (each node is queued once).</summary>
        static bool SeenBefore(Edge[] roots, int i, Node f)
        {
            for (int k = 0; k < i; k++)
                if (ReferenceEquals(roots[k].Function, f)) return true;
            return false;
        }

        static void Add(NodeTask task, int slot, Tensor g)
        {
            task.Grads[slot] = task.Grads[slot] is Tensor sum ? sum + g : g;
        }

        void RunNode(Node node, PriorityQueue<Node, (long, long)> ready)
        {
            var task = TaskOf(node);
            task.Ran = true;
            var grads = task.Grads;
            for (int k = 0; k < grads.Length; k++)
                if (grads[k] is Tensor g && node.HasPreHooks) grads[k] = node.RunPreHooks(k, g);
            if (inputEdges is not null)
            {
                bool captured = false;
                for (int i = 0; i < inputEdges.Length; i++)
                    if (ReferenceEquals(inputEdges[i].Function, node) && grads[inputEdges[i].InputNr] is Tensor g)
                    {
                        _captured[i] = _captured[i] is Tensor c ? c + g : g;
                        captured = true;
                    }
                // autograd.grad never touches .grad (accumulators do not run), nor runs past an input that leads to no other.
                if (node is AccumulateGrad || (captured && !task.Leads)) return;
            }
            var inputGrads = node.Apply(grads); // backward closures read the array only while they run
            Array.Clear(grads);
            var edges = node.Edges;
            for (int i = 0; i < edges.Length; i++)
            {
                var edge = edges[i];
                if (edge.Function is not Node next) continue;
                var nextTask = TaskOf(next);
                if (i < inputGrads.Length && inputGrads[i] is Tensor g && nextTask.Needed) Add(nextTask, edge.InputNr, SumToShape(g, edge.Shape));
                if (--nextTask.Dependencies == 0)
                {
                    bool any = false;
                    foreach (var pending in nextTask.Grads) any |= pending is not null;
                    if (any) ready.Enqueue(next, (-next.Sequence, _tick++));
                    else SkipNode(next, ready); // every gradient into it was None: its inputs get none either
                }
            }
        }

        /// <summary>A node that received no gradient: its edges count as done without running it.</summary>
        void SkipNode(Node node, PriorityQueue<Node, (long, long)> ready)
        {
            var stack = new Stack<Node>();
            stack.Push(node);
            while (stack.TryPop(out var n))
                foreach (var edge in n.Edges)
                {
                    if (edge.Function is not Node next) continue;
                    var t = TaskOf(next);
                    if (--t.Dependencies != 0) continue;
                    bool any = false;
                    foreach (var pending in t.Grads) any |= pending is not null;
                    if (any) ready.Enqueue(next, (-next.Sequence, _tick++));
                    else stack.Push(next);
                }
        }

        /// <summary>Stamps every node reachable from <paramref name="root"/> with the number of edges into it.</summary>
        void Count(Node root)
        {
            Claim(root);
            var stack = new Stack<Node>();
            stack.Push(root);
            while (stack.TryPop(out var n))
                foreach (var edge in n.Edges)
                {
                    if (edge.Function is not Node f) continue;
                    if (Known(f))
                    {
                        TaskOf(f).Dependencies++;
                        continue;
                    }
                    Claim(f).Dependencies = 1;
                    stack.Push(f);
                }
        }

        /// <summary>For autograd.grad: only nodes on a path to an input run (torch's exec_info).</summary>
        void MarkNeeded()
        {
            var inputs = new HashSet<Node>();
            foreach (var e in inputEdges!)
                if (e.Function is Node f) inputs.Add(f);
            // An edge always points at an older node, and accumulators are sinks: this order is topological.
            foreach (var n in _nodes.OrderBy(n => n is AccumulateGrad ? long.MinValue : n.Sequence))
            {
                bool leads = false;
                foreach (var edge in n.Edges)
                    if (edge.Function is Node f && TaskOf(f).Needed) { leads = true; break; }
                var task = TaskOf(n);
                task.Leads = leads;
                task.Needed = leads || inputs.Contains(n);
            }
        }
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
}

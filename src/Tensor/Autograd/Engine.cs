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
        if (!root.RequiresGrad)
            throw new InvalidOperationException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (gradient is null)
        {
            if (root.Numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
            gradient = Torch.Full(root.ShapeArray, 1.0, root.DType);
        }
        else if (!gradient.ShapeArray.AsSpan().SequenceEqual(root.ShapeArray))
        {
            throw new ArgumentException($"Mismatch in shape: grad_output[0] has a shape of {gradient.Shape} and output[0] has a shape of {root.Shape}.");
        }

        using var noGrad = GradMode.Set(false);
        if (root.GradFn is null)
        {
            Accumulate(root, gradient);
            return;
        }

        var pending = new Dictionary<Node, Tensor> { [root.GradFn] = gradient };
        var dependencies = CountDependencies(root.GradFn);
        var ready = new PriorityQueue<Node, long>();
        ready.Enqueue(root.GradFn, -root.GradFn.Sequence);
        var visited = new List<Node>();
        while (ready.TryDequeue(out var node, out _))
        {
            visited.Add(node);
            var grad = pending[node];
            pending.Remove(node);
            var inputGrads = node.Apply(grad);
            for (int i = 0; i < node.Edges.Length; i++)
            {
                var edge = node.Edges[i];
                var g = i < inputGrads.Length ? inputGrads[i] : null;
                if (edge.Function is null && edge.Leaf is null) continue;
                if (g is null)
                {
                    if (edge.Function is not null && --dependencies[edge.Function] == 0 && pending.ContainsKey(edge.Function))
                        ready.Enqueue(edge.Function, -edge.Function.Sequence);
                    continue;
                }
                g = SumToShape(g, edge.Shape);
                if (edge.Leaf is not null)
                {
                    Accumulate(edge.Leaf, g);
                    continue;
                }
                var next = edge.Function!;
                pending[next] = pending.TryGetValue(next, out var sum) ? sum + g : g;
                if (--dependencies[next] == 0) ready.Enqueue(next, -next.Sequence);
            }
        }
        if (!retainGraph)
            foreach (var node in visited) node.Release();
    }

    static Dictionary<Node, int> CountDependencies(Node root)
    {
        var counts = new Dictionary<Node, int> { [root] = 0 };
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var edge in node.Edges)
            {
                if (edge.Function is null) continue;
                if (counts.TryGetValue(edge.Function, out int c)) counts[edge.Function] = c + 1;
                else
                {
                    counts[edge.Function] = 1;
                    stack.Push(edge.Function);
                }
            }
        }
        return counts;
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
            var copy = Tensor.Allocate(leaf.ShapeArray, leaf.DType, zero: false);
            CopyKernels.Copy(g, copy);
            leaf.Grad = copy;
        }
        else
        {
            leaf.Grad.Add_(g);
        }
    }
}

namespace Bridge.Autograd;

/// <summary>Attaches a backward node to an op's result when grad mode is on and an input requires grad.</summary>
internal static class Recording
{
    /// <summary>True when an op on these inputs must be recorded.</summary>
    public static bool Needed(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;
    public static bool Needed(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    /// <summary>
    /// Records <paramref name="result"/> = op(<paramref name="inputs"/>); <paramref name="backward"/> maps the output
    /// gradient to one gradient per input (any broadcast is undone by the engine). <paramref name="saved"/> lists
    /// the tensors the closure reads, whose versions are checked before it runs.
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, params Tensor[] saved)
    {
        if (!GradMode.IsEnabled) return result;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return result;
        var edges = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) edges[i] = inputs[i].GradientEdge();
        var node = new Node(name, edges, backward, saved);
        node.MarkOutput(result);
        result.GradFn = node;
        return result;
    }
}

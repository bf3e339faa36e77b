namespace Bridge.Autograd;

/// <summary>
/// Backward closures of fused nodes run their fast kernels unless the pass records a graph (<c>create_graph</c>: grad
/// mode is on inside backward); then they either compute the same gradient from recorded ops (so it can be
/// differentiated again) or, where that is not written yet, mark the gradient so that differentiating it raises an
/// error naming the op, never a silent zero.
/// </summary>
internal static class DoubleBackward
{
    /// <summary>
    /// Under create_graph, gives each gradient a node over <paramref name="dependsOn"/> whose backward throws: the
    /// gradient is right, its own derivative is not implemented for <paramref name="op"/>.
    /// </summary>
    public static Tensor?[] FirstOrderOnly(string op, Tensor?[] grads, params Tensor[] dependsOn)
    {
        if (!GradMode.IsEnabled) return grads;
        foreach (var grad in grads)
        {
            if (grad is null) continue;
            Recording.Record(grad, "NotImplemented", dependsOn, _ => throw new InvalidOperationException(
                $"the derivative for '{op}' backward is not implemented: bridge cannot differentiate {op} twice (create_graph=True through {op})"));
        }
        return grads;
    }
}

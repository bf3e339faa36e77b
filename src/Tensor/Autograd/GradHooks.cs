using Bridge.Autograd;

namespace Bridge;

// Gradient-ready hooks on leaves: what lets DistributedDataParallel start reducing a bucket of gradients while
// backward is still computing the rest (torch's register_post_accumulate_grad_hook and queue_callback).
public sealed partial class Tensor
{
    Action<Tensor>[] _gradHooks = [];

    internal bool HasGradHooks => _gradHooks.Length > 0;

    /// <summary>
    /// Runs <paramref name="hook"/>(this leaf) once per backward pass, after every gradient that pass sends to this
    /// leaf has been accumulated into <see cref="Grad"/> (torch's <c>register_post_accumulate_grad_hook</c>).
    /// Dispose the result to remove the hook.
    /// </summary>
    public IDisposable RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!IsLeaf) throw new InvalidOperationException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        if (!RequiresGrad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        lock (this) _gradHooks = [.. _gradHooks, hook];
        return new HookRemoval(this, hook);
    }

    internal void RunGradHooks()
    {
        foreach (var hook in _gradHooks) hook(this);
    }

    sealed class HookRemoval(Tensor owner, Action<Tensor> hook) : IDisposable
    {
        public void Dispose()
        {
            lock (owner) owner._gradHooks = [.. owner._gradHooks.Where(h => !ReferenceEquals(h, hook))];
        }
    }
}

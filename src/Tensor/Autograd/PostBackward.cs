namespace Bridge.Autograd;

/// <summary>
/// Callbacks run after every completed <see cref="Tensor.Backward"/>, when all leaf gradients are accumulated (what a
/// hook gets from torch's <c>Variable._execution_engine.queue_callback</c>): a parity recorder reads gradients here.
/// </summary>
public static class PostBackward
{
    static readonly List<Action> s_hooks = [];

    /// <summary>Runs <paramref name="hook"/> after each backward pass on any thread; dispose the result to remove it.</summary>
    public static IDisposable Register(Action hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        lock (s_hooks) s_hooks.Add(hook);
        return new Removal(hook);
    }

    internal static void Run()
    {
        Action[] hooks;
        lock (s_hooks)
        {
            if (s_hooks.Count == 0) return;
            hooks = [.. s_hooks];
        }
        foreach (var hook in hooks) hook();
    }

    sealed class Removal(Action hook) : IDisposable
    {
        public void Dispose()
        {
            lock (s_hooks) s_hooks.Remove(hook);
        }
    }
}

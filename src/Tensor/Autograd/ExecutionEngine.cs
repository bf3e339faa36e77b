namespace Bridge.Autograd;

/// <summary>The backward pass as seen by code that must act when it ends (torch's <c>Variable._execution_engine</c>).</summary>
public static class ExecutionEngine
{
    /// <summary>
    /// Runs <paramref name="callback"/> on this thread when the backward pass now running on it has finished,
    /// after every leaf's gradient and hook (torch's <c>queue_callback</c>). Callbacks of a pass that fails are dropped.
    /// </summary>
    public static void QueueCallback(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!Engine.IsRunning) throw new InvalidOperationException("queue_callback can only be called during the backward pass");
        Engine.Callbacks.Add(callback);
    }
}

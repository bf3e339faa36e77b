namespace Bridge.Autograd;

/// <summary>Whether operations record a graph on this thread (torch.is_grad_enabled).</summary>
public static class GradMode
{
    [ThreadStatic] static bool _disabled;

    public static bool IsEnabled => !_disabled;

    /// <summary>Sets the mode until the returned scope is disposed: <c>using (Torch.NoGrad()) { ... }</c>.</summary>
    public static Scope Set(bool enabled)
    {
        var scope = new Scope(!_disabled);
        _disabled = !enabled;
        return scope;
    }

    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => _disabled = !previous;
    }
}

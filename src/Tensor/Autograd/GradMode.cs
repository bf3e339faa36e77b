namespace Bridge.Autograd;

/// <summary>Whether operations record a graph on this thread (torch.is_grad_enabled).</summary>
public static class GradMode
{
    [ThreadStatic] static bool _disabled;

    /// <summary>
    /// True when operations on this thread record the autograd graph (the default); false inside <c>Torch.NoGrad()</c>.
    /// </summary>
    public static bool IsEnabled => !_disabled;

    /// <summary>Sets the mode until the returned scope is disposed: <c>using (Torch.NoGrad()) { ... }</c>.</summary>
    public static Scope Set(bool enabled)
    {
        var scope = new Scope(!_disabled);
        _disabled = !enabled;
        return scope;
    }

    /// <summary>
    /// Restores the previous grad mode when disposed; returned by <see cref="Set"/>, <c>Torch.NoGrad()</c> and
    /// <c>Torch.EnableGrad()</c>.
    /// </summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        /// <summary>Restores the grad mode that was in effect when the scope was created.</summary>
        public void Dispose() => _disabled = !previous;
    }
}

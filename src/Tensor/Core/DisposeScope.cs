namespace Bridge;

/// <summary>
/// Disposes, when it ends, every tensor created on this thread while it was the innermost open scope (TorchSharp's
/// <c>DisposeScope</c>): a training step in <c>using (Torch.NewDisposeScope()) { ... }</c> gives its temporaries'
/// memory back at the end of the step instead of at some later GC. Keep a result with <see cref="MoveToOuter(Tensor)"/>.
/// Tensors that must outlive the step by design (a leaf's gradient, optimizer state, module parameters) leave
/// their scope on their own. Scopes nest; each must be disposed on the thread that opened it.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] static DisposeScope? t_current;

    readonly DisposeScope? _outer;
    readonly List<Tensor> _tensors = [];
    bool _disposed;

    /// <summary>True for the scope the C ABI opens around each call: a result it returns is owned by its handle.</summary>
    internal bool IsCallScope { get; }

    internal DisposeScope(bool callScope = false)
    {
        _outer = t_current;
        IsCallScope = callScope;
        t_current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    internal static DisposeScope? Current => t_current;

    /// <summary>Tensors this scope will dispose (those moved out or disposed already excluded).</summary>
    public int Count => _tensors.Count(t => t.Scope == this);

    internal void Add(Tensor t)
    {
        t.Scope = this;
        _tensors.Add(t);
    }

    /// <summary>Hands <paramref name="tensor"/> to the enclosing scope (or, outside any, to the caller) so this one does not dispose it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Scope != this) return tensor;
        if (_outer is null || _outer._disposed) tensor.Scope = null;
        else _outer.Add(tensor);
        return tensor;
    }

    /// <summary>Moves several tensors out (see <see cref="MoveToOuter(Tensor)"/>).</summary>
    public void MoveToOuter(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors) MoveToOuter(t);
    }

    /// <summary>Disposes every tensor still in this scope and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (t_current != this)
            throw new InvalidOperationException("a DisposeScope must be disposed on the thread that opened it, innermost first");
        _disposed = true;
        t_current = _outer;
        // Index loop: disposing can create no tensors, but a tensor may appear twice after MoveToOuter round trips.
        for (int i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            if (t.Scope != this) continue;
            t.Scope = null;
            t.Dispose();
        }
        _tensors.Clear();
    }
}

public static partial class Torch
{
    /// <summary>
    /// Opens a scope that disposes every tensor created on this thread until it ends (use with <c>using</c>);
    /// see <see cref="DisposeScope"/>.
    /// </summary>
    public static DisposeScope NewDisposeScope() => new();
}

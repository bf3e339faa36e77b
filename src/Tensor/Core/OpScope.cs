namespace Bridge;

/// <summary>
/// A composite op's body in a dispose scope of its own, as the C ABI runs every call from Python: what the body made
/// and does not return loses its creator's reference when the op ends, so a temporary no autograd node saved is freed
/// at once and one a node saved goes when backward releases that node, instead of waiting for the caller's scope or the
/// GC. Only for bodies that keep nothing they made beyond their results (no module state):
/// <c>using var scope = new OpScope(); ... return scope.Keep(result);</c>
/// </summary>
internal readonly ref struct OpScope
{
    readonly DisposeScope _scope;

    /// <summary>Opens the op's scope on this thread.</summary>
    public OpScope() => _scope = new DisposeScope();

    /// <summary>Hands a result to the caller (its scope, or none): the op's scope will not dispose it.</summary>
    public Tensor Keep(Tensor result) => _scope.MoveToOuter(result);

    /// <summary>Hands an optional result to the caller (see <see cref="Keep(Tensor)"/>).</summary>
    public Tensor? KeepOptional(Tensor? result) => result is null ? null : _scope.MoveToOuter(result);

    /// <summary>Disposes what the op made and did not keep.</summary>
    public void Dispose() => _scope.Dispose();
}

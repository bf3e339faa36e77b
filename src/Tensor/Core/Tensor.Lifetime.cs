namespace Bridge;

/// <summary>
/// When a tensor's memory goes back to its allocator. Each tensor object holds references: one for whoever made
/// it (dropped by <see cref="Dispose"/> or the end of its <see cref="DisposeScope"/>), and one for each other holder
/// (a C ABI handle, a DLPack export, an autograd node that saved it, a leaf's <see cref="Grad"/> slot). When the
/// last goes, the tensor stops using its storage; when the storage's last tensor goes, the memory is freed at once.
/// Code that never disposes still works: the GC finalizes what nobody references.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    int _refs = 1;
    int _ownerReleased;

    /// <summary>The scope that disposes this tensor when it ends; null outside scopes or after moving out.</summary>
    internal DisposeScope? Scope;

    /// <summary>True once every holder let go (its memory is gone too unless a view or saved value still uses it).</summary>
    public bool IsDisposed => Volatile.Read(ref _refs) <= 0;

    /// <summary>
    /// Releases this tensor now. Its memory returns to the allocator (host pool or CUDA caching allocator) at once
    /// unless a view, an export, a saved autograd value or another holder still uses it. Calling it twice is harmless.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ownerReleased, 1) != 0) return;
        Scope = null;
        Unref();
    }

    /// <summary>Keeps this tensor when its dispose scope ends by handing it to the enclosing scope (none: the caller owns it).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Takes this tensor out of every dispose scope: it lives until disposed or collected.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Another holder (handle, export, saved value) starts using this tensor.</summary>
    internal void Retain()
    {
        // A tensor every holder had let go of (an alias an autograd closure kept) uses its storage again.
        if (Interlocked.Increment(ref _refs) == 1) Storage.AddUser();
    }

    /// <summary>
    /// A holder is done; the last one stops this tensor's use of its storage. The tensor object itself is left as it
    /// is: an autograd closure may still read it while another user (the saved tensor it is a view of) keeps the
    /// memory, and once the memory is freed every access throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    internal void Unref()
    {
        if (Interlocked.Decrement(ref _refs) == 0) Storage.RemoveUser();
    }

    /// <summary>
    /// A C ABI handle takes this tensor: a result made during the current call (still in that call's scope) hands its
    /// creator's reference to the handle; any other tensor gets one more reference.
    /// </summary>
    internal void AttachHandle()
    {
        if (Scope is { IsCallScope: true } scope && scope == DisposeScope.Current && Interlocked.Exchange(ref _ownerReleased, 1) == 0)
        {
            Scope = null;
            return;
        }
        Retain();
    }

    void Register(Storage storage)
    {
        storage.AddUser();
        var scope = DisposeScope.Current;
        if (scope is not null) scope.Add(this);
    }
}

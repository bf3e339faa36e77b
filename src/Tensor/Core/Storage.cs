namespace Bridge;

/// <summary>
/// A block of 64-byte aligned memory that tensors view. Its address never moves, so it can be handed to
/// NumPy, DLPack and device copies without copying. Small blocks are slices of a shared native slab, freed
/// together with it; larger ones are native memory freed by a finalizer (or <see cref="Dispose"/>),
/// the largest into a reuse pool; foreign memory is released through the callback given at wrap time.
/// </summary>
public sealed unsafe class Storage : IDisposable
{
    void* _pointer;

    /// <summary>The slab shared with other small storages that this memory is a slice of, kept alive by this reference.</summary>
    MemoryPool.Slab? _slab;

    /// <summary>Owner of native or foreign memory; its finalizer frees it, so storages without one need no finalization.</summary>
    NativeBlock? _block;

    /// <summary>Number of bytes.</summary>
    public long ByteLength { get; private set; }

    /// <summary>Bumped by every in-place write; autograd compares it with the value saved at record time.</summary>
    public int Version { get; internal set; }

    /// <summary>False when the memory came from a read-only foreign buffer.</summary>
    public bool Writable { get; }

    /// <summary>Device the memory lives on.</summary>
    public Device Device { get; }

    /// <summary>Live tensors (and exports, saved values) using this memory; the last one to go frees it (see <see cref="Tensor.Dispose"/>).</summary>
    int _users;

    /// <summary>Allocates zero-filled aligned memory.</summary>
    public Storage(long byteLength) : this(byteLength, zero: true)
    {
    }

    /// <summary>Allocates aligned memory, zero-filled only when asked (kernel results overwrite every byte).</summary>
    internal Storage(long byteLength, bool zero)
    {
        if (byteLength < 0) throw new ArgumentOutOfRangeException(nameof(byteLength), byteLength, "negative storage size");
        ByteLength = byteLength;
        Writable = true;
        Device = Device.Cpu;
        if (byteLength <= MemoryPool.SlabLimit) _pointer = MemoryPool.SlabSlice(byteLength, out _slab);
        else
        {
            _block = NativeBlock.Rent(byteLength, zero);
            _pointer = _block.Pointer;
        }
    }

    Storage(void* pointer, long byteLength, Action? release, bool writable, Device device)
    {
        _pointer = pointer;
        ByteLength = byteLength;
        _block = new NativeBlock(pointer, byteLength, release);
        Writable = writable;
        Device = device;
    }

    /// <summary>Wraps memory owned by someone else; <paramref name="release"/> runs exactly once when the storage dies.</summary>
    public static Storage Wrap(IntPtr pointer, long byteLength, Action? release, bool writable = true, Device? device = null)
    {
        if (pointer == IntPtr.Zero && byteLength > 0) throw new ArgumentException("cannot wrap a null pointer", nameof(pointer));
        return new Storage((void*)pointer, byteLength, release, writable, device ?? Device.Cpu);
    }

    /// <summary>Start address of the memory.</summary>
    public IntPtr Pointer => _pointer == null && ByteLength > 0 ? throw Disposed() : (IntPtr)_pointer;

    // CPU kernels reach memory only through Raw. Device memory must never get there: the host emulator's device
    // memory is host-addressable, so without this check a missing CUDA dispatch would silently "work" in CI.
    // Freed memory throws rather than being read: every tensor over it was disposed.
    internal void* Raw => !Compile.StepTrace.HostAccessed() && Device.Type == DeviceType.Cpu && (_pointer != null || ByteLength == 0) ? _pointer
        : Device.Type == DeviceType.Cpu ? throw Disposed()
        : throw new NotSupportedException($"CPU code reached memory on {Device}: the calling op has no {Device} implementation (see the stack trace)");

    static ObjectDisposedException Disposed() => new(nameof(Tensor),
        "the memory of this tensor was released: it, and every view of it, was disposed (Dispose, or the end of its DisposeScope); " +
        "keep a tensor with MoveToOuterDisposeScope() or DetachFromDisposeScope()");

    /// <summary>True once the memory went back to its allocator.</summary>
    public bool IsDisposed => _pointer == null && ByteLength > 0;

    /// <summary>A tensor (or export, or saved value) starts using this memory.</summary>
    internal void AddUser() => Interlocked.Increment(ref _users);

    /// <summary>A user is done; the last one frees the memory now instead of at the next GC.</summary>
    internal void RemoveUser()
    {
        if (Interlocked.Decrement(ref _users) == 0) Dispose();
    }

    /// <summary>
    /// True once the memory's address went to a consumer the engine cannot track (a NumPy array, a DLPack capsule):
    /// from then on the memory must never move, so growing it is refused.
    /// </summary>
    public bool IsAddressShared => _addressShared;

    volatile bool _addressShared;

    /// <summary>Marks the address as handed out (see <see cref="IsAddressShared"/>); it stays marked.</summary>
    internal void ShareAddress() => _addressShared = !Compile.StepTrace.HostAccessed();

    /// <summary>Grows the memory (used by <c>resize_</c>); the old contents are kept, new bytes are zero.</summary>
    internal void Grow(long byteLength)
    {
        if (byteLength <= ByteLength) return;
        // Growing moves the memory and frees the old block: a NumPy array or DLPack consumer would read freed memory.
        if (_addressShared)
            throw new InvalidOperationException("Trying to resize storage that is not resizable: NumPy or DLPack views its memory (resize a clone instead)");
        Backends.Backend.Grow(this, byteLength);
    }

    /// <summary>Grow for host memory: a bigger zeroed block with the old bytes copied over.</summary>
    internal void GrowOnHost(long byteLength)
    {
        if (_block is { Owned: false }) throw new InvalidOperationException("cannot resize a storage that wraps foreign memory");
        var fresh = new Storage(byteLength, zero: true);
        Buffer.MemoryCopy(_pointer, fresh._pointer, byteLength, ByteLength);
        _block?.Free();
        _pointer = fresh._pointer;
        (_slab, _block, ByteLength) = (fresh._slab, fresh._block, byteLength);
    }

    /// <summary>Swaps in grown device memory (already holding the old bytes); the old block is released.</summary>
    internal void ReplaceDeviceMemory(IntPtr pointer, long byteLength, Action release)
    {
        var old = _block;
        _pointer = (void*)pointer;
        // Device memory is foreign to the host pool: only its own release callback may free it.
        _block = new NativeBlock(_pointer, byteLength, release);
        ByteLength = byteLength;
        old?.Free();
    }

    /// <summary>Frees native memory now (large blocks into the reuse pool); a slab slice goes when its slab does.</summary>
    public void Dispose()
    {
        _pointer = null;
        _slab = null;
        _block?.Free();
    }
}

/// <summary>
/// Native (or foreign) memory with a finalizer. Owned blocks go back to <see cref="MemoryPool"/> when freed,
/// so the next large result of the same size reuses pages that are already mapped.
/// </summary>
internal sealed unsafe class NativeBlock
{
    nint _pointer;
    int _freed;
    readonly long _bytes;
    readonly Action? _release;

    public bool Owned { get; }
    public void* Pointer => (void*)_pointer;

    NativeBlock(void* pointer, long bytes)
    {
        _pointer = (nint)pointer;
        _bytes = bytes;
        Owned = true;
    }

    /// <summary>Foreign memory: <paramref name="release"/> runs once when the block dies.</summary>
    public NativeBlock(void* pointer, long bytes, Action? release)
    {
        _pointer = (nint)pointer;
        _bytes = bytes;
        _release = release;
    }

    public static NativeBlock Rent(long bytes, bool zero) => new(MemoryPool.RentNative(bytes, zero), bytes);

    ~NativeBlock() => Free();

    public void Free()
    {
        // Dispose and the finalizer may race; whoever flips the flag frees it. Once only, even for wrapped
        // empty buffers whose pointer may be null: their release must still run.
        if (Interlocked.Exchange(ref _freed, 1) != 0) return;
        void* p = (void*)Interlocked.Exchange(ref _pointer, 0);
        GC.SuppressFinalize(this);
        if (Owned)
        {
            MemoryPool.ReturnNative(p, _bytes);
            return;
        }
        // A release callback must never throw out of a finalizer: that would kill the process.
        try { _release?.Invoke(); } catch { }
    }
}

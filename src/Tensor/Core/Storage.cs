using System.Runtime.InteropServices;

namespace Bridge;

/// <summary>
/// A block of 64-byte aligned native memory that tensors view. Its address never moves, so it can be
/// handed to NumPy, DLPack and device copies without copying. It is freed by the GC (finalizer) or
/// by <see cref="Dispose"/>; foreign memory is released through the callback given at wrap time.
/// </summary>
public sealed unsafe class Storage : IDisposable
{
    const nuint Alignment = 64;

    void* _pointer;
    int _freed;
    Action? _release;
    readonly bool _owned;

    /// <summary>Number of bytes.</summary>
    public long ByteLength { get; private set; }

    /// <summary>Bumped by every in-place write; autograd compares it with the value saved at record time.</summary>
    public int Version { get; internal set; }

    /// <summary>False when the memory came from a read-only foreign buffer.</summary>
    public bool Writable { get; }

    /// <summary>Device the memory lives on.</summary>
    public Device Device { get; }

    /// <summary>Allocates zero-filled aligned memory.</summary>
    public Storage(long byteLength)
    {
        if (byteLength < 0) throw new ArgumentOutOfRangeException(nameof(byteLength), byteLength, "negative storage size");
        nuint size = (nuint)Math.Max(byteLength, 1);
        _pointer = NativeMemory.AlignedAlloc(size, Alignment);
        NativeMemory.Clear(_pointer, size);
        ByteLength = byteLength;
        _owned = true;
        Writable = true;
        Device = Device.Cpu;
        // Tell the GC what native memory this small object holds, so it collects garbage tensors promptly.
        if (byteLength > 0) GC.AddMemoryPressure(byteLength);
    }

    Storage(void* pointer, long byteLength, Action? release, bool writable, Device device)
    {
        _pointer = pointer;
        ByteLength = byteLength;
        _release = release;
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
    public IntPtr Pointer => _pointer == null && ByteLength > 0 ? throw new ObjectDisposedException(nameof(Storage)) : (IntPtr)_pointer;

    // CPU kernels reach memory only through Raw. Device memory must never get there: the host emulator's device
    // memory is host-addressable, so without this check a missing CUDA dispatch would silently "work" in CI.
    internal void* Raw => Device.Type == DeviceType.Cpu ? _pointer : throw new NotSupportedException($"CPU code reached memory on {Device}: the calling op has no {Device} implementation (see the stack trace)");

    /// <summary>Grows the memory (used by <c>resize_</c>); the old contents are kept, new bytes are zero.</summary>
    internal void Grow(long byteLength)
    {
        if (byteLength <= ByteLength) return;
        if (Device.IsCuda) { Backends.Cuda.CudaCopy.Grow(this, byteLength); return; } // CUDA dispatch
        if (!_owned) throw new InvalidOperationException("cannot resize a storage that wraps foreign memory");
        void* fresh = NativeMemory.AlignedAlloc((nuint)byteLength, Alignment);
        NativeMemory.Clear(fresh, (nuint)byteLength);
        Buffer.MemoryCopy(_pointer, fresh, byteLength, ByteLength);
        NativeMemory.AlignedFree(_pointer);
        GC.AddMemoryPressure(byteLength - ByteLength);
        _pointer = fresh;
        ByteLength = byteLength;
    }

    /// <summary>Swaps in grown device memory (already holding the old bytes); the old block is released.</summary>
    internal void ReplaceDeviceMemory(IntPtr pointer, long byteLength, Action release)
    {
        var old = _release;
        _pointer = (void*)pointer;
        _release = release;
        ByteLength = byteLength;
        old?.Invoke();
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~Storage() => Free();

    void Free()
    {
        // Once only, even for wrapped empty buffers whose pointer may be null: their release must still run.
        if (Interlocked.Exchange(ref _freed, 1) != 0) return;
        void* p = _pointer;
        _pointer = null;
        if (_owned)
        {
            NativeMemory.AlignedFree(p);
            if (ByteLength > 0) GC.RemoveMemoryPressure(ByteLength);
        }
        else
        {
            // A release callback must never throw out of a finalizer: that would kill the process.
            try { _release?.Invoke(); } catch { }
        }
    }
}

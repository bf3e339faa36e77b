using System.Runtime.InteropServices;

namespace Bridge.Parity;

/// <summary>
/// The slice of NumPy the numpy-interop case needs: an n-d array over raw memory (its own pinned buffer, or a
/// tensor's storage) with element writes and in-place scaling, so memory sharing with tensors can be observed.
/// </summary>
public sealed unsafe class NdArray
{
    readonly object _owner; // keeps the memory alive: a pinned buffer or the tensor whose storage this views

    public IntPtr Pointer { get; }
    public int[] Shape { get; }
    public int[] Strides { get; }
    public DType DType { get; }

    NdArray(object owner, IntPtr pointer, int[] shape, int[] strides, DType dtype) =>
        (_owner, Pointer, Shape, Strides, DType) = (owner, pointer, shape, strides, dtype);

    /// <summary>np.array(values, dtype=...): a fresh pinned buffer holding a copy of <paramref name="values"/>.</summary>
    public static NdArray Array(System.Array values, DType dtype)
    {
        var shape = Enumerable.Range(0, values.Rank).Select(values.GetLength).ToArray();
        var buffer = GC.AllocateArray<byte>(Math.Max(1, values.Length * dtype.ElementSize()), pinned: true);
        var array = new NdArray(buffer, Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0), shape, Contiguous(shape), dtype);
        int k = 0;
        foreach (var v in values) array.Write(k++, Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture));
        return array;
    }

    /// <summary>torch.from_numpy(a): a tensor over the array's memory (no copy).</summary>
    public static Tensor FromNumpy(NdArray a) => Torch.FromBlob(a.Pointer, a.Shape, a.DType, a.Strides, release: () => GC.KeepAlive(a._owner));

    /// <summary>t.numpy(): an array over the tensor's memory (no copy).</summary>
    public static NdArray Numpy(Tensor t)
    {
        if (t.RequiresGrad) throw new InvalidOperationException("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
        var pointer = t.Storage.Pointer + (nint)(t.StorageOffset * t.DType.ElementSize());
        return new NdArray(t, pointer, [.. t.Shape.Select(d => checked((int)d))], [.. t.Stride().Select(s => checked((int)s))], t.DType);
    }

    /// <summary>A tensor over the same memory, for recording.</summary>
    public Tensor AsTensor() => FromNumpy(this);

    /// <summary>a[i, j, ...] = value</summary>
    public double this[params int[] index]
    {
        get => Read(Offset(index));
        set => Write(Offset(index), value);
    }

    /// <summary>a *= factor, in place.</summary>
    public void operator *=(double factor)
    {
        foreach (int off in Offsets()) Write(off, Read(off) * factor);
    }

    int Offset(int[] index)
    {
        if (index.Length != Shape.Length) throw new IndexOutOfRangeException($"expected {Shape.Length} indices, got {index.Length}");
        int off = 0;
        for (int d = 0; d < index.Length; d++) off += (index[d] < 0 ? index[d] + Shape[d] : index[d]) * Strides[d];
        return off;
    }

    IEnumerable<int> Offsets()
    {
        int n = Shape.Aggregate(1, (a, b) => a * b);
        var index = new int[Shape.Length];
        for (int k = 0; k < n; k++)
        {
            yield return Offset(index);
            for (int d = index.Length - 1; d >= 0; d--)
            {
                if (++index[d] < Shape[d]) break;
                index[d] = 0;
            }
        }
    }

    // Element access for a contiguous fresh array uses flat positions, which equal offsets there.
    double Read(int off) => DType switch
    {
        DType.Float32 => ((float*)Pointer)[off],
        DType.Float64 => ((double*)Pointer)[off],
        DType.Int64 => ((long*)Pointer)[off],
        _ => ((byte*)Pointer)[off],
    };

    void Write(int off, double v)
    {
        switch (DType)
        {
            case DType.Float32: ((float*)Pointer)[off] = (float)v; break;
            case DType.Float64: ((double*)Pointer)[off] = v; break;
            case DType.Int64: ((long*)Pointer)[off] = (long)v; break;
            default: ((byte*)Pointer)[off] = v != 0 ? (byte)1 : (byte)0; break;
        }
    }

    static int[] Contiguous(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }
}

/// <summary>The numpy-interop case records arrays with their own dtype and shape.</summary>
public static class NdArrayRecording
{
    public static void Record(this Recorder rec, string checkpoint, string name, NdArray value, long step = 0) => rec.Record(checkpoint, name, value.AsTensor(), step);
}

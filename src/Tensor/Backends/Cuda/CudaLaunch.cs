using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Bridge.Backends.Cuda;

/// <summary>
/// The <c>Strided</c> struct of Kernels/Common.cuh: an iteration shape and up to four operands' element
/// strides (0 where broadcast), all 64-bit so that one kernel serves tensors of any size. Dims where every
/// operand is dense are merged first, so the common contiguous case reaches the kernel as one dim and skips
/// index arithmetic; <c>Narrow</c> tells the kernel that every linear index fits 32 bits (its cheaper division).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CudaStrided
{
    public const int MaxDims = 8, MaxOperands = 4;

    /// <summary>The most elements whose linear indices the kernels decompose with 32-bit division. Internal and
    /// settable: tests lower it to run the 64-bit decomposition on small tensors.</summary>
    internal static long NarrowElements = uint.MaxValue;

    public int NDim;
    public int Narrow;
    public fixed long Shape[MaxDims];
    public fixed long Stride[MaxOperands * MaxDims];

    /// <summary>Layout for <paramref name="shape"/> with one stride array per operand (operand 0 first).</summary>
    public static CudaStrided Create(long[] shape, params long[][] strides)
    {
        // Drop size-1 dims, then merge d into d+1 wherever each operand steps across them uniformly.
        var outShape = new List<long>();
        var outStrides = strides.Select(_ => new List<long>()).ToArray();
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            int last = outShape.Count - 1;
            bool merge = last >= 0;
            for (int k = 0; k < strides.Length && merge; k++) merge = outStrides[k][last] == strides[k][d] * shape[d];
            if (merge)
            {
                outShape[last] *= shape[d];
                for (int k = 0; k < strides.Length; k++) outStrides[k][last] = strides[k][d];
                continue;
            }
            outShape.Add(shape[d]);
            for (int k = 0; k < strides.Length; k++) outStrides[k].Add(strides[k][d]);
        }
        if (outShape.Count == 0)
        {
            outShape.Add(1);
            foreach (var s in outStrides) s.Add(0);
        }
        return FromLists(outShape, outStrides);
    }

    /// <summary>The 32-bit form of <see cref="Create(long[], long[][])"/>.</summary>
    public static CudaStrided Create(int[] shape, params int[][] strides) =>
        Create(ShapeMath.Widen(shape), strides.Select(s => ShapeMath.Widen(s)).ToArray());

    /// <summary>Layout without merging (reductions: the kernel needs the last dim as given).</summary>
    public static CudaStrided Exact(int[] shape, int[] strides) => FromLists([.. ShapeMath.Widen(shape)], [[.. ShapeMath.Widen(strides)]]);

    static CudaStrided FromLists(List<long> shape, List<long>[] strides)
    {
        if (shape.Count > MaxDims)
            throw new NotSupportedException($"CUDA kernels take at most {MaxDims} non-mergeable dims, got {shape.Count} ({ShapeMath.FormatList(shape.ToArray())})");
        long numel = 1;
        foreach (long size in shape) numel *= size;
        var layout = new CudaStrided { NDim = shape.Count, Narrow = numel <= NarrowElements ? 1 : 0 };
        for (int d = 0; d < shape.Count; d++)
        {
            layout.Shape[d] = shape[d];
            for (int k = 0; k < strides.Length; k++) layout.Stride[k * MaxDims + d] = strides[k][d];
        }
        return layout;
    }
}

/// <summary>Kernel parameters for cuLaunchKernel, packed inline with their sizes for validation against the PTX.</summary>
internal unsafe struct KernelArgs
{
    const int MaxBytes = 1024, MaxArgs = 16;
    fixed byte _data[MaxBytes];
    fixed int _offset[MaxArgs];
    fixed int _size[MaxArgs];
    int _used;

    public int Count { get; private set; }

    public void Add<T>(T value) where T : unmanaged
    {
        int size = sizeof(T), align = Math.Min(size, 8);
        int offset = (_used + align - 1) / align * align;
        if (Count == MaxArgs || offset + size > MaxBytes) throw new InvalidOperationException("too many kernel arguments");
        fixed (byte* d = _data) *(T*)(d + offset) = value;
        _offset[Count] = offset;
        _size[Count] = size;
        Count++;
        _used = offset + size;
    }

    public readonly int SizeOf(int i) => _size[i];

    /// <summary>kernelParams[i] = address of argument i; valid while <paramref name="self"/> stays pinned.</summary>
    public static void Fill(KernelArgs* self, void** pointers)
    {
        for (int i = 0; i < self->Count; i++) pointers[i] = self->_data + self->_offset[i];
    }
}

/// <summary>.entry name → parameter sizes in bytes, read from PTX text.</summary>
internal static partial class PtxSignatures
{
    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)")]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"\.param\s+(?:\.align\s+\d+\s+)?\.([a-z]+)(\d+)\s+[\w$]+(?:\[(\d+)\])?")]
    private static partial Regex ParamPattern();

    public static Dictionary<string, int[]> Parse(string ptx)
    {
        var result = new Dictionary<string, int[]>();
        foreach (Match m in EntryPattern().Matches(ptx))
            result[m.Groups[1].Value] = ParamPattern().Matches(m.Groups[2].Value)
                .Select(p => p.Groups[3].Success ? int.Parse(p.Groups[3].Value) * int.Parse(p.Groups[2].Value) / 8 : int.Parse(p.Groups[2].Value) / 8)
                .ToArray();
        return result;
    }
}

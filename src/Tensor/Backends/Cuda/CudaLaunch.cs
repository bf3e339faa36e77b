using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Bridge.Backends.Cuda;

/// <summary>
/// The <c>Strided</c> struct of Kernels/Common.cuh: an iteration shape and up to four operands' element
/// strides (0 where broadcast). Dims where every operand is dense are merged first, so the common
/// contiguous case reaches the kernel as one dim and skips index arithmetic.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CudaStrided
{
    public const int MaxDims = 8, MaxOperands = 4;
    public int NDim;
    public fixed int Shape[MaxDims];
    public fixed int Stride[MaxOperands * MaxDims];

    /// <summary>Layout for <paramref name="shape"/> with one stride array per operand (operand 0 first).</summary>
    public static CudaStrided Create(int[] shape, params int[][] strides)
    {
        // Drop size-1 dims, then merge d into d+1 wherever each operand steps across them uniformly.
        var dims = new List<int>();
        for (int d = 0; d < shape.Length; d++) if (shape[d] != 1) dims.Add(d);
        var outShape = new List<int>();
        var outStrides = strides.Select(_ => new List<int>()).ToArray();
        foreach (int d in dims)
        {
            int last = outShape.Count - 1;
            bool merge = last >= 0 && strides.Select((s, k) => outStrides[k][last] == s[d] * shape[d]).All(x => x);
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

    /// <summary>Layout without merging (reductions: the kernel needs the last dim as given).</summary>
    public static CudaStrided Exact(int[] shape, int[] strides) => FromLists([.. shape], [[.. strides]]);

    static CudaStrided FromLists(List<int> shape, List<int>[] strides)
    {
        if (shape.Count > MaxDims)
            throw new NotSupportedException($"CUDA kernels take at most {MaxDims} non-mergeable dims, got {shape.Count} ({ShapeMath.FormatList(shape.ToArray())})");
        var layout = new CudaStrided { NDim = shape.Count };
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

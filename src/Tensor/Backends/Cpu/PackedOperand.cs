using System.Numerics;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The B operand of C = A·B packed once into the GEMM micro-kernel's panel layout, for a caller that multiplies many
/// A against the same B: an LSTM/GRU layer's W_hhᵀ over its time steps and W_hh over the backward's. Each product is
/// bit-identical to <see cref="Backend.Gemm"/> with the unpacked B (<see cref="PackedGemm{T}.MultiplyPackedB"/>);
/// products that would not take the packed kernel there (small ones in reference order, BRIDGE_GEMM_ORDER=reference,
/// types without an FMA kernel, products too large for the int kernels) take <see cref="Backend.Gemm"/> itself with
/// the source. The buffer is packed at the first product that needs it and owned until <see cref="Dispose"/>.
/// One owner at a time: not for concurrent use. A use that does not fit what was packed (another dtype, depth or
/// result shape), or after the source was modified in place, throws instead of computing with stale panels.
/// </summary>
internal sealed unsafe class PackedOperand : IDisposable
{
    readonly Tensor _source;
    readonly int _version;
    void* _packed;
    bool _disposed;

    PackedOperand(Tensor b)
    {
        _source = b;
        _version = b.Version;
        K = b.Size32(0);
        N = b.Size32(1);
        Transposed = b.StridesArray[0] == 1 && b.StridesArray[1] != 1;
    }

    /// <summary>Rows of B: the depth of every product.</summary>
    public int K { get; }

    /// <summary>Columns of B (and of every result).</summary>
    public int N { get; }

    /// <summary>The element type it was packed for.</summary>
    public DType DType => _source.DType;

    /// <summary>True when B was a column-major view (a Linear weight's <c>.T()</c>), packed by register transposes.</summary>
    public bool Transposed { get; }

    /// <summary>Whether the packed panels have been built (only once a product took the packed kernel).</summary>
    public bool IsPacked => _packed != null;

    /// <summary>"float32 [256 x 1024] (transposed)": what was packed, for messages.</summary>
    public override string ToString() => $"{DType.ShortName()} [{K} x {N}]{(Transposed ? " (transposed)" : "")}";

    /// <summary>Takes a 2-D CPU B of any strides (the packing itself is deferred to the first product that needs it).</summary>
    /// <exception cref="ArgumentException">B is not a matrix.</exception>
    /// <exception cref="NotSupportedException">B is not on the CPU.</exception>
    public static PackedOperand PackB(Tensor b)
    {
        if (b.Dim() != 2) throw new ArgumentException($"PackedOperand: B must be a matrix, got a {b.Dim()}-D tensor");
        if (b.Device.IsCuda) throw new NotSupportedException($"PackedOperand: packed GEMM operands are CPU only, got B on {b.Device}");
        return new PackedOperand(b);
    }

    /// <summary>C (+)= A·B for A [m, K] of any strides and a contiguous C [m, N], all of B's dtype on the CPU.</summary>
    /// <exception cref="ArgumentException">A or C does not fit what was packed.</exception>
    /// <exception cref="InvalidOperationException">B was modified in place since it was packed.</exception>
    /// <exception cref="ObjectDisposedException">Used after <see cref="Dispose"/>.</exception>
    public void Multiply(Tensor a, Tensor c, bool accumulate)
    {
        Check(a, c);
        if (DType == DType.Float32) Multiply<float>(a, c, accumulate);
        else if (DType == DType.Float64) Multiply<double>(a, c, accumulate);
        else Backend.Gemm(a, _source, c, accumulate);
    }

    /// <summary>bias + A·B as <see cref="Tensor.Addmm(Tensor, Tensor, Tensor)"/> computes it without autograd (the bias added after the product, or
    /// the product accumulated onto it, as torch's addmm would for this B's layout); a new [m, N] result.</summary>
    public Tensor Addmm(Tensor? bias, Tensor a)
    {
        var result = Tensor.Allocate([a.Size32(0), N], DType, Device.Cpu, zero: false);
        using (Autograd.GradMode.Set(false))
        {
            if (bias is not null && !DType.IsHalf() && Tensor.BiasAddedLast(a, _source, N))
            {
                Multiply(a, result, accumulate: false);
                result.Add_(bias.To(DType));
            }
            else
            {
                if (bias is not null) Backend.Copy(bias.To(DType), result);
                Multiply(a, result, accumulate: bias is not null);
            }
        }
        return result;
    }

    void Check(Tensor a, Tensor c)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_source.Version != _version)
            throw new InvalidOperationException($"PackedOperand {this}: B was modified in place after it was packed; pack it again");
        if (a.Dim() != 2 || a.DType != DType || a.Device.IsCuda || a.Size32(1) != K)
            throw new ArgumentException($"PackedOperand {this}: A must be a CPU {DType.ShortName()} matrix with {K} columns, got {a.DType.ShortName()} [{string.Join(", ", a.ShapeArray)}] on {a.Device}");
        if (c.Dim() != 2 || c.DType != DType || c.Device.IsCuda || c.Size32(0) != a.Size32(0) || c.Size32(1) != N || !c.IsContiguous())
            throw new ArgumentException($"PackedOperand {this}: C must be a contiguous CPU {DType.ShortName()} [{a.Size32(0)}, {N}], got {c.DType.ShortName()} [{string.Join(", ", c.ShapeArray)}]{(c.IsContiguous() ? "" : " (not contiguous)")}");
    }

    void Multiply<T>(Tensor a, Tensor c, bool accumulate) where T : unmanaged, INumber<T>
    {
        int m = c.Size32(0);
        if (K == 0 || m == 0 || N == 0 || !Gemm.RunsPacked<T>(m, K, N) || LargeGemm.Needed(a, _source, c))
        {
            Backend.Gemm(a, _source, c, accumulate);
            return;
        }
        if (_packed == null)
        {
            var layout = new PackedGemm<T>.PackedBLayout(K, N);
            _packed = NativeMemory.AlignedAlloc((nuint)(layout.Length * sizeof(T)), 64);
            PackedGemm<T>.PackB(Pointer<T>(_source), _source.StridesArray[0], _source.StridesArray[1], K, N, (T*)_packed);
        }
        PackedGemm<T>.MultiplyPackedB(Pointer<T>(a), a.StridesArray[0], a.StridesArray[1], (T*)_packed, Pointer<T>(c), m, K, N, accumulate);
    }

    static T* Pointer<T>(Tensor t) where T : unmanaged => (T*)t.Storage.Raw + t.StorageOffset;

    /// <summary>Frees the packed panels; further products throw.</summary>
    public void Dispose()
    {
        Free();
        _disposed = true;
        GC.SuppressFinalize(this);
    }

    void Free()
    {
        if (_packed != null) NativeMemory.AlignedFree(_packed);
        _packed = null;
    }

    /// <summary>Frees the panels of an operand nobody disposed.</summary>
    ~PackedOperand() => Free();
}

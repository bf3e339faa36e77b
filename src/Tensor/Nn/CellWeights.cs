using System.Runtime.CompilerServices;
using Bridge.Autograd;
using Bridge.Backends.Cpu;
using Bridge.Compile;

namespace Bridge.Nn;

/// <summary>
/// The recurrent cells' x·Wᵀ + b with Wᵀ packed once and kept while W is unchanged: an LSTMCell/GRUCell/RNNCell is
/// called once per time step with the same weights, and packing W_hhᵀ (a transposing copy) was a third of each
/// step's products. Applies only where no autograd node is needed (inference, sampling loops): the packed product
/// is bit-identical to <see cref="Functional.Linear"/>'s. The packed copy lives as long as the weight does
/// (weakly keyed) and is rebuilt after the weight changes in place (its version) or its layout differs.
/// </summary>
internal static class CellWeights
{
    static readonly ConditionalWeakTable<Tensor, Entry> s_packed = new();

    sealed class Entry(PackedOperand packed, int version, long[] strides, long offset)
    {
        public PackedOperand Packed { get; } = packed;

        public bool Fits(Tensor w) => w.Version == version && w.StorageOffset == offset && w.Strides64.SequenceEqual(strides);
    }

    /// <summary>x·Wᵀ + b through the packed Wᵀ, or null where <see cref="Functional.Linear"/> must run (autograd, devices,
    /// other dtypes, shapes it rejects, products too small for the packed kernel, a compile trace).</summary>
    public static Tensor? Linear(Tensor x, Tensor w, Tensor? b)
    {
        if (GradMode.IsEnabled && (x.RequiresGrad || w.RequiresGrad || b is { RequiresGrad: true })) return null;
        if (StepTrace.Recording || x.Device.IsCuda || w.Device.IsCuda || b is { Device.IsCuda: true }) return null;
        if (x.Dim() != 2 || w.Dim() != 2 || x.Size(1) != w.Size(1) || x.DType != w.DType || b is not null && (b.Dim() != 1 || b.Size(0) != w.Size(0))) return null;
        int m = x.Size32(0), k = x.Size32(1), n = w.Size32(0);
        bool packs = x.DType == DType.Float32 ? Gemm.RunsPacked<float>(m, k, n) : x.DType == DType.Float64 && Gemm.RunsPacked<double>(m, k, n);
        if (!packs) return null;
        Entry entry;
        lock (s_packed)
        {
            if (!s_packed.TryGetValue(w, out entry!) || !entry.Fits(w))
            {
                if (entry is not null) entry.Packed.Dispose();
                entry = new Entry(PackedOperand.PackB(w.T()), w.Version, w.Strides64.ToArray(), w.StorageOffset);
                s_packed.AddOrUpdate(w, entry);
            }
            // Inside the lock: one operand serves one product at a time.
            return entry.Packed.Addmm(b, x);
        }
    }
}

public static partial class Functional
{
    // x·Wᵀ + b of a recurrent cell: through the kept packed Wᵀ where no autograd node is needed, else Linear.
    static Tensor CellLinear(Tensor x, Tensor w, Tensor? b) => CellWeights.Linear(x, w, b) ?? Linear(x, w, b);
}

using System.Runtime.InteropServices;

namespace Bridge.Interop;

// Factories and the random generator: torch.tensor/zeros/ones/full/arange/linspace/eye, manual_seed, rand*.
static partial class OpTable
{
    static void RegisterCreation()
    {
        Add("tensor", a => T(FromValues(a, 0, a.Ints(1), a.DType(2)).RequiresGrad_(a.Bool(3))));
        Add("zeros", a => T(Torch.Zeros(a.Longs(0).ToArray(), a.DType(1)).RequiresGrad_(a.Bool(2))));
        Add("ones", a => T(Torch.Ones(a.Longs(0).ToArray(), a.DType(1)).RequiresGrad_(a.Bool(2))));
        Add("full", a => T(Torch.Full(a.Longs(0).ToArray(), a.Double(1), a.DType(2), a.Bool(3))));
        Add("zeros_like", a => T(Torch.ZerosLike(a.Tensor(0), a.OptionalDType(1))));
        Add("ones_like", a => T(Torch.OnesLike(a.Tensor(0), a.OptionalDType(1))));
        Add("full_like", a => T(Torch.FullLike(a.Tensor(0), a.Double(1), a.OptionalDType(2))));
        Add("arange_int", a => T(Torch.Arange(a.Long(0), a.Long(1), a.Long(2))));
        Add("arange", a => T(Torch.Arange(a.Double(0), a.Double(1), a.Double(2), a.OptionalDType(3))));
        Add("linspace", a => T(Torch.Linspace(a.Double(0), a.Double(1), a.Int(2), a.OptionalDType(3))));
        Add("eye", a => T(Torch.Eye(a.Int(0), a.OptionalInt(1), a.OptionalDType(2))));

        Add("set_num_threads", a => { Torch.SetNumThreads(a.Int(0)); return Value.None; });
        Add("get_num_threads", a => Value.Int(Torch.GetNumThreads()));
        Add("manual_seed", a => { Torch.ManualSeed(unchecked((ulong)a.Long(0))); return Value.None; });
        Add("rand", a => T(Torch.Rand(a.Ints(0), a.OptionalDType(1), Gen(a, 2))));
        Add("randn", a => T(Torch.Randn(a.Ints(0), a.OptionalDType(1), Gen(a, 2))));
        Add("randint", a => T(Torch.Randint(a.Long(0), a.Long(1), a.Ints(2), Gen(a, 3))));
        Add("randperm", a => T(Torch.Randperm(a.Int(0), Gen(a, 1))));
        Add("rand_like", a => T(Torch.RandLike(a.Tensor(0))));
        Add("randn_like", a => T(Torch.RandnLike(a.Tensor(0))));
        Add("get_rng_state", a => Results.Bytes(Torch.GetRngState()));
        Add("set_rng_state", a => { Torch.SetRngState(a.Bytes(0).ToArray()); return Value.None; });
        Add("normal_", a => { a.Tensor(0).Normal_(a.Double(1), a.Double(2), Gen(a, 3)); return Value.None; });
        Add("uniform_", a => { a.Tensor(0).Uniform_(a.Double(1), a.Double(2), Gen(a, 3)); return Value.None; });
        Add("bernoulli_", a => { a.Tensor(0).Bernoulli_(a.Double(1), Gen(a, 2)); return Value.None; });
    }

    /// <summary>torch.tensor(data): a flat list of numbers (float64 or int64, as Python had them) cast to <paramref name="dtype"/>.</summary>
    static Tensor FromValues(Args a, int index, int[] shape, DType dtype)
    {
        var result = Torch.Zeros(shape, dtype);
        int n = result.Numel32;
        if (a.IsFloatList(index))
        {
            var values = a.Doubles(index);
            CheckCount(values.Length, n, shape);
            for (int i = 0; i < n; i++) Store(result, i, values[i]);
        }
        else
        {
            var values = a.Longs(index);
            CheckCount(values.Length, n, shape);
            for (int i = 0; i < n; i++) Store(result, i, values[i]);
        }
        return result;
    }

    static void CheckCount(int count, int numel, int[] shape)
    {
        if (count != numel) throw new ArgumentException($"tensor(): {count} values for shape {ShapeMath.FormatList(shape)} ({numel} elements)");
    }

    static void Store(Tensor t, int i, double v)
    {
        switch (t.DType)
        {
            case DType.Float32: t.ContiguousSpan<float>()[i] = (float)v; break;
            case DType.Float64: t.ContiguousSpan<double>()[i] = v; break;
            case DType.Int64: t.ContiguousSpan<long>()[i] = (long)v; break;
            default: Bridge.Backends.Cpu.CopyKernels.Write(t, t.StorageOffset + i, v); break;
        }
    }

    static long WrapTo(DType dtype, long v) => dtype switch
    {
        DType.Int32 => (int)v,
        DType.Int16 => (short)v,
        DType.Int8 => (sbyte)v,
        DType.UInt8 => (byte)v,
        _ => v,
    };

    static void Store(Tensor t, int i, long v)
    {
        switch (t.DType)
        {
            case DType.Float32: t.ContiguousSpan<float>()[i] = v; break;
            case DType.Float64: t.ContiguousSpan<double>()[i] = v; break;
            case DType.Int64: t.ContiguousSpan<long>()[i] = v; break;
            // Python ints wrap into the narrower integer types as torch.tensor([300], dtype=torch.int8) does.
            default: Bridge.Backends.Cpu.CopyKernels.Write(t, t.StorageOffset + i, t.DType.IsInteger() ? (double)WrapTo(t.DType, v) : v); break;
        }
    }
}

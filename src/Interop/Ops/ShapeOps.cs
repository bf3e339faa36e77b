namespace Bridge.Interop;

// Views, copies between layouts and dtypes, joining, and Python-style indexing.
static partial class OpTable
{
    static void RegisterShape()
    {
        Add("view", a => T(a.Tensor(0).View(a.Longs(1).ToArray())));
        Add("reshape", a => T(a.Tensor(0).Reshape(a.Longs(1).ToArray())));
        Add("flatten", a => T(a.Tensor(0).Flatten(a.Int(1), a.Int(2))));
        Add("transpose", a => T(a.Tensor(0).Transpose(a.Int(1), a.Int(2))));
        Unary("t", t => t.T());
        Add("permute", a => T(a.Tensor(0).Permute(a.Ints(1))));
        Unary("squeeze", t => t.Squeeze());
        Add("squeeze_dim", a => T(a.Tensor(0).Squeeze(a.Int(1))));
        Add("unsqueeze", a => T(a.Tensor(0).Unsqueeze(a.Int(1))));
        Add("expand", a => T(a.Tensor(0).Expand(a.Longs(1).ToArray())));
        Unary("contiguous", t => t.Contiguous());
        Unary("clone", t => t.Clone());
        Unary("detach", t => t.Detach());
        Add("to_dtype", a => T(a.Tensor(0).To(a.DType(1))));
        Add("to_device", a => T(a.Tensor(0).To(a.String(1))));
        Add("cuda_available", a => Value.Bool(Cuda.IsAvailable));
        Add("cuda_status", a => Results.String(Cuda.Status));
        Add("cuda_device_count", a => Value.Int(Cuda.IsAvailable ? Cuda.DeviceCount : 0));
        Add("select", a => T(a.Tensor(0).Select(a.Int(1), a.Long(2))));
        Add("select0", a => T(a.Tensor(0)[a.Long(1)])); // x[i], Python's most common index (64-bit: past 2^31 elements too)
        Add("slice", a => T(a.Tensor(0).Slice(a.Int(1), a.IsNone(2) ? null : a.Long(2), a.IsNone(3) ? null : a.Long(3), a.Long(4))));
        Add("narrow", a => T(a.Tensor(0).Narrow(a.Int(1), a.Long(2), a.Long(3))));
        Add("cat", a => T(Tensor.Cat(a.Tensors(0), a.Int(1))));
        Add("stack", a => T(Tensor.Stack(a.Tensors(0), a.Int(1))));
        InPlace("resize_", a => a.Tensor(0).Resize_(a.Ints(1)));
        Add("index", a => T(a.Tensor(0)[Indices(a.Longs(1))]));
        Add("index_put", a =>
        {
            var target = a.Tensor(0);
            var indices = Indices(a.Longs(1));
            if (a.IsTensor(2)) target[indices] = a.Tensor(2);
            else target.Set(a.Double(2), indices);
            return Value.None;
        });
    }

    /// <summary>Sentinel for an absent slice bound (Python's None) in an encoded index.</summary>
    const long NoBound = long.MinValue;

    /// <summary>
    /// Decodes Python's index tuple, sent as groups of four int64: (0, i, -, -) an integer, (1, start, stop,
    /// step) a slice with <see cref="NoBound"/> for None, (2, -, -, -) None (new axis), (3, -, -, -) Ellipsis.
    /// </summary>
    static TensorIndex[] Indices(ReadOnlySpan<long> code)
    {
        if (code.Length % 4 != 0) throw new ArgumentException($"index code of {code.Length} numbers is not a list of 4-number groups");
        var result = new TensorIndex[code.Length / 4];
        for (int k = 0; k < result.Length; k++)
        {
            var g = code.Slice(4 * k, 4);
            result[k] = g[0] switch
            {
                0 => g[1],
                1 => TensorIndex.Slice(Bound(g[1]), Bound(g[2]), g[3] == NoBound ? 1L : g[3]),
                2 => TensorIndex.NewAxis,
                3 => TensorIndex.Ellipsis,
                _ => throw new ArgumentException($"unknown index kind {g[0]}"),
            };
        }
        return result;

        static long? Bound(long b) => b == NoBound ? null : b; // out-of-range bounds clamp in Slice, like Python's
    }
}

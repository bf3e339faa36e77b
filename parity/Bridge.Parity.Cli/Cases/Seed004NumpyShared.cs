namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed004_numpy_shared.py; <see cref="NdArray"/> stands in for NumPy
/// (<c>np.array</c> → <c>NdArray.Array</c>, <c>torch.from_numpy</c> → <c>NdArray.FromNumpy</c>, <c>t.numpy()</c> → <c>NdArray.Numpy(t)</c>).</summary>
public static class Seed004NumpyShared
{
    // the seed prints these eight-decimal values for its 4x3 array
    static readonly double[,] AValues =
    {
        { 0.97449152, 0.68652824, 0.51496251 },
        { 0.46857383, 0.2098441, 0.58842778 },
        { 0.76876154, 0.35381711, 0.12912342 },
        { 0.69358891, 0.89462071, 0.86406838 },
    };

    public static void Run(Recorder rec)
    {
        var a = NdArray.Array(AValues, DType.Float64);
        var b = NdArray.FromNumpy(a);
        rec.Record("from_numpy", "array", a);
        rec.Record("from_numpy", "tensor", b);

        b.Mul_(2);
        rec.Record("after_mul", "tensor", b);
        rec.Record("after_mul", "array", a);

        // the other direction: tensor -> .numpy() -> modify the array in place
        var t = Torch.Tensor(new[,] { { 1.5, -2.0, 0.25 }, { 3.0, 4.5, -0.125 } });
        var n = NdArray.Numpy(t);
        rec.Record("to_numpy", "array", n);
        n[0, 1] = 10.0;
        n *= 3;
        rec.Record("to_numpy", "tensor_after_array_write", t);
        rec.Record("to_numpy", "array_after_write", n);

        // float32 array -> from_numpy keeps float32; tensor ops then show in the array
        var f = NdArray.Array(new[] { 0.1, 0.2, 0.3, 0.4 }, DType.Float32);
        var ft = NdArray.FromNumpy(f);
        ft.Add_(1);
        ft.Set(-1.0, 3);
        rec.Record("float32", "tensor", ft);
        rec.Record("float32", "array", f);
    }
}

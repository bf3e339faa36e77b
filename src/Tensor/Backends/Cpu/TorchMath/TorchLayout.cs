using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>
/// TensorIterator's view of a dense input whose dims are permuted (a transpose): torch gives the output the same
/// layout and runs the op over memory as one flat span. Bridge's output is row-major, so the flat result is
/// computed into a buffer in the input's memory order and then placed where each element belongs.
/// </summary>
internal static class TorchLayout
{
    /// <summary>Whether <paramref name="x"/> covers a dense block of memory in some order of its dims.</summary>
    public static bool IsDensePermuted(Tensor x)
    {
        var shape = x.ShapeArray;
        var strides = x.StridesArray;
        var dims = Enumerable.Range(0, shape.Length).Where(d => shape[d] != 1).OrderBy(d => strides[d]).ToArray();
        long expected = 1;
        foreach (int d in dims)
        {
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>Maps a dense permuted <paramref name="x"/> in its memory order into row-major <paramref name="result"/>; false when x is not dense.</summary>
    public static bool TryMapInMemoryOrder<T, TFunction>(Tensor x, Tensor result) where T : unmanaged where TFunction : ElementwiseKernels.IFunction<T>
    {
        if (!IsDensePermuted(x)) return false;
        int n = x.Numel32;
        var flat = new T[n];
        TFunction.Invoke(MemoryMarshal.CreateReadOnlySpan(ref x.Ref<T>(x.StorageOffset), n), flat);
        var cursor = new RowCursor(result.ShapeArray, result.StridesArray, result.Offset32, x.StridesArray, 0);
        ref T po = ref result.Ref<T>(0);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int oo = cursor.Offset0, ox = cursor.Offset1;
            for (int i = 0; i < cursor.RowLength; i++, oo += cursor.Step0, ox += cursor.Step1)
                Unsafe.Add(ref po, oo) = flat[ox];
        }
        return true;
    }
}

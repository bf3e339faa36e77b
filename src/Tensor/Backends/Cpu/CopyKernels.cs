using System.Runtime.CompilerServices;

namespace Bridge.Backends.Cpu;

/// <summary>Strided copies (<c>contiguous</c>, <c>copy_</c>, expand materialisation) and dtype conversion.</summary>
internal static class CopyKernels
{
    /// <summary>dst[...] = src[...] with src broadcast to dst's shape; converts when dtypes differ.</summary>
    public static void Copy(Tensor src, Tensor dst)
    {
        var strides = ShapeMath.BroadcastStrides(src.ShapeArray, src.StridesArray, dst.ShapeArray);
        if (src.DType == dst.DType)
        {
            switch (src.DType.ElementSize())
            {
                case 1: Copy<byte>(src, strides, dst); break;
                case 4: Copy<int>(src, strides, dst); break;
                case 8: Copy<long>(src, strides, dst); break;
            }
            return;
        }
        Convert(src, strides, dst);
    }

    static void Copy<T>(Tensor src, int[] srcStrides, Tensor dst) where T : unmanaged
    {
        var cursor = new RowCursor(dst.ShapeArray, dst.StridesArray, dst.StorageOffset, srcStrides, src.StorageOffset);
        ref T ps = ref src.Ref<T>(0), pd = ref dst.Ref<T>(0);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int od = cursor.Offset0, os = cursor.Offset1;
            if (cursor.Step0 == 1 && cursor.Step1 == 1)
            {
                Unsafe.CopyBlockUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref pd, od)), ref Unsafe.As<T, byte>(ref Unsafe.Add(ref ps, os)), (uint)(cursor.RowLength * Unsafe.SizeOf<T>()));
                continue;
            }
            for (int i = 0; i < cursor.RowLength; i++, od += cursor.Step0, os += cursor.Step1)
                Unsafe.Add(ref pd, od) = Unsafe.Add(ref ps, os);
        }
    }

    // Conversions go through double, which holds float32, float64 and bool exactly; int64 beyond 2^53
    // only ever converts to a float type, where the rounding is the destination's anyway.
    static void Convert(Tensor src, int[] srcStrides, Tensor dst)
    {
        var cursor = new RowCursor(dst.ShapeArray, dst.StridesArray, dst.StorageOffset, srcStrides, src.StorageOffset);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int od = cursor.Offset0, os = cursor.Offset1;
            for (int i = 0; i < cursor.RowLength; i++, od += cursor.Step0, os += cursor.Step1)
            {
                if (src.DType == DType.Int64 && dst.DType.IsFloatingPoint())
                {
                    long v = src.Ref<long>(os);
                    if (dst.DType == DType.Float32) dst.Ref<float>(od) = v;
                    else dst.Ref<double>(od) = v;
                    continue;
                }
                Write(dst, od, src.ReadAsDouble(os));
            }
        }
    }

    /// <summary>Stores a double into an element of any dtype with torch's casting rules (truncation to int, nonzero to true).</summary>
    public static void Write(Tensor t, int offset, double value)
    {
        switch (t.DType)
        {
            case DType.Float32: t.Ref<float>(offset) = (float)value; break;
            case DType.Float64: t.Ref<double>(offset) = value; break;
            case DType.Int64: t.Ref<long>(offset) = (long)value; break;
            case DType.Bool: t.Ref<byte>(offset) = value != 0 ? (byte)1 : (byte)0; break;
        }
    }

    /// <summary>Sets every element of <paramref name="t"/> (any layout) to <paramref name="value"/>.</summary>
    public static void Fill(Tensor t, double value)
    {
        if (t.IsContiguous())
        {
            switch (t.DType)
            {
                case DType.Float32: t.ContiguousSpan<float>().Fill((float)value); return;
                case DType.Float64: t.ContiguousSpan<double>().Fill(value); return;
                case DType.Int64: t.ContiguousSpan<long>().Fill((long)value); return;
                case DType.Bool: t.ContiguousSpan<byte>().Fill(value != 0 ? (byte)1 : (byte)0); return;
            }
        }
        var one = Tensor.Allocate([], t.DType);
        Write(one, 0, value);
        Copy(one, t);
    }

    /// <summary>picked[i] = input[i, classes[i]], element by element: double holds every float32/float64 value exactly.</summary>
    public static void GatherRows(Tensor input, long[] classes, Tensor picked)
    {
        int rowStride = input.StridesArray[0], colStride = input.StridesArray[1];
        for (int i = 0; i < classes.Length; i++)
            Write(picked, i, input.ReadAsDouble(input.StorageOffset + i * rowStride + (int)classes[i] * colStride));
    }
}

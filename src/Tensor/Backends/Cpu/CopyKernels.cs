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
                case 2: Copy<short>(src, strides, dst); break;
                case 4: Copy<int>(src, strides, dst); break;
                case 8: Copy<long>(src, strides, dst); break;
            }
            return;
        }
        Convert(src, strides, dst);
    }

    static void Copy<T>(Tensor src, int[] srcStrides, Tensor dst) where T : unmanaged
    {
        var cursor = new RowCursor(dst.ShapeArray, dst.StridesArray, dst.Offset32, srcStrides, src.Offset32);
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

    // Conversions go through double, which holds every value of every dtype exactly except int64 beyond 2^53;
    // int64 converts to the float types through float32 (torch's static_cast), so it never rounds twice.
    static void Convert(Tensor src, int[] srcStrides, Tensor dst)
    {
        var cursor = new RowCursor(dst.ShapeArray, dst.StridesArray, dst.Offset32, srcStrides, src.Offset32);
        bool wideInteger = src.DType == DType.Int64;
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int od = cursor.Offset0, os = cursor.Offset1;
            for (int i = 0; i < cursor.RowLength; i++, od += cursor.Step0, os += cursor.Step1)
            {
                if (wideInteger) WriteInteger(dst, od, src.Ref<long>(os));
                else Write(dst, od, src.ReadAsDouble(os));
            }
        }
    }

    /// <summary>Stores an int64 into an element of any dtype: wraps into narrower integers, rounds once into floats.</summary>
    static void WriteInteger(Tensor t, long offset, long value)
    {
        switch (t.DType)
        {
            case DType.Float64: t.Ref<double>(offset) = value; break;
            case DType.Float32: t.Ref<float>(offset) = value; break;
            case DType.Float16: t.Ref<Half>(offset) = (Half)(float)value; break;
            case DType.BFloat16: t.Ref<BFloat16>(offset) = (BFloat16)(float)value; break;
            case DType.Int64: t.Ref<long>(offset) = value; break;
            case DType.Int32: t.Ref<int>(offset) = (int)value; break;
            case DType.Int16: t.Ref<short>(offset) = (short)value; break;
            case DType.Int8: t.Ref<sbyte>(offset) = (sbyte)value; break;
            case DType.UInt8: t.Ref<byte>(offset) = (byte)value; break;
            case DType.Bool: t.Ref<byte>(offset) = value != 0 ? (byte)1 : (byte)0; break;
        }
    }

    /// <summary>
    /// Stores a double into an element of any dtype with torch's casting rules: floats truncate toward zero into
    /// integers (x86's conversion: into int64 for int64, else into int32 and then wrapped, so out-of-range values
    /// come out as torch's CPU gives them), nonzero is true, half types round through float32 as c10's do.
    /// </summary>
    public static void Write(Tensor t, long offset, double value)
    {
        switch (t.DType)
        {
            case DType.Float32: t.Ref<float>(offset) = (float)value; break;
            case DType.Float64: t.Ref<double>(offset) = value; break;
            case DType.Float16: t.Ref<Half>(offset) = (Half)(float)value; break;
            case DType.BFloat16: t.Ref<BFloat16>(offset) = (BFloat16)(float)value; break;
            case DType.Bool: t.Ref<byte>(offset) = value != 0 ? (byte)1 : (byte)0; break;
            case DType.Int64: t.Ref<long>(offset) = ToInt64(value); break;
            default: WriteInteger(t, offset, ToInt32(value)); break;
        }
    }

    /// <summary>Truncation toward zero; NaN and values outside int64 give int64's minimum, as x86's cvttsd2si does for torch.</summary>
    static long ToInt64(double value) => double.IsNaN(value) || value >= 9.2233720368547758E18 || value < -9.2233720368547758E18 ? long.MinValue : (long)value;

    /// <summary>The same into int32 (cvttss2si), the step torch's casts to int8, uint8, int16 and int32 take.</summary>
    static int ToInt32(double value) => double.IsNaN(value) || value >= 2147483648.0 || value <= -2147483649.0 ? int.MinValue : (int)value;

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

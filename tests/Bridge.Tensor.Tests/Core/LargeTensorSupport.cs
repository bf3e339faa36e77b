using System.Reflection;

namespace Bridge.Tests.Core;

/// <summary>
/// Helpers for the tests of tensors past 2^31 elements. Real ones are uint8/bool of 2 GiB; the piecewise logic is also
/// checked on small tensors made "large" in the way the int kernels see it: a view whose storage offset lies past
/// int.MaxValue (<see cref="Far"/>), with the piece size lowered (<see cref="SmallPieces"/>) so that every path
/// (pieces of lines, groups of lines, folds of one long line) runs on a few hundred elements of any dtype.
/// </summary>
internal static class LargeTensorSupport
{
    /// <summary>
    /// Real 2 GiB tensors run only with BRIDGE_LARGE_TESTS=1, in a CPU run: one after another they held more than a
    /// 24 GiB machine has (the test host was killed for memory in `make test`), and their piecewise paths are checked
    /// on far views (<see cref="Far"/>) in seconds in every run. Each starts after a full collection, so an earlier
    /// test's 2 GiB tensors are gone first. <paramref name="slow"/> marks the ones that take minutes on 2 cores.
    /// </summary>
    public static void RealSize(bool slow = false)
    {
        if (Bridge.Tests.Cuda.TestDevice.Current.IsCuda) Assert.Inconclusive("2 GiB CPU tensors: checked in a CPU run only");
        if (Environment.GetEnvironmentVariable("BRIDGE_LARGE_TESTS") != "1")
            Assert.Inconclusive((slow ? "minutes on 2 cores and " : "") + "2 GiB or more of memory per test: BRIDGE_LARGE_TESTS=1 runs it " +
                "(its piecewise path is checked on far views in seconds)");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Just past int.MaxValue elements.</summary>
    public const long N = (1L << 31) + 7;

    /// <summary>Where <see cref="Far"/> views start: the first offset the int kernels cannot address.</summary>
    public const long FarOffset = 1L << 31;

    /// <summary>
    /// A view of <paramref name="small"/>'s elements (contiguous, kept alive by the caller) through a storage whose
    /// pointer starts <see cref="FarOffset"/> elements before them: the same values at a storage offset past
    /// int.MaxValue, which sends every op down its 64-bit path. Only the elements at and after the offset are real
    /// memory, and only they are read (the offset is where the view begins).
    /// </summary>
    public static unsafe Tensor Far(Tensor small, long[]? strides = null)
    {
        Assert.IsTrue(small.IsContiguous() && small.StorageOffset == 0);
        int size = small.DType switch { DType.Float64 or DType.Int64 => 8, DType.Float32 or DType.Int32 => 4, DType.Float16 or DType.BFloat16 or DType.Int16 => 2, _ => 1 };
        var start = (byte*)small.Storage.Pointer - FarOffset * size;
        var storage = Storage.Wrap((IntPtr)start, (FarOffset + small.Numel()) * size, release: null);
        var far = Tensor.FromStorage(storage, small.DType, small.Shape.ToArray(), strides ?? small.Stride(), FarOffset);
        Assert.AreEqual(FarOffset, far.StorageOffset);
        return far;
    }

    /// <summary>Lowers the piece size of the line-walking ops (Tensor.LinePiece) for the scope's lifetime.</summary>
    public static IDisposable SmallPieces(long elements) => new Setting(typeof(Tensor), "LinePiece", elements);

    /// <summary>Lowers an internal static field of type long for the scope's lifetime.</summary>
    public static IDisposable Lowered(Type type, string field, long value) => new Setting(type, field, value);

    sealed class Setting : IDisposable
    {
        readonly FieldInfo _field;
        readonly object _old;

        public Setting(Type type, string name, long value)
        {
            _field = type.GetField(name, BindingFlags.NonPublic | BindingFlags.Static) ?? throw new MissingFieldException(type.Name, name);
            _old = _field.GetValue(null)!;
            _field.SetValue(null, value);
        }

        public void Dispose() => _field.SetValue(null, _old);
    }

    /// <summary>Values and shape equal (exactly: integer, bool and selected values).</summary>
    public static void Same(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shape");
        Assert.AreEqual(expected.DType, actual.DType, $"{what}: dtype");
        CollectionAssert.AreEqual(expected.ToDoubleArray(), actual.ToDoubleArray(), $"{what}: values");
    }

    /// <summary>Shape and dtype equal, values within a relative <paramref name="rtol"/> (float sums in another order).</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol, string what)
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shape");
        Assert.AreEqual(expected.DType, actual.DType, $"{what}: dtype");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.IsTrue(Math.Abs(e[i] - a[i]) <= rtol * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]:R}, got {a[i]:R}");
    }
}

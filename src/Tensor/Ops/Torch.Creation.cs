using System.Runtime.CompilerServices;
using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge;

/// <summary>
/// torch's module-level functions in .NET casing: <c>Torch.Zeros(2, 3)</c>, <c>Torch.Tensor(new[,] {{ 0.1, 0.3 }})</c>,
/// <c>Torch.Sigmoid(x)</c>, so a C# port of a PyTorch script reads line for line.
/// </summary>
public static partial class Torch
{
    /// <summary>The default floating dtype (float32), used for data given as C# doubles as torch uses it for Python floats.</summary>
    public static DType DefaultDType => DType.Float32;

    /// <summary>
    /// Where factory functions put tensors when no device is given (torch.set_default_device); cpu unless set.
    /// Tensors made from existing tensors (ZerosLike, op results) follow their inputs instead.
    /// </summary>
    public static Device DefaultDevice { get; set; } = Device.Cpu;

    /// <summary>
    /// A tensor copied from a C# array of any rank: float and double elements give the default dtype, long and int
    /// int64, bool bool; byte, sbyte, short, Half and BFloat16 elements their own dtype.
    /// </summary>
    public static Tensor Tensor(Array data, DType? dtype = null, bool requiresGrad = false, Device? device = null)
    {
        var element = data.GetType().GetElementType()!;
        var inferred = element == typeof(double) || element == typeof(float) ? DefaultDType
            : element == typeof(long) || element == typeof(int) ? DType.Int64
            : element == typeof(bool) ? DType.Bool
            : element == typeof(byte) ? DType.UInt8
            : element == typeof(sbyte) ? DType.Int8
            : element == typeof(short) ? DType.Int16
            : element == typeof(Half) ? DType.Float16
            : element == typeof(BFloat16) ? DType.BFloat16
            : throw new ArgumentException($"could not infer dtype of {element.Name}");
        var shape = Enumerable.Range(0, data.Rank).Select(data.GetLength).ToArray();
        var t = Bridge.Tensor.Allocate(shape, dtype ?? inferred);
        if (TryCopyPrimitive(data, t)) return t.To(device ?? DefaultDevice).RequiresGrad_(requiresGrad);
        int k = 0;
        foreach (var value in data)
        {
            if (value is long exact && t.DType == DType.Int64) t.ContiguousSpan<long>()[k++] = exact; // a double would round above 2^53
            else Backend.Write(t, k++, value switch
            {
                bool b => b ? 1 : 0,
                Half h => (double)h,        // neither half type is IConvertible
                BFloat16 bf => bf,
                _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return t.To(device ?? DefaultDevice).RequiresGrad_(requiresGrad);
    }

    /// <summary>A 0-d tensor holding <paramref name="value"/>.</summary>
    public static Tensor Tensor(double value, DType? dtype = null, bool requiresGrad = false, Device? device = null) => Full(Array.Empty<int>(), value, dtype, requiresGrad, device);

    /// <summary>
    /// A tensor of <paramref name="shape"/> filled with 0. The default dtype is <see cref="Torch.DefaultDType"/>
    /// (float32 unless set); the device <see cref="Torch.DefaultDevice"/>.
    /// </summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Zeros(params int[] shape) => Full(shape, 0);
    /// <summary>
    /// A tensor of <paramref name="shape"/> filled with 0, of <paramref name="dtype"/>, on <paramref name="device"/>
    /// (default <see cref="DefaultDevice"/>).
    /// </summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Zeros(int[] shape, DType dtype, Device? device = null) => Full(shape, 0, dtype, device: device);
    /// <summary>
    /// A tensor of <paramref name="shape"/> filled with 1. The default dtype is <see cref="Torch.DefaultDType"/>
    /// (float32 unless set); the device <see cref="Torch.DefaultDevice"/>.
    /// </summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Ones(params int[] shape) => Full(shape, 1);
    /// <summary>
    /// A tensor of <paramref name="shape"/> filled with 1, of <paramref name="dtype"/>, on <paramref name="device"/>
    /// (default <see cref="DefaultDevice"/>).
    /// </summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Ones(int[] shape, DType dtype, Device? device = null) => Full(shape, 1, dtype, device: device);

    /// <summary>Uninitialised in torch; zero-filled here, which costs nothing extra with zeroing allocation.</summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Empty(params int[] shape) => Full(shape, 0);

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    [OverloadResolutionPriority(1)] // `[]` and int lists pick the int overload
    public static Tensor Full(int[] shape, double value, DType? dtype = null, bool requiresGrad = false, Device? device = null)
    {
        var t = Bridge.Tensor.Allocate(shape, dtype ?? DefaultDType, device ?? DefaultDevice);
        if (value != 0) Backend.Fill(t, value);
        return t.RequiresGrad_(requiresGrad);
    }

    /// <summary>A tensor of the 64-bit <paramref name="shape"/> filled with 0 (any number of elements memory holds).</summary>
    public static Tensor Zeros(params long[] shape) => Full(shape, 0);
    /// <summary>A tensor of the 64-bit <paramref name="shape"/> filled with 0, of <paramref name="dtype"/>, on <paramref name="device"/>.</summary>
    public static Tensor Zeros(long[] shape, DType dtype, Device? device = null) => Full(shape, 0, dtype, device: device);
    /// <summary>A tensor of the 64-bit <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(params long[] shape) => Full(shape, 1);
    /// <summary>A tensor of the 64-bit <paramref name="shape"/> filled with 1, of <paramref name="dtype"/>, on <paramref name="device"/>.</summary>
    public static Tensor Ones(long[] shape, DType dtype, Device? device = null) => Full(shape, 1, dtype, device: device);
    /// <summary>A tensor of the 64-bit <paramref name="shape"/>; zero-filled here.</summary>
    public static Tensor Empty(params long[] shape) => Full(shape, 0);

    /// <summary>A tensor of the 64-bit <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, DType? dtype = null, bool requiresGrad = false, Device? device = null)
    {
        var t = Bridge.Tensor.Allocate64(shape, dtype ?? DefaultDType, device ?? DefaultDevice);
        if (value != 0) Backend.Fill(t, value);
        return t.RequiresGrad_(requiresGrad);
    }

    /// <summary>
    /// Zeros with <paramref name="t"/>'s shape and device, and its dtype unless <paramref name="dtype"/> is given
    /// (torch.zeros_like).
    /// </summary>
    public static Tensor ZerosLike(Tensor t, DType? dtype = null) => Full(t.Shape64, 0, dtype ?? t.DType, device: t.Device);
    /// <summary>
    /// Ones with <paramref name="t"/>'s shape and device, and its dtype unless <paramref name="dtype"/> is given
    /// (torch.ones_like).
    /// </summary>
    public static Tensor OnesLike(Tensor t, DType? dtype = null) => Full(t.Shape64, 1, dtype ?? t.DType, device: t.Device);
    /// <summary>
    /// <paramref name="value"/> everywhere, with <paramref name="t"/>'s shape and device, and its dtype unless
    /// <paramref name="dtype"/> is given (torch.full_like).
    /// </summary>
    public static Tensor FullLike(Tensor t, double value, DType? dtype = null) => Full(t.Shape64, value, dtype ?? t.DType, device: t.Device);
    /// <summary>A tensor with <paramref name="t"/>'s shape and device (torch.empty_like); zero-filled here.</summary>
    public static Tensor EmptyLike(Tensor t, DType? dtype = null) => ZerosLike(t, dtype);

    /// <summary>0, 1, ..., end-1 as int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end, 1);

    /// <summary>start, start+step, ... below end, as int64.</summary>
    public static Tensor Arange(long start, long end, long step = 1) => ArangeCore(start, end, step, DType.Int64);

    /// <summary>start, start+step, ... below end, as float32 (or <paramref name="dtype"/>).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType? dtype = null) => ArangeCore(start, end, step, dtype ?? DefaultDType);

    static Tensor ArangeCore(double start, double end, double step, DType dtype)
    {
        if (step == 0) throw new ArgumentException("step must be nonzero");
        if (!double.IsFinite(start) || !double.IsFinite(end) || !double.IsFinite(step))
            throw new ArgumentException($"unsupported range: {start} -> {end} with step {step} (bounds and step must be finite)");
        if (step > 0 ? end < start : end > start) throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
        // Counted in double and checked before any allocation: a cast to int would saturate at 2^31-1 and fill gigabytes.
        double count = Math.Ceiling((end - start) / step);
        if (count > Array.MaxLength)
            throw new ArgumentException($"arange({start}, {end}, {step}) would have {count} elements, more than the {Array.MaxLength} a Bridge tensor holds");
        int n = (int)count;
        var t = Bridge.Tensor.Allocate([n], dtype);
        for (int i = 0; i < n; i++) Backend.Write(t, i, start + i * step);
        return t.To(DefaultDevice);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end, computed in the dtype as ATen does (from both ends toward the middle).</summary>
    public static Tensor Linspace(double start, double end, int steps, DType? dtype = null)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var t = Bridge.Tensor.Allocate([steps], dtype ?? DefaultDType);
        if (steps == 1) Backend.Write(t, 0, start); // ATen fills start; the two-ended formula below would give end
        else if (t.DType == DType.Float32) LinspaceFloat32(t, (float)start, (float)end, steps);
        else if (t.DType == DType.Float64) LinspaceFloat64(t, start, end, steps);
        else
        {
            double step = steps > 1 ? (end - start) / (steps - 1) : 0;
            for (int i = 0; i < steps; i++) Backend.Write(t, i, i < steps / 2 ? start + step * i : end - step * (steps - i - 1));
        }
        return t.To(DefaultDevice);
    }

    // Linspace rounds as ATen's CPU kernel does in torch's AVX2 build, so values are bit-identical to torch's: vectors of
    // 8 floats (4 doubles), two per loop step, then a scalar tail. A vector's first element and every tail element are
    // one fused multiply-add from the nearer end (start + step*i, or end - step*(steps-1-i) past the middle); the other
    // lanes add k*step, rounded, to the first. (Above ATen's grain of 32768 elements torch splits the range by thread,
    // so longer ranges match torch run on one thread.)
    static void LinspaceFloat32(Tensor t, float start, float end, int steps)
    {
        float step = (end - start) / (steps - 1);
        int half = steps / 2, vectorEnd = steps / 16 * 16;
        float First(int i) => i < half ? MathF.FusedMultiplyAdd(step, i, start) : MathF.FusedMultiplyAdd(-step, steps - i - 1, end);
        for (int i = 0; i < vectorEnd; i += 8)
        {
            float first = First(i);
            for (int k = 0; k < 8; k++) t.Ref<float>(i + k) = first + k * step;
        }
        for (int i = vectorEnd; i < steps; i++) t.Ref<float>(i) = First(i);
    }

    static void LinspaceFloat64(Tensor t, double start, double end, int steps)
    {
        double step = (end - start) / (steps - 1);
        int half = steps / 2, vectorEnd = steps / 8 * 8;
        double First(int i) => i < half ? Math.FusedMultiplyAdd(step, i, start) : Math.FusedMultiplyAdd(-step, steps - i - 1, end);
        for (int i = 0; i < vectorEnd; i += 4)
        {
            double first = First(i);
            for (int k = 0; k < 4; k++) t.Ref<double>(i + k) = first + k * step;
        }
        for (int i = vectorEnd; i < steps; i++) t.Ref<double>(i) = First(i);
    }

    /// <summary>
    /// A tensor over memory owned by someone else (libtorch's from_blob, torch.from_numpy): no copy, writes show on
    /// both sides; <paramref name="strides"/> in elements (contiguous when null); <paramref name="release"/> runs once
    /// when the storage dies; <paramref name="writable"/> false makes in-place writes throw; <paramref name="device"/>
    /// says where the memory is (the CPU when null).
    /// </summary>
    public static Tensor FromBlob(IntPtr data, int[] shape, DType dtype, int[]? strides = null, Action? release = null,
                                  bool writable = true, Device? device = null) =>
        FromBlob(data, ShapeMath.Widen(shape), dtype, strides is null ? null : ShapeMath.Widen(strides), release, writable, device);

    /// <summary>
    /// A tensor over memory owned by someone else (libtorch's from_blob, torch.from_numpy): no copy, writes show on
    /// both sides; <paramref name="strides"/> in elements (contiguous when null); <paramref name="release"/> runs once
    /// when the storage dies; <paramref name="writable"/> false makes in-place writes throw; <paramref name="device"/>
    /// says where the memory is (the CPU when null).
    /// </summary>
    public static Tensor FromBlob(IntPtr data, long[] shape, DType dtype, long[]? strides = null, Action? release = null,
                                  bool writable = true, Device? device = null)
    {
        strides ??= ShapeMath.ContiguousStrides(shape);
        if (strides.Length != shape.Length) throw new ArgumentException($"from_blob: {shape.Length} sizes but {strides.Length} strides");
        long span = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0) throw new ArgumentException($"negative size {shape[d]} in shape {ShapeMath.FormatList(shape)}");
            if (strides[d] < 0)
                throw new ArgumentException($"negative stride {strides[d]} in strides {ShapeMath.FormatList(strides)} is not supported: copy first (numpy: np.ascontiguousarray(a))");
            if (shape[d] == 0) span = 0;
        }
        if (span != 0) for (int d = 0; d < shape.Length; d++) span = checked(span + (shape[d] - 1) * strides[d]);
        if (data == 0 && span > 0) throw new ArgumentException("null data pointer for a non-empty tensor");
        if (data % dtype.ElementSize() != 0)
            throw new ArgumentException($"data address 0x{data:x} is not aligned to the {dtype.ElementSize()}-byte {dtype.TorchName()} elements: copy first (numpy: np.ascontiguousarray(a) or a.copy())");
        var storage = Storage.Wrap(data, checked(span * dtype.ElementSize()), release, writable, device);
        return Bridge.Tensor.FromStorage(storage, dtype, shape, strides);
    }

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor Eye(int n, int? m = null, DType? dtype = null)
    {
        var t = Zeros([n, m ?? n], dtype ?? DefaultDType, Device.Cpu);
        for (int i = 0; i < Math.Min(n, m ?? n); i++) Backend.Write(t, i * (m ?? n) + i, 1);
        return t.To(DefaultDevice);
    }
}

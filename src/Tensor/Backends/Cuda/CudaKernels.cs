using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>
/// The CUDA side of every kernel entry point of Backends/Cpu (same signatures, same contracts): the CPU
/// drivers forward here when the output lives on a GPU. Validation stays in the Tensor layer; this layer
/// only checks that every operand is on the output's device, picks the kernel by op and dtype, and sizes
/// the grid.
/// </summary>
internal static unsafe class CudaKernels
{
    const uint Threads = 256;

    static (uint, uint) GridFor(long n) => ((uint)Math.Clamp((n + Threads - 1) / Threads, 1, 65535), 1);

    internal static string Suffix(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Int64 => "i64",
        DType.Bool => "b8",
        _ => throw new NotSupportedException($"no CUDA kernels for {dtype.TorchName()}"),
    };

    /// <summary>Device address of element [0,...,0].</summary>
    internal static ulong Address(Tensor t) => (ulong)(long)t.Storage.Pointer + (ulong)((long)t.StorageOffset * t.DType.ElementSize());

    static CudaDevice DeviceOf(Tensor output, params Tensor[] inputs)
    {
        foreach (var t in inputs) Tensor.CheckSameDevice(output, t);
        return CudaDevice.Get(output.Device.Index);
    }

    static string OpName(Type op, string kind) => op.Name switch
    {
        nameof(AddOperator) => "add",
        nameof(SubtractOperator) => "sub",
        nameof(MultiplyOperator) => "mul",
        nameof(DivideOperator) => "div",
        nameof(MaximumOperator) => "max",
        nameof(MinimumOperator) => "min",
        nameof(PowOperator) => "pow",
        nameof(EqualOperator) => "eq",
        nameof(NotEqualOperator) => "ne",
        nameof(LessOperator) => "lt",
        nameof(LessEqualOperator) => "le",
        nameof(GreaterOperator) => "gt",
        nameof(GreaterEqualOperator) => "ge",
        nameof(NegateOperator) => "neg",
        nameof(AbsOperator) => "abs",
        nameof(ReluOperator) => "relu",
        nameof(SignOperator) => "sign",
        nameof(ExpOperator) => "exp",
        nameof(LogOperator) => "log",
        nameof(SqrtOperator) => "sqrt",
        nameof(TanhOperator) => "tanh",
        nameof(SigmoidOperator) => "sigmoid",
        _ => throw new NotSupportedException($"{kind} {op.Name} has no CUDA kernel"),
    };

    /// <summary>result = TOp(a, b), broadcast (ElementwiseKernels.Binary).</summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator =>
        LaunchBroadcast($"bin_{OpName(typeof(TOp), "binary op")}_{Suffix(result.DType)}", a, b, result);

    /// <summary>result = TOp(a, b) as bool (ElementwiseKernels.Compare).</summary>
    public static void Compare<TOp>(Tensor a, Tensor b, Tensor result) where TOp : ICompareOperator =>
        LaunchBroadcast($"cmp_{OpName(typeof(TOp), "comparison")}_{Suffix(a.DType)}", a, b, result);

    /// <summary>Launches a kernel of signature (result, a, b, layout, n) over a and b broadcast to result's shape.</summary>
    static void LaunchBroadcast(string kernel, Tensor a, Tensor b, Tensor result)
    {
        var device = DeviceOf(result, a, b);
        int n = result.Numel();
        if (n == 0) return;
        int[] shape = result.ShapeArray;
        var layout = CudaStrided.Create(shape, result.StridesArray,
            ShapeMath.BroadcastStrides(a.ShapeArray, a.StridesArray, shape), ShapeMath.BroadcastStrides(b.ShapeArray, b.StridesArray, shape));
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(a));
        args.Add(Address(b));
        args.Add(layout);
        args.Add(n);
        device.Launch(kernel, GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>result = TOp(x), same shape (ElementwiseKernels.Unary / FloatUnary).</summary>
    public static void Unary(Type op, Tensor x, Tensor result)
    {
        var device = DeviceOf(result, x);
        int n = result.Numel();
        if (n == 0) return;
        var layout = CudaStrided.Create(result.ShapeArray, result.StridesArray, x.StridesArray);
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(x));
        args.Add(layout);
        args.Add(n);
        device.Launch($"un_{OpName(op, "unary op")}_{Suffix(x.DType)}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>result = cond ? a : b, all broadcast (ElementwiseKernels.Where).</summary>
    public static void Where(Tensor condition, Tensor a, Tensor b, Tensor result)
    {
        var device = DeviceOf(result, condition, a, b);
        int n = result.Numel();
        if (n == 0) return;
        int[] shape = result.ShapeArray;
        var layout = CudaStrided.Create(shape, result.StridesArray,
            ShapeMath.BroadcastStrides(condition.ShapeArray, condition.StridesArray, shape),
            ShapeMath.BroadcastStrides(a.ShapeArray, a.StridesArray, shape), ShapeMath.BroadcastStrides(b.ShapeArray, b.StridesArray, shape));
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(condition));
        args.Add(Address(a));
        args.Add(Address(b));
        args.Add(layout);
        args.Add(n);
        device.Launch($"where_b{result.DType.ElementSize()}", GridFor(n), (Threads, 1), ref args);
    }
}

namespace Bridge.Ops;

/// <summary>
/// Every declared op, one entry each, in one file per family (Unary.cs, Binary.cs, Reductions.cs). An entry is
/// a field initialised through <see cref="Declare{T}"/>, which also lists it in <see cref="All"/>: one place to
/// add an op, no reflection. Ops composed from declared ops (reciprocal = 1 / x) need no entry, as in ATen.
/// </summary>
public static partial class Declarations
{
    // No initializer: the fields of the family files may initialise (and call Declare) before this one would.
    static List<OpDeclaration>? s_all;

    // Properties, not fields: the family files' initializers may run before any field initializer of this file.
    internal static DType[] Floating => [DType.Float32, DType.Float64];
    internal static DType[] Numeric => [DType.Float32, DType.Float64, DType.Int64];
    internal static DType[] Any => [DType.Float32, DType.Float64, DType.Int64, DType.Bool, .. NewIntegers, .. Halves];

    // The dtypes of issue 16. Declared lists follow what torch 1.13's CPU kernels dispatch for each op (queried live by
    // the OpInfo tests, which fail when a declaration and torch disagree); where torch refuses one, so does Bridge.
    internal static DType[] NewIntegers => [DType.UInt8, DType.Int8, DType.Int16, DType.Int32];
    internal static DType[] Halves => [DType.Float16, DType.BFloat16];

    /// <summary>Every numeric dtype (not bool): what add, mul, max, sum... accept.</summary>
    internal static DType[] AllNumeric => [.. Numeric, .. NewIntegers, .. Halves];

    /// <summary>Float ops that promote integers and bool to float32, with bfloat16 (and float16 where torch's CPU has the kernel).</summary>
    static DType[] Promoting(bool float16) => [.. Floating, DType.Int64, DType.Bool, .. NewIntegers, .. float16 ? Halves : [DType.BFloat16]];

    /// <summary>
    /// torch's refusal of the <paramref name="refused"/> dtypes (<c>"exp_vml_cpu" not implemented for 'Half'</c>),
    /// checked before the op runs. torch's CUDA has the half-type kernels its CPU lacks, so those are refused on the
    /// CPU only; other refusals (frac of an integer) hold on both, named <c>frac_cuda</c> there as in torch.
    /// </summary>
    static void RefuseOnCpu(string? kernel, DType[] refused, Tensor x)
    {
        if (kernel is null || !refused.Contains(x.DType) || (x.Device.IsCuda && x.DType.IsHalf())) return;
        throw Backends.Cpu.HalfWidening.NotImplemented(x.Device.IsCuda ? kernel.Replace("_cpu", "_cuda") : kernel, x.DType);
    }

    /// <summary>Refuses a bool input with torch's <paramref name="message"/> (null: bool is computed).</summary>
    static void RefuseBool(string? message, Tensor x)
    {
        if (message is not null && x.DType == DType.Bool) throw new NotSupportedException(message);
    }

    /// <summary>torch's refusal of a binary op whose operands promote to <paramref name="dtype"/> on the CPU: <c>"kernel" not implemented for 'Half'</c>.</summary>
    static Func<Tensor, Tensor, string?> RefusesOnCpu(string kernel, DType dtype) =>
        (a, b) => !a.Device.IsCuda && DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0) == dtype
            ? $"\"{kernel}\" not implemented for '{dtype.ScalarTypeName()}'" : null;

    /// <summary>Refuses a promoted <paramref name="dtype"/> on every device, naming torch's kernel there (fmod_cpu, fmod_cuda).</summary>
    static Func<Tensor, Tensor, string?> Refuses(string kernel, DType dtype) =>
        (a, b) => DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0) == dtype
            ? $"\"{(a.Device.IsCuda ? kernel.Replace("_cpu", "_cuda") : kernel)}\" not implemented for '{dtype.ScalarTypeName()}'" : null;

    /// <summary>All declared ops, in declaration order.</summary>
    public static IReadOnlyList<OpDeclaration> All
    {
        get
        {
            // Touching one field runs every initializer of the class, in all partial files.
            _ = Neg;
            return s_all!;
        }
    }

    /// <summary>The op with torch name <paramref name="torchName"/>, or null.</summary>
    public static OpDeclaration? Find(string torchName) => All.FirstOrDefault(d => d.TorchName == torchName);

    static T Declare<T>(T declaration) where T : OpDeclaration
    {
        (s_all ??= []).Add(declaration);
        return declaration;
    }
}

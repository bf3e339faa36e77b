using Bridge.Backends;
using Bridge.Random;

namespace Bridge;

// Random tensors drawn from the PyTorch-exact generator: the same seed gives torch's numbers.
public static partial class Torch
{
    /// <summary>Seeds the default generator (torch.manual_seed).</summary>
    public static Generator ManualSeed(ulong seed) => Generator.Default.ManualSeed(seed);

    /// <summary>The default generator's state (torch.get_rng_state).</summary>
    public static byte[] GetRngState() => Generator.Default.GetState();

    /// <summary>Restores a state saved by <see cref="GetRngState"/>.</summary>
    public static void SetRngState(byte[] state) => Generator.Default.SetState(state);

    /// <summary>Uniform [0, 1) draws.</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);
    /// <summary>
    /// Uniform [0, 1) draws of <paramref name="shape"/> from <paramref name="generator"/> (default the global one,
    /// seeded by <see cref="ManualSeed"/>); the same numbers as torch.rand for the same seed.
    /// </summary>
    public static Tensor Rand(int[] shape, DType? dtype, Generator? generator = null, Device? device = null) => Zeros(shape, dtype ?? DefaultDType, device).Uniform_(0, 1, generator);

    /// <summary>Standard normal draws.</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);
    /// <summary>
    /// Standard normal draws of <paramref name="shape"/> from <paramref name="generator"/> (default the global one);
    /// the same numbers as torch.randn for the same seed.
    /// </summary>
    public static Tensor Randn(int[] shape, DType? dtype, Generator? generator = null, Device? device = null) => Zeros(shape, dtype ?? DefaultDType, device).Normal_(0, 1, generator);

    /// <summary>Uniform [0, 1) draws with <paramref name="t"/>'s shape, dtype and device (torch.rand_like).</summary>
    public static Tensor RandLike(Tensor t) => Rand(t.ShapeArray, t.DType, device: t.Device);
    /// <summary>Standard normal draws with <paramref name="t"/>'s shape, dtype and device (torch.randn_like).</summary>
    public static Tensor RandnLike(Tensor t) => Randn(t.ShapeArray, t.DType, device: t.Device);

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, int[] shape, Generator? generator = null)
    {
        var t = Zeros(shape, DType.Int64, Device.Cpu);
        (generator ?? Generator.Default).FillRandint(t.ContiguousSpan<long>(), low, high);
        return t.To(DefaultDevice); // drawn by the CPU generator on every device
    }

    /// <summary>
    /// int64 integers uniform in [0, <paramref name="high"/>) of <paramref name="shape"/> (torch.randint(high, size)).
    /// </summary>
    public static Tensor Randint(long high, int[] shape) => Randint(0, high, shape);

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor Randperm(int n, Generator? generator = null) => Tensor((generator ?? Generator.Default).Randperm(n), DType.Int64);
}

public sealed partial class Tensor
{
    /// <summary>Fills with draws from N(mean, std²) in place.</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null) =>
        FillRandom(generator, (g, t) =>
        {
            if (DType.IsHalf()) g.FillNormalHalf(t.ContiguousSpan<float>(), mean, std, DType);
            else if (t.DType == DType.Float64) g.FillNormal(t.ContiguousSpan<double>(), mean, std);
            else g.FillNormal(t.ContiguousSpan<float>(), mean, std);
        });

    /// <summary>Fills with draws from U[from, to) in place.</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null) =>
        FillRandom(generator, (g, t) =>
        {
            if (DType.IsHalf()) g.FillUniformHalf(t.ContiguousSpan<float>(), from, to, DType);
            else if (t.DType == DType.Float64) g.FillUniform(t.ContiguousSpan<double>(), from, to);
            else g.FillUniform(t.ContiguousSpan<float>(), from, to);
        });

    /// <summary>Fills with 1 with probability p, else 0, in place.</summary>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null) =>
        DType == DType.Float16 ? throw Backends.Cpu.HalfWidening.NotImplemented("bernoulli_scalar_cpu_", DType) : FillRandom(generator, (g, t) => { if (t.DType == DType.Float64) g.FillBernoulli(t.ContiguousSpan<double>(), p); else g.FillBernoulli(t.ContiguousSpan<float>(), p); });

    Tensor FillRandom(Generator? generator, Action<Generator, Tensor> fill)
    {
        if (!DType.IsFloatingPoint()) throw new NotSupportedException($"random fill is implemented for floating dtypes, got {DType.TorchName()}");
        CheckWritable();
        CheckLeafWrite();
        CheckInternalOverlap(); // an expanded tensor: one location would take several draws (torch refuses)
        // Draws go in row-major order into a contiguous buffer, then into this tensor's layout.
        // On a GPU the draws still come from the CPU generator (same values as on the CPU), then are copied over.
        // float16 and bfloat16 are drawn into float32 values the half type holds exactly (Generator.Half.cs).
        var target = DType.IsHalf() ? Torch.Zeros(ShapeArray, DType.Float32, Device.Cpu)
            : IsContiguous() && Backend.OnHost(this) ? this : Torch.Zeros(ShapeArray, DType, Device.Cpu);
        fill(generator ?? Generator.Default, target);
        if (!ReferenceEquals(target, this)) Backend.Copy(target, this);
        BumpVersion();
        return this;
    }
}

namespace Bridge.Random;

/// <summary>
/// A CPU random generator that reproduces <c>at::CPUGeneratorImpl</c> (PyTorch 1.13) bit for bit:
/// an <see cref="Mt19937"/> engine plus the cached second Box-Muller values torch keeps.
/// The draw methods (uniform, normal, integers, Bernoulli) live in the other
/// <c>Generator.*.cs</c> files; this file holds seeding and the raw 32/64-bit draws.
/// All public members are thread-safe (torch also serialises draws with a mutex).
/// </summary>
public sealed partial class Generator
{
    /// <summary>
    /// ATen's <c>default_rng_seed_val</c>: the seed of a fresh <c>torch.Generator()</c>.
    /// (torch's own process-wide default generator is seeded nondeterministically at start-up;
    /// ours uses this constant so runs are reproducible.)
    /// </summary>
    public const ulong DefaultSeed = 67280421310721UL;

    private static readonly Lazy<Generator> s_default = new(() => new Generator(DefaultSeed));

    private readonly Lock _sync = new();
    private readonly Mt19937 _engine;

    // torch caches the unused sin-branch of the scalar Box-Muller transform, per precision.
    // Only the double cache is used by the CPU kernels we reproduce; the float cache is kept
    // so that states round-trip through get_rng_state/set_rng_state unchanged.
    private double? _nextDoubleNormal;
    private float? _nextFloatNormal;

    /// <summary>The process-wide generator used when none is given (like <c>torch.default_generator</c>).</summary>
    public static Generator Default => s_default.Value;

    /// <summary>Creates a generator seeded like <c>torch.Generator().manual_seed(seed)</c>.</summary>
    public Generator(ulong seed = DefaultSeed) => _engine = new Mt19937(seed);

    /// <summary>The seed last given to <see cref="ManualSeed"/> (or restored by <see cref="SetState(ReadOnlySpan{byte})"/>).</summary>
    public ulong InitialSeed
    {
        get
        {
            lock (_sync)
            {
                return _engine.Seed;
            }
        }
    }

    /// <summary>Reseeds like <c>torch.manual_seed(seed)</c>: new engine state and both normal caches cleared.</summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (_sync)
        {
            _engine.Reseed(seed);
            _nextDoubleNormal = null;
            _nextFloatNormal = null;
        }
        return this;
    }

    /// <summary>One 32-bit draw (ATen's <c>random()</c>).</summary>
    public uint NextUInt32()
    {
        lock (_sync)
        {
            return _engine.NextUInt32();
        }
    }

    /// <summary>One 64-bit draw (ATen's <c>random64()</c>): the first 32-bit draw is the high word.</summary>
    public ulong NextUInt64()
    {
        lock (_sync)
        {
            return Random64();
        }
    }

    // Unlocked primitives for the fill methods, which hold _sync for a whole fill (as torch does).
    private uint Random32() => _engine.NextUInt32();

    private ulong Random64()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        return (hi << 32) | lo;
    }
}

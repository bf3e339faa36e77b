namespace Bridge.Random;

/// <summary>
/// ATen's 32-bit Mersenne Twister (<c>at::mt19937</c>, ATen/core/MT19937RNGEngine.h).
/// The algorithm is the reference MT19937; what matters for parity is ATen's bookkeeping
/// (<see cref="Left"/>, <see cref="Next"/>, <see cref="Seeded"/>, <see cref="Seed"/>), because
/// <c>torch.get_rng_state()</c> serialises exactly these fields and we exchange states with torch.
/// </summary>
internal sealed class Mt19937
{
    public const int StateSize = 624; // MERSENNE_STATE_N
    private const int M = 397;         // MERSENNE_STATE_M
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] _state = new uint[StateSize];

    /// <summary>The 64-bit seed as given; only its low 32 bits reach the state (ATen truncates too).</summary>
    public ulong Seed { get; private set; }

    /// <summary>Countdown to the next twist; ATen starts it at 1 so the first draw twists.</summary>
    public int Left { get; private set; }

    /// <summary>Index of the next state word to temper.</summary>
    public uint Next { get; private set; }

    public bool Seeded { get; private set; }

    public Mt19937(ulong seed) => Reseed(seed);

    /// <summary>ATen's <c>init_with_uint32</c>: Knuth's initialiser on the low 32 bits of the seed.</summary>
    public void Reseed(ulong seed)
    {
        Seed = seed;
        Seeded = true;
        _state[0] = (uint)(seed & 0xffffffff);
        for (uint j = 1; j < StateSize; j++)
        {
            uint prev = _state[j - 1];
            _state[j] = unchecked(1812433253u * (prev ^ (prev >> 30)) + j);
        }
        Left = 1;
        Next = 0;
    }

    /// <summary>One tempered 32-bit output (ATen's <c>operator()</c>).</summary>
    public uint NextUInt32()
    {
        if (--Left == 0)
        {
            Twist();
        }
        uint y = _state[Next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    private static uint TwistWord(uint u, uint v)
    {
        uint mix = (u & UpperMask) | (v & LowerMask);
        return (mix >> 1) ^ ((v & 1) != 0 ? MatrixA : 0u);
    }

    /// <summary>Regenerates all 624 words; same loop split as ATen's <c>next_state</c>.</summary>
    private void Twist()
    {
        Left = StateSize;
        Next = 0;
        uint[] s = _state;
        int k = 0;
        for (; k < StateSize - M; k++)
        {
            s[k] = s[k + M] ^ TwistWord(s[k], s[k + 1]);
        }
        for (; k < StateSize - 1; k++)
        {
            s[k] = s[k + M - StateSize] ^ TwistWord(s[k], s[k + 1]);
        }
        s[StateSize - 1] = s[M - 1] ^ TwistWord(s[StateSize - 1], s[0]);
    }

    /// <summary>Copies the raw state words out (for <c>get_rng_state</c>).</summary>
    public void CopyStateTo(Span<uint> destination) => _state.AsSpan().CopyTo(destination);

    /// <summary>
    /// Installs a raw state (for <c>set_rng_state</c>), with ATen's validity check:
    /// seeded, 0 &lt; left &lt;= 624 and next &lt;= 624.
    /// </summary>
    public void SetRaw(ReadOnlySpan<uint> state, ulong seed, int left, bool seeded, uint next)
    {
        if (state.Length != StateSize)
        {
            throw new ArgumentException($"mt19937 state must have {StateSize} words, got {state.Length}.", nameof(state));
        }
        if (!seeded || left <= 0 || left > StateSize || next > StateSize)
        {
            throw new ArgumentException($"Invalid mt19937 state (seeded={seeded}, left={left}, next={next}).", nameof(state));
        }
        state.CopyTo(_state);
        Seed = seed;
        Left = left;
        Seeded = seeded;
        Next = next;
    }
}

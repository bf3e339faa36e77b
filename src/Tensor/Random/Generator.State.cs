using System.Buffers.Binary;

namespace Bridge.Random;

/// <summary>
/// Saving and restoring the generator in the exact byte layout of <c>torch.get_rng_state()</c>
/// (ATen's <c>CPUGeneratorImplState</c>, 5056 bytes, x86-64 little-endian with C struct padding),
/// so states can be exchanged with PyTorch in both directions.
/// </summary>
public sealed partial class Generator
{
    /// <summary>Size of <c>CPUGeneratorImplState</c>: the legacy TH struct plus the float normal cache.</summary>
    public const int StateSizeBytes = 5056;

    /// <summary>Size of the legacy <c>THGeneratorState</c> that torch's <c>set_rng_state</c> still accepts.</summary>
    public const int LegacyStateSizeBytes = 5048;

    // Field offsets of THGeneratorState / CPUGeneratorImplState.
    private const int OffInitialSeed = 0;    // uint64 the_initial_seed
    private const int OffLeft = 8;           // int left
    private const int OffSeeded = 12;        // int seeded
    private const int OffNext = 16;          // uint64 next
    private const int OffState = 24;         // uint64 state[624] (each 32-bit word widened)
    private const int OffNormalX = 5016;     // double normal_x   (legacy; torch writes 0)
    private const int OffNormalY = 5024;     // double normal_y   (the cached double normal)
    private const int OffNormalRho = 5032;   // double normal_rho (legacy; torch writes 0)
    private const int OffNormalValid = 5040; // int normal_is_valid, then 4 bytes padding
    private const int OffFloatNormal = 5048; // float next_float_normal_sample
    private const int OffFloatValid = 5052;  // bool is_next_float_normal_sample_valid, then 3 bytes padding

    /// <summary>The full state, byte-identical to what <c>torch.get_rng_state()</c> returns for the same history.</summary>
    public byte[] GetState()
    {
        var bytes = new byte[StateSizeBytes]; // zeroed, like torch's value-initialised struct (padding included)
        Span<uint> words = stackalloc uint[Mt19937.StateSize];
        lock (_sync)
        {
            _engine.CopyStateTo(words);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(OffInitialSeed), _engine.Seed);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(OffLeft), _engine.Left);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(OffSeeded), _engine.Seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(OffNext), _engine.Next);
            for (int i = 0; i < words.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(OffState + 8 * i), words[i]);
            }
            if (_nextDoubleNormal is double d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(OffNormalY), d);
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(OffNormalValid), 1);
            }
            if (_nextFloatNormal is float f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(OffFloatNormal), f);
                bytes[OffFloatValid] = 1;
            }
        }
        return bytes;
    }

    /// <summary>Restores a state from <see cref="GetState"/> or from <c>torch.get_rng_state()</c> bytes.</summary>
    public void SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        SetState(state.AsSpan());
    }

    /// <summary>
    /// Restores a state. Accepts the current 5056-byte layout and torch's legacy 5048-byte layout,
    /// decoding the cached normal the way ATen's <c>set_state</c> does for each.
    /// </summary>
    public void SetState(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateSizeBytes && state.Length != LegacyStateSizeBytes)
        {
            throw new ArgumentException(
                $"Expected either a CPUGeneratorImplStateLegacy of size {LegacyStateSizeBytes} or a CPUGeneratorImplState of size {StateSizeBytes} but found the input RNG state size to be {state.Length}",
                nameof(state));
        }

        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(state[OffInitialSeed..]);
        int left = BinaryPrimitives.ReadInt32LittleEndian(state[OffLeft..]);
        bool seeded = BinaryPrimitives.ReadInt32LittleEndian(state[OffSeeded..]) != 0;
        uint next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(state[OffNext..]); // ATen truncates too
        Span<uint> words = stackalloc uint[Mt19937.StateSize];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(state[(OffState + 8 * i)..]);
        }

        double? doubleNormal = null;
        float? floatNormal = null;
        bool normalValid = BinaryPrimitives.ReadInt32LittleEndian(state[OffNormalValid..]) != 0;
        if (state.Length == LegacyStateSizeBytes)
        {
            // Legacy TH states kept (x, rho) rather than the sample itself; ATen rebuilds the sin branch.
            if (normalValid)
            {
                double rho = BinaryPrimitives.ReadDoubleLittleEndian(state[OffNormalRho..]);
                double theta = 2.0 * Math.PI * BinaryPrimitives.ReadDoubleLittleEndian(state[OffNormalX..]);
                doubleNormal = rho * Math.Sin(theta);
            }
        }
        else
        {
            if (normalValid)
            {
                doubleNormal = BinaryPrimitives.ReadDoubleLittleEndian(state[OffNormalY..]);
            }
            if (state[OffFloatValid] != 0)
            {
                floatNormal = BinaryPrimitives.ReadSingleLittleEndian(state[OffFloatNormal..]);
            }
        }

        lock (_sync)
        {
            _engine.SetRaw(words, seed, left, seeded, next); // validates before changing anything
            _nextDoubleNormal = doubleNormal;
            _nextFloatNormal = floatNormal;
        }
    }
}

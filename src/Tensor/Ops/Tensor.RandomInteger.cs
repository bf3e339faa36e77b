using Bridge.Backends;
using Bridge.Random;

namespace Bridge;

// Tensor.random_: integers drawn into a tensor of any dtype, torch 1.13's draws (ATen's random_ kernels).
public sealed partial class Tensor
{
    /// <summary>
    /// Fills in place with integers over the dtype's whole range (torch's <c>random_()</c>): [0, 2^mantissa digits]
    /// for floating types, [0, max] for integers, false/true for bool.
    /// </summary>
    public Tensor Random_(Generator? generator = null) =>
        FillIntegers(generator, (g, draws) => g.FillRandomFullRange(draws, DType));

    /// <summary>Fills in place with integers uniform in [0, <paramref name="to"/>) (torch's <c>random_(to)</c>).</summary>
    /// <exception cref="ArgumentException">The range is empty or leaves the dtype's range.</exception>
    public Tensor Random_(long to, Generator? generator = null) => Random_(0, to, generator);

    /// <summary>
    /// Fills in place with integers uniform in [<paramref name="from"/>, <paramref name="to"/>) (torch's
    /// <c>random_(from, to)</c>); <paramref name="to"/> null means up to the dtype's largest value.
    /// </summary>
    /// <exception cref="ArgumentException">The range is empty or leaves the dtype's range.</exception>
    public Tensor Random_(long from, long? to, Generator? generator = null)
    {
        var (lowest, highest) = IntegerRange(DType);
        // torch only warns when a floating dtype cannot hold every integer of the range (they round), so the bounds
        // are enforced for integer and bool dtypes alone; the open upper bound still stops at 2^digits.
        bool strict = !DType.IsFloatingPoint();
        if (strict && (from < lowest || from > highest)) throw new ArgumentException($"from is out of bounds for {DType.ShortName()}");
        ulong range;
        if (to is long end)
        {
            if (from >= end) throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={from} >= to={end}");
            if (strict && (end - 1 < lowest || end - 1 > highest)) throw new ArgumentException($"to - 1 is out of bounds for {DType.ShortName()}");
            range = unchecked((ulong)end - (ulong)from);
        }
        else range = unchecked((ulong)highest - (ulong)from + 1); // 0 when it spans all 2^64 values
        return FillIntegers(generator, (g, draws) => g.FillRandintRange(draws, from, range));
    }

    // The integers a dtype holds exactly: its whole range for integers, ±2^digits for floating types (torch's check).
    static (long Lowest, long Highest) IntegerRange(DType dtype) => dtype switch
    {
        DType.Bool => (0, 1),
        DType.UInt8 => (byte.MinValue, byte.MaxValue),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int64 => (long.MinValue, long.MaxValue),
        DType.Float16 => (-(1L << 11), 1L << 11),
        DType.BFloat16 => (-(1L << 8), 1L << 8),
        DType.Float32 => (-(1L << 24), 1L << 24),
        _ => (-(1L << 53), 1L << 53),
    };

    // Draws one int64 per element in row-major order on the CPU generator, then casts them into this tensor.
    Tensor FillIntegers(Generator? generator, Action<Generator, Span<long>> fill)
    {
        CheckWritable();
        CheckLeafWrite();
        CheckInternalOverlap();
        var draws = Torch.Zeros(ShapeArray, DType.Int64, Device.Cpu);
        fill(generator ?? Generator.Default, draws.ContiguousSpan<long>());
        Backend.Copy(draws.To(DType), this);
        BumpVersion();
        return this;
    }
}

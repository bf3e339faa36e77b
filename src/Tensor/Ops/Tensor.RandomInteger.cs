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
        // ATen's random_from_to_impl: floating dtypes first move the bounds to integers the dtype holds, then every
        // dtype checks its range (errors outside the dtype, as torch; torch only warns past 2^digits, Bridge is silent).
        bool floating = DType.IsFloatingPoint();
        ulong range;
        if (to is long end)
        {
            if (from >= end) throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={from} >= to={end}");
            if (floating)
            {
                (from, end) = (RoundedFrom(from), RoundedTo(end));
                if (from >= end) throw new ArgumentException($"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from={from} >= to={end}");
            }
            CheckRandomBounds(from, end - 1);
            range = unchecked((ulong)end - (ulong)from);
        }
        else if (from != long.MinValue)
        {
            long last = floating ? 1L << Digits() : IntegerRange(DType).Highest;
            if (floating)
            {
                from = RoundedFrom(from);
                if (from >= last) throw new ArgumentException($"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from={from} > to_inc={last}");
            }
            CheckRandomBounds(from, last);
            range = unchecked((ulong)last - (ulong)from + 1);
        }
        else range = 0; // all 2^64 values: the 64-bit draw itself
        return FillIntegers(generator, (g, draws) => g.FillRandintRange(draws, from, range));
    }

    int Digits() => DType switch { DType.Float16 => 11, DType.BFloat16 => 8, DType.Float32 => 24, _ => 53 };

    // The integer the dtype stores for `value` (static_cast<scalar_t>(int64) and back).
    long AsStored(long value) => DType switch
    {
        DType.Float16 => (long)(float)(Half)(float)value,
        DType.BFloat16 => (long)(float)(BFloat16)(float)value,
        DType.Float32 => (long)(float)value,
        _ => (long)(double)value,
    };

    // ATen's update_from / update_to: a bound the dtype rounds past moves inwards to the next integer it holds.
    long RoundedFrom(long from)
    {
        long stored = AsStored(from + 1);
        return stored < from ? stored + (1L << (Log2(Math.Abs(from + 1)) - Digits() + 1)) : from;
    }

    long RoundedTo(long to)
    {
        long stored = AsStored(to - 1);
        return stored >= to ? stored - (1L << (Log2(Math.Abs(to - 1)) - Digits() + 1)) : to;
    }

    static int Log2(long value) => 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);

    void CheckRandomBounds(long from, long last)
    {
        var (lowest, highest) = DType switch
        {
            DType.Float16 => (-65504.0, 65504.0),
            DType.BFloat16 or DType.Float32 => (-(double)float.MaxValue, float.MaxValue),
            DType.Float64 => (double.MinValue, double.MaxValue),
            _ => ((double)IntegerRange(DType).Lowest, (double)IntegerRange(DType).Highest),
        };
        if (from < lowest || from > highest) throw new ArgumentException($"from is out of bounds for {TypeMetaName(DType)}");
        if (last < lowest || last > highest) throw new ArgumentException($"to - 1 is out of bounds for {TypeMetaName(DType)}");
    }

    // The C++ type name torch's bound messages print for a dtype.
    static string TypeMetaName(DType dtype) => dtype switch
    {
        DType.Bool => "bool",
        DType.UInt8 => "unsigned char",
        DType.Int8 => "signed char",
        DType.Int16 => "short int",
        DType.Int32 => "int",
        DType.Int64 => "long int",
        DType.Float16 => "c10::Half",
        DType.BFloat16 => "c10::BFloat16",
        DType.Float32 => "float",
        _ => "double",
    };

    // The range of an integer dtype (bool: 0 and 1).
    static (long Lowest, long Highest) IntegerRange(DType dtype) => dtype switch
    {
        DType.Bool => (0, 1),
        DType.UInt8 => (byte.MinValue, byte.MaxValue),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int32 => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
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

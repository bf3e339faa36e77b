using Bridge.Backends;
using Bridge.Random;

namespace Bridge;

// Sampling beyond the fills of Torch.Random.cs: multinomial, normal with tensor mean/std, exponential_,
// bernoulli with per-element probabilities, randint_like, and logspace. Draws match PyTorch 1.13's CPU
// kernels given the same generator state.
public static partial class Torch
{
    /// <summary>
    /// <paramref name="numSamples"/> category indices per row of <paramref name="probabilities"/> (1-D or 2-D,
    /// non-negative weights, not necessarily normalised). Without replacement torch draws
    /// q ~ Exp(1) per weight and takes the largest p / q; with replacement, binary search in the cumulative sum.
    /// </summary>
    public static Tensor Multinomial(Tensor probabilities, int numSamples, bool replacement = false, Generator? generator = null)
    {
        var p = probabilities;
        if (!p.DType.IsFloatingPoint()) throw new ArgumentException($"multinomial only supports floating-point dtypes for input, got: {(p.DType == DType.Int64 ? "Long" : "Bool")}");
        if (p.Dim() is not (1 or 2)) throw new ArgumentException("prob_dist must be 1 or 2 dim");
        if (numSamples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        int categories = p.ShapeArray[^1], rows = p.Dim() == 1 ? 1 : p.ShapeArray[0];
        if (!replacement && numSamples > categories) throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        if (categories > 1 << 24) throw new ArgumentException("number of categories cannot exceed 2^24");
        int[] shape = p.Dim() == 1 ? [numSamples] : [rows, numSamples];
        var result = Bridge.Tensor.Allocate(shape, DType.Int64, Device.Cpu, zero: false);
        var gen = generator ?? Generator.Default;
        var host = Backend.HostReadable(p).Contiguous();
        if (rows == 0) return result.To(p.Device.ToString());
        if (!replacement) // torch 1.13 takes the cumulative-sum path for any sample count with replacement
        {
            if (host.DType == DType.Float32) ByGumbel<float>(host.ContiguousSpan<float>(), rows, categories, numSamples, gen, result.ContiguousSpan<long>());
            else ByGumbel<double>(host.ContiguousSpan<double>(), rows, categories, numSamples, gen, result.ContiguousSpan<long>());
        }
        else if (host.DType == DType.Float32) gen.MultinomialWithReplacement<float>(host.ContiguousSpan<float>(), rows, categories, numSamples, result.ContiguousSpan<long>());
        else gen.MultinomialWithReplacement<double>(host.ContiguousSpan<double>(), rows, categories, numSamples, result.ContiguousSpan<long>());
        return result.To(p.Device.ToString());
    }

    /// <summary>ATen's fast path: q = exponential_ draws over the whole tensor, then argmax / topk of p / q per row.</summary>
    static void ByGumbel<T>(ReadOnlySpan<T> p, int rows, int categories, int samples, Generator gen, Span<long> result)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        foreach (var v in p)
            if (!(v >= T.Zero) || T.IsInfinity(v)) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
        for (int i = 0; i < rows; i++)
        {
            T sum = T.Zero;
            for (int j = 0; j < categories; j++) sum += p[i * categories + j];
            if (sum == T.Zero) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
        }
        var q = new T[p.Length];
        gen.FillExponential<T>(q);
        for (int k = 0; k < q.Length; k++) q[k] = p[k] / q[k];
        var order = new int[categories];
        for (int i = 0; i < rows; i++)
        {
            var row = q.AsSpan(i * categories, categories);
            if (samples == 1)
            {
                // argmax: the first largest value (NaN counts as largest, as in torch)
                int best = 0;
                for (int j = 1; j < categories; j++)
                    if (T.IsNaN(row[j]) && !T.IsNaN(row[best]) || row[j] > row[best]) best = j;
                result[i] = best;
                continue;
            }
            for (int j = 0; j < categories; j++) order[j] = j;
            var values = row.ToArray();
            Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is int c && c != 0 ? c : a.CompareTo(b));
            for (int s = 0; s < samples; s++) result[i * samples + s] = order[s];
        }
    }

    /// <summary>N(mean, std²) per element, mean and std broadcast (torch.normal(mean, std)): standard draws · std + mean.</summary>
    public static Tensor Normal(Tensor mean, Tensor std, Generator? generator = null)
    {
        CheckStd(std);
        var shape = ShapeMath.Broadcast(mean.ShapeArray, std.ShapeArray);
        var output = Zeros(shape, mean.DType, mean.Device).Normal_(0, 1, generator);
        return NoGrad(() => output.Mul_(std).Add_(mean));
    }

    /// <summary>N(mean, std²) with per-element means: draws of N(0, std²) + mean.</summary>
    public static Tensor Normal(Tensor mean, double std, Generator? generator = null)
    {
        if (std < 0) throw new ArgumentException($"normal expects std >= 0.0, but found std {std}");
        var output = Zeros(mean.ShapeArray, mean.DType, mean.Device).Normal_(0, std, generator);
        return NoGrad(() => output.Add_(mean));
    }

    /// <summary>N(mean, std²) with per-element standard deviations: standard draws · std + mean.</summary>
    public static Tensor Normal(double mean, Tensor std, Generator? generator = null)
    {
        CheckStd(std);
        var output = Zeros(std.ShapeArray, std.DType, std.Device).Normal_(0, 1, generator);
        return NoGrad(() => output.Mul_(std).Add_(mean));
    }

    /// <summary>torch.normal(mean, std, size): one N(mean, std²) draw per element.</summary>
    public static Tensor Normal(double mean, double std, int[] shape, DType? dtype = null, Generator? generator = null) =>
        Zeros(shape, dtype ?? DefaultDType).Normal_(mean, std, generator);

    static Tensor NoGrad(Func<Tensor> f)
    {
        using (NoGrad()) return f();
    }

    static void CheckStd(Tensor std)
    {
        if (std.Numel() > 0 && std.Min().Item() < 0) throw new ArgumentException("normal expects all elements of std >= 0.0");
    }

    /// <summary>0/1 draws with per-element probabilities (torch.bernoulli(input)), in input's dtype.</summary>
    public static Tensor Bernoulli(Tensor probabilities, Generator? generator = null)
    {
        if (!probabilities.DType.IsFloatingPoint()) throw new ArgumentException("bernoulli expects a floating-point probability tensor");
        var p = Backend.HostReadable(probabilities).Contiguous();
        var result = Bridge.Tensor.Allocate(p.ShapeArray, p.DType, Device.Cpu, zero: false);
        var gen = generator ?? Generator.Default;
        if (p.DType == DType.Float32) gen.FillBernoulli(result.ContiguousSpan<float>(), p.ContiguousSpan<float>());
        else gen.FillBernoulli(result.ContiguousSpan<double>(), p.ContiguousSpan<double>());
        return result.To(probabilities.Device.ToString());
    }

    /// <summary>Integers in [low, high) with input's shape (randint_like), as int64 unless a dtype is given.</summary>
    public static Tensor RandintLike(Tensor input, long low, long high, DType? dtype = null, Generator? generator = null)
    {
        var t = Randint(low, high, input.ShapeArray, generator);
        return t.To(dtype ?? input.DType).To(input.Device.ToString());
    }

    /// <summary>base^x for <paramref name="steps"/> x evenly spaced from start to end, in the dtype, as ATen computes it.</summary>
    public static Tensor Logspace(double start, double end, int steps, double @base = 10, DType? dtype = null)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var t = Bridge.Tensor.Allocate([steps], dtype ?? DefaultDType);
        int half = steps / 2;
        if (steps == 1) Backend.Write(t, 0, t.DType == DType.Float32 ? MathF.Pow((float)@base, (float)start) : Math.Pow(@base, start));
        else if (t.DType == DType.Float32)
        {
            float s = (float)start, e = (float)end, b = (float)@base, step = steps > 1 ? (e - s) / (steps - 1) : 0;
            var span = t.ContiguousSpan<float>();
            for (int i = 0; i < steps; i++) span[i] = MathF.Pow(b, i < half ? s + step * i : e - step * (steps - i - 1));
        }
        else
        {
            double step = steps > 1 ? (end - start) / (steps - 1) : 0;
            for (int i = 0; i < steps; i++) Backend.Write(t, i, Math.Pow(@base, i < half ? start + step * i : end - step * (steps - i - 1)));
        }
        return t.To(DefaultDevice);
    }
}

public sealed partial class Tensor
{
    /// <summary>Fills with Exp(lambda) draws in place (torch's exponential_).</summary>
    public Tensor Exponential_(double lambda = 1, Generator? generator = null) =>
        FillRandom(generator, (g, t) => { if (t.DType == DType.Float64) g.FillExponential(t.ContiguousSpan<double>(), lambda); else g.FillExponential(t.ContiguousSpan<float>(), lambda); });

    /// <summary>See <see cref="Torch.Multinomial"/>.</summary>
    public Tensor Multinomial(int numSamples, bool replacement = false, Generator? generator = null) => Torch.Multinomial(this, numSamples, replacement, generator);
}

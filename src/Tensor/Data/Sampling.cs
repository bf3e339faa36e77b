using Bridge.Random;

namespace Bridge.Data;

/// <summary>torch.multinomial on the CPU, draw for draw, for WeightedRandomSampler.</summary>
public static class Sampling
{
    /// <summary>
    /// <paramref name="count"/> category indices drawn from the 1-d <paramref name="weights"/> (as torch.multinomial).
    /// With replacement (and more than one draw) this is ATen's <c>multinomial_with_replacement</c>: a normalised
    /// cumulative sum in the weights' dtype, then one 53-bit uniform double per draw and a binary search. Otherwise
    /// ATen's exponential-race: argmax/top-k of weight / Exp(1) draws.
    /// </summary>
    public static Tensor Multinomial(Tensor weights, int count, bool replacement, Generator? generator = null)
    {
        var gen = generator ?? Generator.Default;
        if (weights.Dim() != 1) throw new ArgumentException($"prob_dist must be 1 dimensional, got {weights.Dim()} dimensions");
        double[] w = weights.ToDoubleArray();
        int n = w.Length;
        if (n == 0) throw new ArgumentException("cannot sample from an empty distribution (number of categories is 0)");
        if (count <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        if (!replacement && count > n) throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        var result = new long[count];
        if (!replacement || count == 1)
        {
            foreach (double v in w)
                if (!(v >= 0 && v < double.PositiveInfinity)) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
            if (w.Sum() == 0) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
            var q = new double[n];
            var u = new double[1];
            for (int i = 0; i < n; i++)
            {
                gen.FillUniform<double>(u);
                q[i] = w[i] / -Math.Log(1 - u[0]); // weight / Exp(1) draw
            }
            var order = Enumerable.Range(0, n).OrderByDescending(i => q[i]).ThenBy(i => i).Take(count).ToArray();
            for (int i = 0; i < count; i++) result[i] = order[i];
            return Torch.Tensor(result, DType.Int64);
        }
        bool single = weights.DType == DType.Float32;
        var cum = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            double v = w[j];
            if (v < 0) throw new ArgumentException("invalid multinomial distribution (encountering probability entry < 0)");
            if (!double.IsFinite(v)) throw new ArgumentException("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
            sum = single ? (float)sum + (float)v : sum + v;
            cum[j] = sum;
        }
        if (!(sum > 0)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
        for (int j = 0; j < n; j++) cum[j] = single ? (float)cum[j] / (float)sum : cum[j] / sum;
        cum[n - 1] = 1;
        var draw = new double[1];
        for (int s = 0; s < count; s++)
        {
            gen.FillUniform<double>(draw);
            int left = 0, right = n;
            while (right - left > 0)
            {
                int mid = left + (right - left) / 2;
                if (cum[mid] < draw[0]) left = mid + 1;
                else right = mid;
            }
            result[s] = left;
        }
        return Torch.Tensor(result, DType.Int64);
    }
}

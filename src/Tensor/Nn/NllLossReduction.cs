using System.Numerics;

namespace Bridge.Nn;

public static partial class Functional
{
    /// <summary>
    /// nll_loss's sum or mean as torch 1.13's CPU kernel adds it up (aten/src/ATen/native/LossNLL.cpp,
    /// nll_loss_out_frame): −input[b, t]·w[t] in the element type, through eight cascade levels of 2^max(4, ⌈log₂N⌉/8)
    /// rows each, the levels then added from zero in order; the mean divides by the count (or the weights summed the
    /// same way). For (C) and (N, C) inputs; null where torch takes another kernel (more dims) or the dtype is not float.
    /// </summary>
    static Tensor? NllReducedAsTorch(Tensor picked, bool[] keep, long[] safe, double[]? weight, Reduction reduction, int inputDims)
    {
        if (inputDims > 2 || reduction == Reduction.None || picked.Device.IsCuda) return null;
        return picked.DType switch
        {
            DType.Float32 => Torch.Tensor(CascadeNll(picked.ToArray<float>(), keep, safe, weight, reduction), DType.Float32, device: Device.Cpu),
            DType.Float64 => Torch.Tensor(CascadeNll(picked.ToArray<double>(), keep, safe, weight, reduction), DType.Float64, device: Device.Cpu),
            _ => null,
        };
    }

    static T CascadeNll<T>(T[] picked, bool[] keep, long[] safe, double[]? weight, Reduction reduction) where T : IFloatingPointIeee754<T>
    {
        const int levels = 8;
        int batch = picked.Length;
        int ceilLog2 = batch <= 2 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)(batch - 1));
        int levelPower = Math.Max(4, ceilLog2 / levels);
        long levelMask = (1L << levelPower) - 1;
        var loss = new T[levels];
        var weights = new T[levels];
        int ignored = 0;
        for (int b = 0; b < batch; b++)
        {
            if (!keep[b])
            {
                ignored++;
                continue;
            }
            if (weight is null) loss[0] -= picked[b];
            else
            {
                T w = T.CreateTruncating(weight[safe[b]]);
                loss[0] -= picked[b] * w;
                weights[0] += w;
            }
            for (int j = 0; j + 1 < levels; j++)
            {
                if ((b & (levelMask << (j * levelPower))) != 0) break;
                weights[j + 1] += weights[j];
                loss[j + 1] += loss[j];
                weights[j] = T.Zero;
                loss[j] = T.Zero;
            }
        }
        T total = T.Zero, output = T.Zero;
        if (weight is null) total = T.CreateTruncating(batch - ignored);
        else foreach (var w in weights) total += w;
        foreach (var l in loss) output += l;
        return reduction == Reduction.Mean ? output / total : output;
    }
}

namespace Bridge.Backends.Cpu;

/// <summary>How the 0-d partial results of <see cref="LargeTensors.Reduce"/> fold into one.</summary>
internal static class LargeReductions
{
    /// <summary>The sum of the partial sums, in double for floats and in long for integers.</summary>
    public static void Sum(Tensor[] results, (Tensor[] Partial, long Start)[] partials)
    {
        var result = results[0];
        if (result.DType.IsFloatingPoint())
            CopyKernels.Write(result, result.StorageOffset, partials.Sum(p => p.Partial[0].Item()));
        else
        {
            long total = 0;
            foreach (var p in partials) total = unchecked(total + p.Partial[0].Item<long>());
            if (result.DType == DType.Int64) result.Ref<long>(result.StorageOffset) = total;
            else CopyKernels.Write(result, result.StorageOffset, total);
        }
    }

    /// <summary>The first extreme across pieces (a NaN wins, as in one pass); its index offset by its piece's start.</summary>
    public static void Extreme(Tensor[] results, (Tensor[] Partial, long Start)[] partials, bool max)
    {
        double best = 0;
        long bestIndex = -1;
        foreach (var (partial, start) in partials)
        {
            double v = partial[0].Item();
            bool better = bestIndex < 0 || !double.IsNaN(best) && (double.IsNaN(v) || (max ? v > best : v < best));
            if (!better) continue;
            best = v;
            bestIndex = start + partial[1].Item<long>();
        }
        CopyKernels.Write(results[0], results[0].StorageOffset, best);
        results[1].Ref<long>(results[1].StorageOffset) = bestIndex;
    }
}

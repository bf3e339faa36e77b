using Bridge.Backends;
namespace Bridge.Autograd;

/// <summary>
/// Finite-difference gradient check (torch.autograd.gradcheck's idea): the analytic gradient of
/// L = Σ f(inputs)·v, for a fixed non-uniform v, against central differences in float64.
/// </summary>
public static class GradCheck
{
    /// <summary>Returns null when every gradient matches, else a description of the first mismatch.</summary>
    public static string? Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        foreach (var x in inputs)
            if (x.DType != DType.Float64) throw new ArgumentException($"gradcheck needs float64 inputs, got {x.DType.TorchName()}");
        var leaves = inputs.Select(x => x.Detach().Clone().RequiresGrad_()).ToArray();
        var output = f(leaves);
        var weights = Weights(output.ShapeArray).To(output.Device);
        (output * weights).Sum().Backward();

        for (int k = 0; k < leaves.Length; k++)
        {
            var analytic = leaves[k].Grad?.ToDoubleArray() ?? new double[leaves[k].Numel()];
            var offsets = leaves[k].ElementOffsets().ToArray();
            for (int i = 0; i < offsets.Length; i++)
            {
                double numeric = (Loss(f, leaves, weights, k, offsets[i], eps) - Loss(f, leaves, weights, k, offsets[i], -eps)) / (2 * eps);
                double diff = Math.Abs(numeric - analytic[i]);
                if (!(diff <= atol + rtol * Math.Abs(numeric)) && !(double.IsNaN(numeric) && double.IsNaN(analytic[i])))
                    return $"input {k} element {i}: analytic {analytic[i]:R} vs numeric {numeric:R} (|diff| {diff:E2})";
            }
        }
        return null;
    }

    /// <summary>Throws with the mismatch when <see cref="Check"/> finds one.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        if (Check(f, inputs) is string problem) throw new InvalidOperationException("gradcheck failed: " + problem);
    }

    static double Loss(Func<Tensor[], Tensor> f, Tensor[] leaves, Tensor weights, int k, long offset, double delta)
    {
        // Element reads and writes through the backend, so leaves in device memory are perturbed in place too.
        var leaf = leaves[k];
        double saved = Backend.Read(leaf, offset);
        Backend.Write(leaf, offset, saved + delta);
        double loss;
        using (GradMode.Set(false)) loss = (f(leaves) * weights).Sum().Item();
        Backend.Write(leaf, offset, saved);
        return loss;
    }

    // Distinct weights per output element, so a gradient routed to the wrong element cannot cancel out.
    static Tensor Weights(int[] shape)
    {
        var w = Torch.Zeros(shape, DType.Float64, Device.Cpu);
        var span = w.ContiguousSpan<double>();
        for (int i = 0; i < span.Length; i++) span[i] = 1 + 0.5 * Math.Cos(i + 1);
        return w;
    }
}

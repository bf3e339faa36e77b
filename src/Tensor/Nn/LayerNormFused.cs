using System.Numerics;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// Layer normalisation on the CPU over fused kernels (<see cref="LayerNormKernels"/>): one pass per row forward and
/// one backward instead of about ten tensor ops each way, still one <c>NativeLayerNormBackward0</c> node. Float32/
/// float64 with same-dtype contiguous weight and bias; anything else, and other devices, take the composed path in
/// <see cref="LayerNorm(Tensor, int[], Tensor?, Tensor?, double)"/>. Under create_graph the backward is recorded ops.
/// </summary>
public static partial class Functional
{
    /// <summary>Whether <see cref="FusedLayerNorm"/> computes this (validated) call.</summary>
    static bool FusedLayerNormApplies(Tensor input, Tensor? weight, Tensor? bias)
    {
        if (input.Device.Type != DeviceType.Cpu || input.DType is not (DType.Float32 or DType.Float64) || input.Numel() == 0) return false;
        foreach (var t in new[] { weight, bias })
            if (t is not null && (t.Device.Type != DeviceType.Cpu || t.DType != input.DType || !t.IsContiguous())) return false;
        return true;
    }

    static Tensor FusedLayerNorm(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, double eps) =>
        input.DType == DType.Float32
            ? FusedLayerNorm<float>(input, normalizedShape, weight, bias, eps)
            : FusedLayerNorm<double>(input, normalizedShape, weight, bias, eps);

    static unsafe Tensor FusedLayerNorm<T>(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = 1;
        foreach (int s in normalizedShape) n *= s;
        long rows = input.Numel() / n;
        Tensor x, y, mean, rstd;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            y = Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            mean = Tensor.Allocate([(int)rows], x.DType, x.Device, zero: false);
            rstd = Tensor.Allocate([(int)rows], x.DType, x.Device, zero: false);
            LayerNormKernels.Forward(Data<T>(x), Data<T>(y), rows, n, Data<T>(weight), Data<T>(bias), eps, Data<T>(mean), Data<T>(rstd));
        }
        var inputs = new List<Tensor> { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        if (!GradMode.IsEnabled || !inputs.Any(t => t.RequiresGrad)) return y;
        int k = normalizedShape.Length, dims = input.Dim();
        var reduce = Enumerable.Range(dims - k, k).ToArray();
        var lead = Enumerable.Range(0, dims - k).ToArray();
        Tensor[] saved = weight is null ? [x, mean, rstd] : [x, mean, rstd, weight]; // every tensor the closure reads, kept alive with the node
        return Recording.Record(y, "NativeLayerNormBackward0", [.. inputs], g =>
        {
            if (GradMode.IsEnabled) return LayerNormGradientsRecorded(g, input, weight, bias, reduce, lead, n, eps);
            var gc = g.Contiguous();
            var dx = input.RequiresGrad ? Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false) : null;
            var dw = weight is { RequiresGrad: true } ? Tensor.Allocate(weight.ShapeArray, x.DType, x.Device, zero: false) : null;
            var db = bias is { RequiresGrad: true } ? Tensor.Allocate(bias.ShapeArray, x.DType, x.Device, zero: false) : null;
            LayerNormKernels.Backward(Data<T>(gc), Data<T>(x), rows, n, Data<T>(mean), Data<T>(rstd), Data<T>(weight),
                Data<T>(dx), Data<T>(dw), Data<T>(db));
            var grads = new Tensor?[inputs.Count];
            grads[0] = dx;
            int next = 1;
            if (weight is not null) grads[next++] = dw;
            if (bias is not null) grads[next] = db;
            return grads;
        }, saved);
    }

    /// <summary>
    /// ATen's layer-norm backward from recorded ops (create_graph): ∂x = rstd/N·(N·ĝ − Σĝ − x̂·Σ(ĝ·x̂)) with ĝ = g·weight,
    /// ∂weight = Σ g·x̂ and ∂bias = Σ g over the leading dims.
    /// </summary>
    static Tensor?[] LayerNormGradientsRecorded(Tensor g, Tensor input, Tensor? weight, Tensor? bias, int[] reduce, int[] lead, long n, double eps)
    {
        var (normalised, invStd) = Normalise(input, reduce, eps);
        var grads = new Tensor?[1 + (weight is null ? 0 : 1) + (bias is null ? 0 : 1)];
        if (input.RequiresGrad)
        {
            var gw = weight is null ? g : g * weight;
            var sumG = gw.Sum(reduce, keepDim: true);
            var sumGx = (gw * normalised).Sum(reduce, keepDim: true);
            grads[0] = invStd / (double)n * (gw * (double)n - sumG - normalised * sumGx);
        }
        int next = 1;
        if (weight is not null)
        {
            if (weight.RequiresGrad) grads[next] = lead.Length == 0 ? g * normalised : (g * normalised).Sum(lead);
            next++;
        }
        if (bias is not null && bias.RequiresGrad) grads[next] = lead.Length == 0 ? g.Clone() : g.Sum(lead);
        return grads;
    }
}

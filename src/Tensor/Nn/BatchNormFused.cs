using System.Numerics;
using System.Runtime.CompilerServices;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// Batch normalisation on the CPU as one node (<c>NativeBatchNormBackward0</c>, as torch records it) over fused
/// kernels (<see cref="BatchNormKernels"/>): the statistics, the normalisation and the backward each one pass or two
/// instead of about ten tensor ops. Float32/float64 with same-dtype contiguous parameters; anything else, and every
/// other device, takes the composed path in <see cref="BatchNorm"/>. Under create_graph the backward is written with
/// recorded ops, so double backward works as it does through the composed path.
/// </summary>
public static partial class Functional
{
    /// <summary>Whether <see cref="FusedBatchNorm"/> computes this call (CPU, float32/float64, contiguous same-dtype parameters).</summary>
    static bool FusedBatchNormApplies(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias)
    {
        if (input.Device.Type != DeviceType.Cpu || input.DType is not (DType.Float32 or DType.Float64) || input.Numel() == 0) return false;
        foreach (var t in new[] { runningMean, runningVar, weight, bias })
            if (t is not null && (t.Device.Type != DeviceType.Cpu || t.DType != input.DType || !t.IsContiguous())) return false;
        return true;
    }

    /// <summary><see cref="BatchNorm"/> on validated arguments through the fused CPU kernels.</summary>
    static Tensor FusedBatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps) => input.DType == DType.Float32
        ? FusedBatchNorm<float>(input, runningMean, runningVar, weight, bias, training, momentum, eps)
        : FusedBatchNorm<double>(input, runningMean, runningVar, weight, bias, training, momentum, eps);

    static unsafe T* Data<T>(Tensor? t) where T : unmanaged => t is null ? null : (T*)Unsafe.AsPointer(ref t.Ref<T>(t.StorageOffset));

    static unsafe Tensor FusedBatchNorm<T>(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor x, y, mean, invstd;
        int batch = input.Size32(0), channels = input.Size32(1);
        long image = input.Numel() / ((long)batch * channels), count = batch * image;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            y = Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            mean = Tensor.Allocate([channels], x.DType, x.Device, zero: false);
            invstd = Tensor.Allocate([channels], x.DType, x.Device, zero: false);
            T* m = Data<T>(mean), s = Data<T>(invstd);
            if (training)
            {
                var varSum = Tensor.Allocate([channels], x.DType, x.Device, zero: false);
                T* v = Data<T>(varSum);
                BatchNormKernels.Statistics(Data<T>(x), batch, channels, image, m, v);
                for (int c = 0; c < channels; c++)
                    s[c] = T.CreateTruncating(1 / Math.Sqrt(double.CreateTruncating(v[c] / T.CreateTruncating(count)) + eps));
                UpdateRunningStatistics(runningMean, runningVar, m, v, channels, count, momentum);
            }
            else
            {
                T* rm = Data<T>(runningMean), rv = Data<T>(runningVar);
                for (int c = 0; c < channels; c++)
                {
                    m[c] = rm[c];
                    s[c] = T.CreateTruncating(1 / Math.Sqrt(double.CreateTruncating(rv[c]) + eps));
                }
            }
            // y = x·α + β with α = invstd·w and β = b − mean·α (torch's linear and constant terms).
            T* w = Data<T>(weight), b = Data<T>(bias);
            var alpha = new T[channels];
            var beta = new T[channels];
            for (int c = 0; c < channels; c++)
            {
                alpha[c] = s[c] * (w == null ? T.One : w[c]);
                beta[c] = (b == null ? T.Zero : b[c]) - m[c] * alpha[c];
            }
            fixed (T* pa = alpha, pb = beta) BatchNormKernels.Normalize(Data<T>(x), Data<T>(y), batch, channels, image, pa, pb);
        }
        var inputs = new List<Tensor> { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        if (!GradMode.IsEnabled || !inputs.Any(t => t.RequiresGrad)) return y;
        Tensor[] saved = weight is null ? [x, mean, invstd] : [x, mean, invstd, weight]; // every tensor the closure reads, kept alive with the node
        return Recording.Record(y, "NativeBatchNormBackward0", [.. inputs], g =>
        {
            if (GradMode.IsEnabled) return BatchNormGradientsRecorded(g, input, runningMean, runningVar, weight, bias, training, eps);
            var gc = g.Contiguous();
            var dx = input.RequiresGrad ? Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false) : null;
            var dw = weight is { RequiresGrad: true } ? Tensor.Allocate([channels], x.DType, x.Device, zero: false) : null;
            var db = bias is { RequiresGrad: true } ? Tensor.Allocate([channels], x.DType, x.Device, zero: false) : null;
            BatchNormKernels.Backward(Data<T>(gc), Data<T>(x), batch, channels, image, Data<T>(mean), Data<T>(invstd), Data<T>(weight),
                training, Data<T>(dx), Data<T>(dw), Data<T>(db));
            var grads = new Tensor?[inputs.Count];
            grads[0] = dx;
            int next = 1;
            if (weight is not null) grads[next++] = dw?.Reshape(weight.ShapeArray);
            if (bias is not null) grads[next] = db?.Reshape(bias.ShapeArray);
            return grads;
        }, saved);
    }

    /// <summary>
    /// running_mean ← m·mean + (1 − m)·running_mean, running_var ← m·varSum/(count − 1) + (1 − m)·running_var, in
    /// torch's precision (the momentum rounded to T, the unbiased variance in double).
    /// </summary>
    static unsafe void UpdateRunningStatistics<T>(Tensor? runningMean, Tensor? runningVar, T* mean, T* varSum, int channels, long count, double momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateTruncating(momentum), keep = T.One - m;
        if (runningMean is not null)
        {
            T* rm = Data<T>(runningMean);
            for (int c = 0; c < channels; c++) rm[c] = m * mean[c] + keep * rm[c];
            runningMean.BumpVersion();
        }
        if (runningVar is not null)
        {
            T* rv = Data<T>(runningVar);
            for (int c = 0; c < channels; c++)
            {
                double unbiased = double.CreateTruncating(varSum[c] / T.CreateTruncating(count - 1));
                rv[c] = T.CreateTruncating(double.CreateTruncating(m) * unbiased + double.CreateTruncating(keep * rv[c]));
            }
            runningVar.BumpVersion();
        }
    }

    /// <summary>
    /// The fused node's gradients from recorded ops (create_graph): with x̂ = (x − mean)·invstd and ĝ = g·w,
    /// ∂x = invstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) in training, g·w·invstd in eval; ∂w = Σ g·x̂, ∂b = Σ g.
    /// </summary>
    static Tensor?[] BatchNormGradientsRecorded(Tensor g, Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double eps)
    {
        int[] dims = [0, .. Enumerable.Range(2, input.Dim() - 2)];
        var shape = ChannelShape(input);
        Tensor mean, invstd;
        if (training)
        {
            mean = input.Mean(dims, keepDim: true);
            var centred = input - mean;
            invstd = ((centred * centred).Mean(dims, keepDim: true) + eps).Sqrt().Reciprocal();
        }
        else
        {
            mean = runningMean!.Reshape(shape);
            invstd = (runningVar!.Reshape(shape) + eps).Sqrt().Reciprocal();
        }
        var xhat = (input - mean) * invstd;
        var gw = weight is null ? g : g * weight.Reshape(shape);
        var grads = new Tensor?[1 + (weight is null ? 0 : 1) + (bias is null ? 0 : 1)];
        if (input.RequiresGrad)
            grads[0] = training ? invstd * (gw - gw.Mean(dims, keepDim: true) - xhat * (gw * xhat).Mean(dims, keepDim: true)) : gw * invstd;
        int next = 1;
        if (weight is not null)
        {
            if (weight.RequiresGrad) grads[next] = (g * xhat).Sum(dims).Reshape(weight.ShapeArray);
            next++;
        }
        if (bias is not null && bias.RequiresGrad) grads[next] = g.Sum(dims).Reshape(bias.ShapeArray);
        return grads;
    }
}

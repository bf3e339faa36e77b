using Bridge.Autograd;

namespace Bridge;

// torch.* function forms of the Tensor methods, for ports that call torch.sigmoid(x) rather than x.sigmoid().
public static partial class Torch
{
    /// <summary>Disables graph recording until disposed: <c>using (Torch.NoGrad()) { ... }</c></summary>
    public static GradMode.Scope NoGrad() => GradMode.Set(false);

    /// <summary>Re-enables graph recording inside a no-grad region.</summary>
    public static GradMode.Scope EnableGrad() => GradMode.Set(true);

    public static bool IsGradEnabled() => GradMode.IsEnabled;

    public static Tensor Add(Tensor a, Tensor b) => a + b;
    public static Tensor Sub(Tensor a, Tensor b) => a - b;
    public static Tensor Mul(Tensor a, Tensor b) => a * b;
    public static Tensor Div(Tensor a, Tensor b) => a / b;
    public static Tensor Add(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Add(a, b, @out);
    public static Tensor Sub(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Sub(a, b, @out);
    public static Tensor Mul(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Mul(a, b, @out);
    public static Tensor Div(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Div(a, b, @out);
    public static Tensor Pow(Tensor x, double exponent) => x.Pow(exponent);
    public static Tensor Clamp(Tensor x, double? min = null, double? max = null) => x.Clamp(min, max);
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Bridge.Tensor.Where(condition, a, b);
    public static Tensor Maximum(Tensor a, Tensor b) => Bridge.Tensor.Maximum(a, b);
    public static Tensor Minimum(Tensor a, Tensor b) => Bridge.Tensor.Minimum(a, b);
    public static Tensor Sum(Tensor x) => x.Sum();
    public static Tensor Mean(Tensor x) => x.Mean();
    public static Tensor Max(Tensor x) => x.Max();
    public static Tensor Min(Tensor x) => x.Min();
    public static Tensor Argmax(Tensor x) => x.Argmax();
    public static Tensor MatMul(Tensor a, Tensor b) => a.MatMul(b);
    public static Tensor Mm(Tensor a, Tensor b) => a.Mm(b);
    public static Tensor Bmm(Tensor a, Tensor b) => a.Bmm(b);
    public static Tensor Dot(Tensor a, Tensor b) => a.Dot(b);
    public static Tensor Addmm(Tensor bias, Tensor a, Tensor b) => Bridge.Tensor.Addmm(bias, a, b);
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => x.Transpose(dim0, dim1);
    public static Tensor Reshape(Tensor x, params int[] shape) => x.Reshape(shape);
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1) => x.Flatten(startDim, endDim);
    public static Tensor Squeeze(Tensor x) => x.Squeeze();
    public static Tensor Unsqueeze(Tensor x, int dim) => x.Unsqueeze(dim);
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Bridge.Tensor.Cat(tensors, dim);
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Bridge.Tensor.Stack(tensors, dim);
}

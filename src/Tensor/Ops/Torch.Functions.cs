using Bridge.Autograd;

namespace Bridge;

// torch.* function forms of the Tensor methods, for ports that call torch.sigmoid(x) rather than x.sigmoid().
public static partial class Torch
{
    /// <summary>Disables graph recording until disposed: <c>using (Torch.NoGrad()) { ... }</c></summary>
    public static GradMode.Scope NoGrad() => GradMode.Set(false);

    /// <summary>Re-enables graph recording inside a no-grad region.</summary>
    public static GradMode.Scope EnableGrad() => GradMode.Set(true);

    /// <summary>True when operations record the autograd graph on this thread (torch.is_grad_enabled).</summary>
    public static bool IsGradEnabled() => GradMode.IsEnabled;

    /// <summary>a + b, broadcast and type-promoted (torch.add).</summary>
    public static Tensor Add(Tensor a, Tensor b) => a + b;
    /// <summary>a - b, broadcast and type-promoted (torch.sub).</summary>
    public static Tensor Sub(Tensor a, Tensor b) => a - b;
    /// <summary>a * b, broadcast and type-promoted (torch.mul).</summary>
    public static Tensor Mul(Tensor a, Tensor b) => a * b;
    /// <summary>a / b, broadcast; true division, so integers give float32 (torch.div).</summary>
    public static Tensor Div(Tensor a, Tensor b) => a / b;
    /// <summary>
    /// a + b written into <paramref name="out"/>, which must already have the broadcast shape and result dtype; returns
    /// <paramref name="out"/> (torch.add(a, b, out=out)).
    /// </summary>
    public static Tensor Add(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Add(a, b, @out);
    /// <summary>
    /// a - b written into <paramref name="out"/> (shape and dtype as the result's); returns <paramref name="out"/>.
    /// </summary>
    public static Tensor Sub(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Sub(a, b, @out);
    /// <summary>
    /// a * b written into <paramref name="out"/> (shape and dtype as the result's); returns <paramref name="out"/>.
    /// </summary>
    public static Tensor Mul(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Mul(a, b, @out);
    /// <summary>
    /// a / b written into <paramref name="out"/> (shape and dtype as the result's); returns <paramref name="out"/>.
    /// </summary>
    public static Tensor Div(Tensor a, Tensor b, Tensor @out) => Bridge.Tensor.Div(a, b, @out);
    /// <summary>Each element of <paramref name="x"/> raised to <paramref name="exponent"/> (torch.pow).</summary>
    public static Tensor Pow(Tensor x, double exponent) => x.Pow(exponent);
    /// <summary>
    /// Each element limited to [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied
    /// (torch.clamp).
    /// </summary>
    public static Tensor Clamp(Tensor x, double? min = null, double? max = null) => x.Clamp(min, max);
    /// <summary>Softmax along <paramref name="dim"/>: exp(x) / Σ exp(x), computed stably (torch.softmax).</summary>
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably (torch.log_softmax).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);
    /// <summary>
    /// Elements of <paramref name="a"/> where <paramref name="condition"/> (bool) is true, of <paramref name="b"/>
    /// elsewhere; all three broadcast (torch.where).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Bridge.Tensor.Where(condition, a, b);
    /// <summary>Elementwise larger of a and b, broadcast; NaN propagates (torch.maximum).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Bridge.Tensor.Maximum(a, b);
    /// <summary>Elementwise smaller of a and b, broadcast; NaN propagates (torch.minimum).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Bridge.Tensor.Minimum(a, b);
    /// <summary>Sum of all elements as a 0-d tensor (torch.sum); bool and integers sum as int64.</summary>
    public static Tensor Sum(Tensor x) => x.Sum();
    /// <summary>Mean of all elements as a 0-d tensor (torch.mean); floating-point dtypes only.</summary>
    public static Tensor Mean(Tensor x) => x.Mean();
    /// <summary>Largest element as a 0-d tensor, NaN if any (torch.max(x)).</summary>
    public static Tensor Max(Tensor x) => x.Max();
    /// <summary>Smallest element as a 0-d tensor, NaN if any (torch.min(x)).</summary>
    public static Tensor Min(Tensor x) => x.Min();
    /// <summary>Flat index of the first largest element, as a 0-d int64 tensor (torch.argmax(x)).</summary>
    public static Tensor Argmax(Tensor x) => x.Argmax();
    /// <summary>
    /// Matrix product with torch.matmul's rules: 1-d·1-d dot, 2-d·2-d matrix product, batched (broadcast) for more
    /// dims.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b) => a.MatMul(b);
    /// <summary>
    /// Matrix product of 2-d <paramref name="a"/> [n, m] and <paramref name="b"/> [m, p] to [n, p] (torch.mm).
    /// </summary>
    public static Tensor Mm(Tensor a, Tensor b) => a.Mm(b);
    /// <summary>
    /// Batched matrix product of <paramref name="a"/> [B, n, m] and <paramref name="b"/> [B, m, p] to [B, n, p]
    /// (torch.bmm).
    /// </summary>
    public static Tensor Bmm(Tensor a, Tensor b) => a.Bmm(b);
    /// <summary>Dot product of two 1-d tensors of the same length, as a 0-d tensor (torch.dot).</summary>
    public static Tensor Dot(Tensor a, Tensor b) => a.Dot(b);
    /// <summary>
    /// bias + a·b for 2-d <paramref name="a"/> [n, m] and <paramref name="b"/> [m, p], bias broadcast to [n, p]
    /// (torch.addmm).
    /// </summary>
    public static Tensor Addmm(Tensor bias, Tensor a, Tensor b) => Bridge.Tensor.Addmm(bias, a, b);
    /// <summary>
    /// A view with dims <paramref name="dim0"/> and <paramref name="dim1"/> swapped (torch.transpose).
    /// </summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => x.Transpose(dim0, dim1);
    /// <summary>
    /// The elements in a new shape (a view when the strides allow, else a copy); one size may be -1 (torch.reshape).
    /// </summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => x.Reshape(shape);
    /// <summary>
    /// Dims <paramref name="startDim"/>..<paramref name="endDim"/> merged into one; by default all, giving 1-d
    /// (torch.flatten).
    /// </summary>
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1) => x.Flatten(startDim, endDim);
    /// <summary>A view with every size-1 dim removed (torch.squeeze).</summary>
    public static Tensor Squeeze(Tensor x) => x.Squeeze();
    /// <summary>
    /// A view with a size-1 dim inserted at <paramref name="dim"/> (negative counts from the end of the result)
    /// (torch.unsqueeze).
    /// </summary>
    public static Tensor Unsqueeze(Tensor x, int dim) => x.Unsqueeze(dim);
    /// <summary>
    /// The tensors joined along existing dim <paramref name="dim"/>; other sizes must match (torch.cat).
    /// </summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Bridge.Tensor.Cat(tensors, dim);
    /// <summary>The tensors, all of one shape, joined along a new dim <paramref name="dim"/> (torch.stack).</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Bridge.Tensor.Stack(tensors, dim);
}

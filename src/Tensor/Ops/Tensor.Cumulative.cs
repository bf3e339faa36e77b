using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// Running and whole-line sums and products along a dim (cumsum, cumprod, prod), on host copies of the lines.
// Float lines accumulate in double and round each output once, as torch's CPU kernels do (acc_type of float is
// double there); integer and bool inputs give int64.
public sealed partial class Tensor
{
    /// <summary>Running sum along <paramref name="dim"/>; ∂ = reversed running sum of g</summary>
    public Tensor Cumsum(int dim, DType? dtype = null)
    {
        if (!Fits32) return Running64(dim, product: false, dtype ?? (DType.IsFloatingPoint() ? DType : DType.Int64));
        var x = dtype is DType t ? To(t) : DType.IsFloatingPoint() ? this : To(DType.Int64);
        var result = x.Running(dim, product: false, reverse: false);
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "CumsumBackward0", [x], g => [GradMode.IsEnabled ? g.Flip([dim]).Cumsum(dim).Flip([dim]) : g.ReverseCumsum(dim)]);
    }

    /// <summary>Running product along <paramref name="dim"/>; ∂x_k = Σ_{j≥k} g_j·Π_{i≤j, i≠k} x_i (exact with zeros)</summary>
    public Tensor Cumprod(int dim, DType? dtype = null)
    {
        if (!Fits32) return Running64(dim, product: true, dtype ?? (DType.IsFloatingPoint() ? DType : DType.Int64));
        var x = dtype is DType t ? To(t) : DType.IsFloatingPoint() ? this : To(DType.Int64);
        var result = x.Running(dim, product: true, reverse: false);
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "CumprodBackward0", [x], g => [GradMode.IsEnabled ? CumprodGradientRecorded(x, g, dim) : CumprodGradient(x, g, dim)], x);
    }

    /// <summary>Product of all elements; ∂x_k = g·Π_{i≠k} x_i</summary>
    public Tensor Prod(DType? dtype = null)
    {
        var flat = (dtype is DType t ? To(t) : this).Reshape(-1);
        Tensor result;
        using (GradMode.Set(false)) result = flat.Prod(0, false, dtype);
        if (!Recording.Needed(this)) return result;
        var input = this;
        return Recording.Record(result, "ProdBackward0", [input], g => [GradMode.IsEnabled
            ? (ProductOfOthersRecorded(input.Reshape(-1), 0) * g).Reshape(input.ShapeArray)
            : ProdGradient(flat.Detach(), g.Reshape(1), 0).Reshape(input.ShapeArray)], input);
    }

    /// <summary>Product along <paramref name="dim"/>.</summary>
    public Tensor Prod(int dim, bool keepDim = false, DType? dtype = null)
    {
        var x = dtype is DType t ? To(t) : DType.IsFloatingPoint() ? this : To(DType.Int64);
        int d = ShapeMath.WrapDim(dim, Math.Max(x.Dim(), 1));
        var lines = new HostLines(x, d);
        Array data = lines.IsReal ? new double[lines.Count] : new long[lines.Count];
        for (int line = 0; line < lines.Count; line++)
        {
            if (data is double[] r) { double p = 1; for (int i = 0; i < lines.Length; i++) p *= lines.Real![line * lines.Length + i]; r[line] = p; }
            else { long p = 1; for (int i = 0; i < lines.Length; i++) p *= lines.Integer![line * lines.Length + i]; ((long[])data)[line] = p; }
        }
        var result = lines.Result(data, 1, x.DType);
        if (!keepDim && x.Dim() > 0) result = result.Squeeze(d);
        if (x.Dim() == 0) result = result.Reshape();
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "ProdBackward1", [x], g =>
        {
            var line = keepDim || x.Dim() == 0 ? g.Reshape(result.ShapeArray.Length == 0 ? [1] : result.ShapeArray) : g.Unsqueeze(d);
            if (GradMode.IsEnabled) return [(ProductOfOthersRecorded(x.Dim() == 0 ? x.Reshape(1) : x, d) * line).Reshape(x.ShapeArray)];
            return [ProdGradient(x.Detach(), line, d).Reshape(x.ShapeArray)];
        }, x);
    }

    /// <summary>Running sum from the end (cumsum's first-order gradient; not recorded: create_graph uses flip/cumsum/flip).</summary>
    Tensor ReverseCumsum(int dim) => Running(dim, product: false, reverse: true);

    /// <summary>Running sum or product of each line, forward or from the end.</summary>
    Tensor Running(int dim, bool product, bool reverse)
    {
        var lines = new HostLines(this, dim);
        int n = lines.Length;
        Array data = lines.IsReal ? new double[lines.Count * n] : new long[lines.Count * n];
        for (int line = 0; line < lines.Count; line++)
        {
            double accR = product ? 1 : 0;
            long accI = product ? 1 : 0;
            for (int step = 0; step < n; step++)
            {
                int i = line * n + (reverse ? n - 1 - step : step);
                if (data is double[] r) { accR = product ? accR * lines.Real![i] : accR + lines.Real![i]; r[i] = accR; }
                else { accI = product ? accI * lines.Integer![i] : accI + lines.Integer![i]; ((long[])data)[i] = accI; }
            }
        }
        return lines.Result(data, n, DType);
    }

    /// <summary>∂ of cumprod: for each k, Σ_{j≥k} g_j·Π_{i≤j, i≠k} x_i, in O(n) per line with the first zero handled apart.</summary>
    static Tensor CumprodGradient(Tensor x, Tensor g, int dim)
    {
        var xs = new HostLines(x, dim);
        var gs = new HostLines(g.To(DType.Float64), dim);
        int n = xs.Length;
        var grad = new double[xs.Count * n];
        for (int line = 0; line < xs.Count; line++)
        {
            int o = line * n;
            int zero = Enumerable.Range(0, n).FirstOrDefault(i => xs.At(line, i) == 0, n);
            // Before the first zero: (Σ_{j≥k} g_j·y_j) / x_k, where y_j = 0 from the zero on.
            double prefix = 1, tail = 0;
            var y = new double[n];
            for (int i = 0; i < n; i++) { prefix *= xs.At(line, i); y[i] = prefix; }
            for (int k = n - 1; k >= 0; k--)
            {
                tail += gs.Real![o + k] * y[k];
                if (k < zero) grad[o + k] = tail / xs.At(line, k);
            }
            if (zero < n)
            {
                // At the first zero: Σ_{j≥z} g_j·y_{z-1}·Π_{z<i≤j} x_i.
                double before = zero == 0 ? 1 : y[zero - 1], run = before, sum = 0;
                for (int j = zero; j < n; j++)
                {
                    if (j > zero) run *= xs.At(line, j);
                    sum += gs.Real![o + j] * run;
                }
                grad[o + zero] = sum;
            }
        }
        return xs.Result(grad, n, g.DType);
    }

    /// <summary>∂ of prod along a line: g·Π_{i≠k} x_i (the product over the others, exact when the line holds zeros).</summary>
    static Tensor ProdGradient(Tensor x, Tensor g, int dim)
    {
        var xs = new HostLines(x, dim);
        var gs = new HostLines(g.To(DType.Float64), dim);
        int n = xs.Length;
        var grad = new double[xs.Count * n];
        for (int line = 0; line < xs.Count; line++)
        {
            // Products of the elements before and after each k: no division, so zeros need no special case.
            var before = new double[n + 1];
            before[0] = 1;
            for (int i = 0; i < n; i++) before[i + 1] = before[i] * xs.At(line, i);
            double after = 1;
            for (int k = n - 1; k >= 0; k--)
            {
                grad[line * n + k] = gs.Real![line] * before[k] * after;
                after *= xs.At(line, k);
            }
        }
        return xs.Result(grad, n, g.DType);
    }

    /// <summary>
    /// Π_{i≠k} x_i along <paramref name="dim"/> from recorded ops (create_graph): the exclusive running products from
    /// the front and from the back, multiplied; no division, so zeros need no special case.
    /// </summary>
    static Tensor ProductOfOthersRecorded(Tensor x, int dim)
    {
        int n = x.Size32(dim);
        var onesShape = (int[])x.ShapeArray.Clone();
        onesShape[dim] = 1;
        var one = Ones(onesShape, x.DType, device: x.Device);
        var before = Cat([one, x.Narrow(dim, 0, n - 1).Cumprod(dim)], dim);
        var after = Cat([one, x.Flip([dim]).Narrow(dim, 0, n - 1).Cumprod(dim)], dim).Flip([dim]);
        return before * after;
    }

    /// <summary>
    /// ∂ of cumprod from recorded ops (create_graph): Σ_{j≥k} g_j·Π_{i≤j, i≠k} x_i. Without zeros it is
    /// reversed-cumsum(g·y)/x; with zeros, one running product per k with x_k replaced by 1 (O(n²), as torch's
    /// double-backward path is).
    /// </summary>
    static Tensor CumprodGradientRecorded(Tensor x, Tensor g, int dim)
    {
        dim = ShapeMath.WrapDim(dim, Math.Max(x.Dim(), 1));
        if (x.Dim() == 0) return g.Clone();
        bool zeros;
        using (GradMode.Set(false)) zeros = (x == 0.0).Any();
        if (!zeros)
        {
            var gy = g * x.Cumprod(dim);
            return gy.Flip([dim]).Cumsum(dim).Flip([dim]) / x;
        }
        int n = x.Size32(dim);
        var positions = Arange(n).To(x.Device);
        var lineShape = Enumerable.Repeat(1, x.Dim()).ToArray();
        lineShape[dim] = n;
        positions = positions.Reshape(lineShape);
        var columns = new Tensor[n];
        for (int k = 0; k < n; k++)
        {
            var atK = (positions == (double)k).To(x.DType);
            var replaced = x * (1.0 - atK) + atK;              // x with x_k := 1, differentiable in the others
            var fromK = (positions >= (double)k).To(x.DType);  // only j ≥ k contribute
            columns[k] = (g * replaced.Cumprod(dim) * fromK).Sum(dim, keepDim: true);
        }
        return Cat(columns, dim);
    }
}

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/views_cat_stack_grads.py. Stepped slices (<c>x[1:3, ::2]</c>) use
/// <see cref="Tensor.Slice"/>, as C# ranges have no step.</summary>
public static class ViewsCatStackGrads
{
    /// <summary>Sum of t weighted by a fixed ramp, so every element has its own weight.</summary>
    static Tensor Wsum(Tensor t, int k)
    {
        int n = 1;
        foreach (int d in t.Shape)
            n *= d;
        var ramp = Torch.Linspace(0.5, 0.5 + 0.1 * k, n).Reshape(t.Shape.ToArray());
        return (t * ramp).Sum();
    }

    public static void Run(Recorder rec)
    {
        var x = Torch.Arange(0.0, 24, dtype: DType.Float32).Reshape(4, 6).RequiresGrad_();
        var y = (Torch.Arange(0.0, 6, dtype: DType.Float32) * 0.5 - 1.0).RequiresGrad_();

        (string, Tensor)[] pieces =
        [
            ("rows_1_3_step2", x[1..3].Slice(1, null, null, 2)),
            ("last_row", x[^1]),
            ("last_two_cols", x[.., ^2..]),
            ("t_first_two", x.T()[0..2]),
            ("transpose", x.Transpose(0, 1)),
            ("element", x[2, 3]),
            ("neg_element", x[^2, ^1]),
            ("step_3", x.Slice(0, null, null, 2).Slice(1, 1, null, 3)),
            ("view_row", x.View(2, 12)[1]),
            ("reshape_cols", x.Reshape(8, 3)[.., 1]),
            ("expand", x[0].Unsqueeze(0).Expand(3, 6)),
            ("cat0", Torch.Cat([x[0..1], y.Unsqueeze(0), x[3..4] * 2.0], dim: 0)),
            ("cat1", Torch.Cat([x[.., ..2], x[.., 4..]], dim: 1)),
            ("stack0", Torch.Stack([x[0], y, x[1] - y], dim: 0)),
            ("stack1", Torch.Stack([x[.., 0], x[.., 5]], dim: 1)),
            ("unsqueeze_bcast", y.Unsqueeze(1) * x[..2].Unsqueeze(0).Sum(dim: 1)),
        ];
        var loss = Torch.Tensor(0.0);
        foreach (var (k, (name, t)) in pieces.Index())
        {
            rec.Record("pieces", name, t);
            loss = loss + Wsum(t, k + 1);
        }
        rec.Record("loss", "loss", loss);
        loss.Backward();
        rec.Record("grads", "x", x.Grad!);
        rec.Record("grads", "y", y.Grad!);

        // in-place write into a slice of a non-leaf, then backward through it
        var z = Torch.Tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, requiresGrad: true);
        var h = z * 3.0;
        h[1..3] = z[1..3] * z[0]; // overwrite part of a non-leaf (CopySlices)
        var total = (h * Torch.Tensor(new[] { 1.0, 10.0, 100.0, 1000.0 })).Sum();
        total.Backward();
        rec.Record("setitem", "h", h);
        rec.Record("setitem", "z_grad", z.Grad!);
    }
}

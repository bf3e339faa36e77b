namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/broadcast_grads.py.</summary>
public static class BroadcastGrads
{
    public static void Run(Recorder rec)
    {
        var a = Torch.Linspace(-1.05, 1.25, 12).Reshape(3, 1, 4).RequiresGrad_();
        var b = (Torch.Arange(0.0, 8, dtype: DType.Float32).Reshape(2, 4) * 0.25 - 0.8).RequiresGrad_();
        var c = Torch.Tensor(new[] { 0.5, -1.5, 2.0, 0.75 }, requiresGrad: true);
        var s = Torch.Tensor(0.3, requiresGrad: true);

        var prod = a * b;                                   // (3,2,4)
        var mix = (prod + c) / (1.0 + s.Pow(2)) - 2.0 * s;  // (3,2,4)
        var centred = mix - mix.Mean(dim: 2, keepDim: true); // (3,2,4) - (3,2,1)
        var scaled = centred * b.Sum(dim: 0, keepDim: true); // (1,4)
        var spread = mix.Max(dim: 1, keepDim: true).Values - mix.Min(dim: 1, keepDim: true).Values; // (3,1,4)
        var @out = scaled + spread * c + a.Sum(dim: 2, keepDim: true).Pow(2);
        var weights = Torch.Linspace(0.1, 2.4, 24).Reshape(3, 2, 4);
        var loss = (@out * weights).Sum() + @out.Mean();

        rec.Record("forward", "mix", mix);
        rec.Record("forward", "spread", spread);
        rec.Record("forward", "out", @out);
        rec.Record("forward", "loss", loss);

        loss.Backward();
        rec.Record("grads", "a", a.Grad!);
        rec.Record("grads", "b", b.Grad!);
        rec.Record("grads", "c", c.Grad!);
        rec.Record("grads", "s", s.Grad!);

        // simpler broadcasts, one gradient each
        var u = Torch.Tensor(new[,] { { 1.0 }, { 2.0 }, { 3.0 } }, requiresGrad: true); // (3,1)
        var v = Torch.Tensor(new[] { 0.5, -1.0 }, requiresGrad: true);                // (2,)
        var w = (u - v).Pow(2) * 3.0 + u / (v + 2.0);                                  // (3,2)
        w.Sum().Backward();
        rec.Record("simple", "w", w);
        rec.Record("simple", "u_grad", u.Grad!);
        rec.Record("simple", "v_grad", v.Grad!);

        // reductions with and without keepdim, whole-tensor max/min/argmax
        var m = Torch.Tensor(new[,] { { 3.0, -1.0, 2.5 }, { 0.5, 4.0, -2.0 } }, requiresGrad: true);
        var r = (m.Sum(dim: 0) * 2.0).Sum() + m.Mean(dim: 1, keepDim: true).Sum()
            + m.Max() * 3.0 - m.Min() + m.Max(dim: 1).Values.Sum();
        r.Backward();
        rec.Record("reduce", "r", r);
        rec.Record("reduce", "m_grad", m.Grad!);
        rec.Record("reduce", "argmax_all", Torch.Argmax(m));
        rec.Record("reduce", "argmax_dim1", m.Argmax(dim: 1));
        rec.Record("reduce", "argmax_dim0_keep", m.Argmax(dim: 0, keepDim: true));
        rec.Record("reduce", "max_dim0_indices", m.Max(dim: 0).Indices);
        rec.Record("reduce", "min_dim1_keep", m.Min(dim: 1, keepDim: true).Values);
    }
}

using F = Bridge.Nn.Functional;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/numerically_hard.py.</summary>
public static class NumericallyHard
{
    static void LogitsCase(Recorder rec, DType dtype, string tag)
    {
        var z = Torch.Tensor(new[,] { { 1000.0, -1000.0, 0.0 },
                                      { -1000.0, -1000.0, -1000.0 },
                                      { 1000.0, 1000.0, 999.0 },
                                      { 50.0, 51.0, 52.5 } }, dtype, requiresGrad: true);
        var target = Torch.Tensor(new long[] { 1, 0, 2, 2 });
        var sm = Torch.Softmax(z, dim: 1);
        var lsm = Torch.LogSoftmax(z, dim: 1);
        rec.Record(tag + "_logits", "softmax", sm);
        rec.Record(tag + "_logits", "log_softmax", lsm);
        rec.Record(tag + "_logits", "F_softmax_dim0", F.Softmax(z, dim: 0));
        rec.Record(tag + "_logits", "F_log_softmax_dim0", F.LogSoftmax(z, dim: 0));
        var ce = F.CrossEntropy(z, target);
        rec.Record(tag + "_logits", "cross_entropy", ce);
        ce.Backward();
        rec.Record(tag + "_logits", "z_grad", z.Grad!);
        z.Grad!.Zero_();
        var upstream = Torch.Tensor(new[,] { { 1.0, 0.5, -2.0 }, { 0.3, 1.7, 0.2 },
                                             { -1.0, 2.0, 0.4 }, { 0.9, -0.6, 1.1 } }, dtype);
        (lsm * upstream).Sum().Backward();
        rec.Record(tag + "_logits", "z_grad_log_softmax", z.Grad);
    }

    static void SaturatingCase(Recorder rec, DType dtype, string tag)
    {
        var x = Torch.Tensor(new[] { -50.0, -20.0, -1.0, 0.0, 1.0, 20.0, 50.0 }, dtype, requiresGrad: true);
        var s = Torch.Sigmoid(x);
        s.Sum().Backward();
        rec.Record(tag + "_sigmoid", "value", s);
        rec.Record(tag + "_sigmoid", "grad", x.Grad!);
        x.Grad!.Zero_();
        var t = Torch.Tanh(x);
        t.Sum().Backward();
        rec.Record(tag + "_tanh", "value", t);
        rec.Record(tag + "_tanh", "grad", x.Grad);
    }

    static void EdgesCase(Recorder rec, DType dtype, string tag)
    {
        var e = Torch.Tensor(new[] { -200.0, -80.0, 0.0, 80.0, 88.0, 89.0, 100.0, 710.0 }, dtype);
        rec.Record(tag + "_exp", "exp", Torch.Exp(e));

        var l = Torch.Tensor(new[] { 0.0, 1e-30, 1.0, -1.0 }, dtype, requiresGrad: true);
        var lv = Torch.Log(l);
        lv.Sum().Backward();
        rec.Record(tag + "_log", "log", lv);
        rec.Record(tag + "_log", "grad", l.Grad!);

        var r = Torch.Tensor(new[] { -1.0, 0.0, 2.0 }, dtype, requiresGrad: true);
        var rv = Torch.Relu(r) + F.Relu(r) * 2.0 + Torch.Abs(r);
        rv.Sum().Backward();
        rec.Record(tag + "_relu_abs", "value", rv);
        rec.Record(tag + "_relu_abs", "grad", r.Grad!);

        var c = Torch.Tensor(new[] { -2.0, -1.0, -0.5, 0.5, 1.0, 2.0 }, dtype, requiresGrad: true);
        var cv = Torch.Clamp(c, min: -1.0, max: 1.0);
        (cv * Torch.Arange(1, 7, dtype: dtype)).Sum().Backward();
        rec.Record(tag + "_clamp", "value", cv);
        rec.Record(tag + "_clamp", "grad", c.Grad!);
        c.Grad!.Zero_();
        (Torch.Clamp(c, min: 0.5) + Torch.Clamp(c, max: -1.0)).Sum().Backward();
        rec.Record(tag + "_clamp", "grad_one_sided", c.Grad);

        var w = Torch.Tensor(new[] { 0.0, 1.0, 4.0 }, dtype, requiresGrad: true);
        var safe = Torch.Where(w > 0, Torch.Log(w), Torch.ZerosLike(w));
        safe.Sum().Backward();
        rec.Record(tag + "_where", "value", safe);
        rec.Record(tag + "_where", "grad", w.Grad!); // nan at 0: 0 * inf

        var q = Torch.Tensor(new[] { 0.0, 4.0 }, dtype, requiresGrad: true);
        var qv = Torch.Sqrt(q);
        qv.Sum().Backward();
        rec.Record(tag + "_sqrt", "value", qv);
        rec.Record(tag + "_sqrt", "grad", q.Grad!);

        var big = Torch.Tensor(new[] { 3e38, -3e38, 1e308 }, dtype);
        rec.Record(tag + "_overflow", "times_10", big * 10.0);
        rec.Record(tag + "_overflow", "inf_minus_inf", (big * 10.0) - (big * 10.0));
        rec.Record(tag + "_overflow", "mse_large", F.MseLoss(big[..2], -big[..2]));
    }

    public static void Run(Recorder rec)
    {
        foreach (var (dtype, tag) in new[] { (DType.Float32, "f32"), (DType.Float64, "f64") })
        {
            LogitsCase(rec, dtype, tag);
            SaturatingCase(rec, dtype, tag);
            EdgesCase(rec, dtype, tag);
        }
    }
}

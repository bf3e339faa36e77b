namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/grad_accumulation.py.</summary>
public static class GradAccumulation
{
    public static void Run(Recorder rec)
    {
        var w = Torch.Tensor(new[] { 1.0, -2.0, 3.0 }, requiresGrad: true);
        var b = Torch.Tensor(0.5, requiresGrad: true);

        // three separate graphs, grads accumulate
        Tensor loss;
        for (int k = 1; k < 4; k++)
        {
            loss = (w * k + b).Pow(2).Sum();
            loss.Backward();
            rec.Record("accumulate", "loss", loss, step: k);
            rec.Record("accumulate", "w_grad", w.Grad!, step: k);
            rec.Record("accumulate", "b_grad", b.Grad!, step: k);
        }

        w.Grad!.Zero_();
        b.Grad!.Data.Zero_();
        rec.Record("zeroed", "w_grad", w.Grad);
        rec.Record("zeroed", "b_grad", b.Grad);

        // one graph, two backward passes
        var y = (Torch.Tanh(w) * w).Sum() * b;
        y.Backward(retainGraph: true);
        rec.Record("retain", "w_grad_first", w.Grad);
        rec.Record("retain", "b_grad_first", b.Grad);
        y.Backward();
        rec.Record("retain", "w_grad_second", w.Grad);
        rec.Record("retain", "b_grad_second", b.Grad);

        // backward(gradient) on a non-scalar output
        w.Grad.Zero_();
        b.Grad.Zero_();
        var z = w * w * b + Torch.Exp(w * 0.1); // (3,)
        z.Backward(Torch.Tensor(new[] { 1.0, 0.5, -2.0 }));
        rec.Record("vjp", "z", z);
        rec.Record("vjp", "w_grad", w.Grad);
        rec.Record("vjp", "b_grad", b.Grad);

        // a (2,2) output with a (2,2) upstream gradient, matrix leaf used twice
        var m = Torch.Tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }, requiresGrad: true);
        var p = m.MatMul(m.T()) + m * 2.0;
        p.Backward(Torch.Tensor(new[,] { { 1.0, 0.0 }, { 0.5, -1.0 } }));
        rec.Record("vjp_matrix", "p", p);
        rec.Record("vjp_matrix", "m_grad", m.Grad!);

        // detach and no_grad stop gradient flow; requires_grad_ starts it
        w.Grad.Zero_();
        var d = w.Detach() * 3.0;
        Tensor nog;
        using (Torch.NoGrad())
            nog = w * 10.0;
        var q = Torch.Ones(3).RequiresGrad_();
        var @out = (w * d).Sum() + (w * nog).Sum() + (q * w).Sum();
        @out.Backward();
        rec.Record("cut", "out", @out);
        rec.Record("cut", "w_grad", w.Grad);
        rec.Record("cut", "q_grad", q.Grad!);
        rec.Record("cut", "d_requires_grad", d.RequiresGrad);
        rec.Record("cut", "nog_requires_grad", nog.RequiresGrad);

        // in-place parameter update under no_grad keeps the leaf a leaf
        using (Torch.NoGrad())
        {
            w -= 0.1 * w.Grad;
            w.Mul_(0.5);
            w.Add_(1.0);
            w.Clamp_(-0.5, 1.5);
        }
        rec.Record("update", "w", w);
        rec.Record("update", "w_requires_grad", w.RequiresGrad);
        w.Grad.Zero_();
        w.Pow(3).Sum().Backward();
        rec.Record("update", "w_grad_after", w.Grad);
    }
}

using Bridge.Autograd;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/custom_function_higher_order.py.</summary>
public static class CustomFunctionHigherOrder
{
    sealed class ScaledExp : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args)
        {
            var x = (Tensor)args[0]!;
            double scale = (double)args[1]!;
            var y = Torch.Exp(x) * scale;
            ctx.SaveForBackward(y);
            ctx.SavedData["scale"] = scale;
            var sign = x.Sign();
            ctx.MarkNonDifferentiable(sign);
            return [y, sign];
        }

        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] grads) => [grads[0]! * ctx.SavedTensors[0]!, null];
    }

    public static void Run(Recorder rec)
    {
        var x = Torch.Linspace(-1.0, 1.0, 6).Reshape(2, 3).RequiresGrad_();
        var w = Torch.Tensor(new[,] { { 0.5, -0.25 }, { 0.75, 0.1 }, { -0.3, 0.6 } }, requiresGrad: true);

        // custom function in a model, first-order gradients
        var outs = new ScaledExp().Apply(x.MatMul(w).MatMul(w.T()), 0.5);
        var (y, sign) = (outs[0], outs[1]);
        var loss = (y * y).Sum() + (sign * 0.0).Sum();
        loss.Backward();
        rec.Record("custom", "y", y);
        rec.Record("custom", "loss", loss);
        rec.Record("custom", "x_grad", x.Grad!);
        rec.Record("custom", "w_grad", w.Grad!);

        // gradient penalty: loss + |d out / d x|^2, differentiated again (create_graph)
        x.Grad = null;
        w.Grad = null;
        var @out = Torch.Tanh(x.MatMul(w)).Sum();
        var gx = Torch.Autograd.Grad([@out], [x], createGraph: true)[0]!;
        var penalty = (gx * gx).Sum();
        (@out + penalty).Backward();
        rec.Record("penalty", "gx", gx);
        rec.Record("penalty", "penalty", penalty);
        rec.Record("penalty", "x_grad", x.Grad!);
        rec.Record("penalty", "w_grad", w.Grad!);

        // second derivative through the custom function and sigmoid; Hessian-vector product
        var v = Torch.Tensor(new[] { 1.0, -0.5, 0.25 });
        var z = Torch.Tensor(new[] { 0.2, -0.4, 0.9 }, requiresGrad: true);
        var f = (new ScaledExp().Apply(z * z, 2.0)[0] * Torch.Sigmoid(z)).Sum();
        var g = Torch.Autograd.Grad([f], [z], createGraph: true)[0]!;
        var hv = Torch.Autograd.Grad([(g * v).Sum()], [z])[0]!;
        rec.Record("second", "g", g);
        rec.Record("second", "hv", hv);

        // in-place writes through views of a computed tensor, and copy_
        var a = Torch.Tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 0.5, -1.0 }, requiresGrad: true);
        var h = a * 2.0;
        h.Set(5.0, 0);
        h[1..3].Mul_(b);
        var m = h.Reshape(2, 2);
        m.T()[1].Add_(b * b);
        var c = a * 1.0;
        c[2..].Copy_(b * 3.0);
        var total = (h * Torch.Arange(1.0, 5.0)).Sum() + (c * c).Sum();
        total.Backward();
        rec.Record("inplace", "h", h);
        rec.Record("inplace", "c", c);
        rec.Record("inplace", "a_grad", a.Grad!);
        rec.Record("inplace", "b_grad", b.Grad!);
    }
}

using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/mlp_sgd_momentum.py.</summary>
public static class MlpSgdMomentum
{
    const int Steps = 50;

    static (Tensor X, Tensor Y) Data()
    {
        // 10 samples x 4 features, evenly spaced in [-1, 1]
        var x = Torch.Linspace(-1.0, 1.0, 40).Reshape(10, 4);
        // targets: a smooth fixed function of the inputs, 10 x 3
        var y = Torch.Stack([x[.., 0] * x[.., 1],
                             x[.., 2] - 0.5 * x[.., 3],
                             Torch.Tanh(x.Sum(dim: 1))], dim: 1);
        return (x, y);
    }

    static IEnumerable<(string, Tensor)> NamedParams(Module model)
    {
        // parameters() order: layer 0 weight, layer 0 bias, layer 2 weight, layer 2 bias
        string[] names = ["l0_weight", "l0_bias", "l2_weight", "l2_bias"];
        return names.Zip(model.Parameters());
    }

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 3));
        foreach (var (name, p) in NamedParams(model))
            rec.Record("init", name, p);

        var (x, y) = Data();
        rec.Record("data", "x", x);
        rec.Record("data", "y", y);

        var criterion = new MSELoss();
        var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3);
        for (int step = 0; step < Steps; step++)
        {
            opt.ZeroGrad();
            var loss = criterion.Call(model.Forward(x), y);
            loss.Backward();
            if (step == 0)
                foreach (var (name, p) in NamedParams(model))
                    rec.Record("first_grads", name, p.Grad!);
            opt.Step();
            rec.Record("loss", "loss", loss, step: step);
        }

        foreach (var (name, p) in NamedParams(model))
            rec.Record("final", name, p);
        using (Torch.NoGrad())
        {
            var @out = model.Forward(x);
            rec.Record("final", "output", @out);
            rec.Record("final", "loss", criterion.Call(@out, y));
        }
    }
}

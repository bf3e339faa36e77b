using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed000_hello_step.py.</summary>
public static class Seed000HelloStep
{
    sealed class TinyNet : Module
    {
        public Linear HiddenLayer = new(1, 1);
        public Linear OutputLayer = new(1, 1);

        public TinyNet()
        {
            // replace the random default init with the seed's fixed values
            HiddenLayer.Weight = Parameter(Torch.Tensor(new[,] { { 1.58 } }));
            HiddenLayer.Bias = Parameter(Torch.Tensor(new[] { -0.14 }));
            OutputLayer.Weight = Parameter(Torch.Tensor(new[,] { { 2.45 } }));
            OutputLayer.Bias = Parameter(Torch.Tensor(new[] { -0.11 }));
        }

        public override Tensor Forward(Tensor x)
        {
            var h = Torch.Sigmoid(HiddenLayer.Forward(x));
            return Torch.Sigmoid(OutputLayer.Forward(h));
        }
    }

    static void Params(Recorder rec, string checkpoint, TinyNet net, bool grads = false)
    {
        (string, Tensor)[] pairs = [("w_l1", net.HiddenLayer.Weight), ("b_l1", net.HiddenLayer.Bias!),
                                    ("w_l2", net.OutputLayer.Weight), ("b_l2", net.OutputLayer.Bias!)];
        foreach (var (name, p) in pairs)
            rec.Record(checkpoint, name, grads ? p.Grad! : p);
    }

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0); // only the (discarded) default init draws from it
        var net = new TinyNet();
        Params(rec, "before", net);

        var x = Torch.Tensor(new[] { 0.8 });
        var target = Torch.Tensor(new[] { 1.0 });
        var aL2 = net.Forward(x);
        var loss = new MSELoss().Call(aL2, target);
        rec.Record("forward", "a_l2", aL2);
        rec.Record("forward", "loss", loss);

        net.ZeroGrad();
        loss.Backward();
        Params(rec, "grads", net, grads: true);

        var opt = new SGD(net.Parameters(), lr: 0.1);
        opt.Step();
        Params(rec, "after", net);

        rec.Record("forward_after", "a_l2", net.Forward(x));
    }
}

using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/softmax_adam.py.</summary>
public static class SoftmaxAdam
{
    const int Steps = 100;

    sealed class LinearSoftmax : Module
    {
        public Tensor Weight = Parameter(Torch.Linspace(-0.5, 0.6, 12).Reshape(4, 3));
        public Tensor Bias = Parameter(Torch.Tensor(new[] { 0.1, -0.2, 0.05 }));

        public override Tensor Forward(Tensor x) => x.MatMul(Weight) + Bias;
    }

    static (Tensor X, Tensor Y) Data()
    {
        long[] labels = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0];
        var centers = Torch.Tensor(new[,] { { 1.0, 0.0, 0.5, -1.0 },
                                            { 0.0, 1.0, -1.0, 0.5 },
                                            { -1.0, -0.5, 1.0, 1.0 } });
        // class centre plus a deterministic per-sample offset (overlapping classes)
        var offsets = Torch.Linspace(-0.9, 0.9, 48).Reshape(12, 4);
        offsets = offsets.T().Reshape(12, 4); // scramble the ramp across features
        var x = Torch.Stack(labels.Select(k => centers[(int)k]).ToArray()) + offsets;
        var y = Torch.Tensor(labels);
        return (x, y);
    }

    public static void Run(Recorder rec)
    {
        var model = new LinearSoftmax();
        var (x, y) = Data();
        rec.Record("data", "x", x);
        rec.Record("data", "y", y);
        var criterion = new CrossEntropyLoss();
        var opt = new Adam(model.Parameters(), lr: 0.01);
        for (int step = 0; step < Steps; step++)
        {
            opt.ZeroGrad();
            var loss = criterion.Call(model.Forward(x), y);
            loss.Backward();
            if (step % 10 == 0)
                rec.Record("loss", "loss", loss, step: step);
            if (step == 0)
            {
                rec.Record("first_grads", "weight", model.Weight.Grad!);
                rec.Record("first_grads", "bias", model.Bias.Grad!);
            }
            opt.Step();
        }

        rec.Record("final", "weight", model.Weight);
        rec.Record("final", "bias", model.Bias);
        using (Torch.NoGrad())
        {
            var logits = model.Forward(x);
            rec.Record("final", "loss", criterion.Call(logits, y));
            rec.Record("final", "probs", Torch.Softmax(logits, dim: 1));
            rec.Record("final", "pred", logits.Argmax(dim: 1));
        }
    }
}

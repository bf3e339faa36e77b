using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/lenet_batchnorm_sgd.py.</summary>
public static class LenetBatchnormSgd
{
    const int Steps = 5;

    sealed class LeNet : Module
    {
        public Conv2d Conv1 = new(1, 6, 5, padding: 2);
        public BatchNorm2d Bn1 = new(6);
        public Conv2d Conv2 = new(6, 16, 5);
        public BatchNorm2d Bn2 = new(16);
        public Linear Fc1 = new(16 * 2 * 2, 32);
        public Linear Fc2 = new(32, 10);

        public override Tensor Forward(Tensor x)
        {
            x = Functional.MaxPool2d(Bn1.Forward(Conv1.Forward(x)).Relu(), [2]);
            x = Functional.MaxPool2d(Bn2.Forward(Conv2.Forward(x)).Relu(), [2]);
            x = Torch.Flatten(x, 1);
            x = Fc1.Forward(x).Relu();
            return Fc2.Forward(x);
        }
    }

    static (Tensor X, Tensor Y) Data()
    {
        // 8 single-channel 16x16 images from a fixed formula, and fixed class labels
        var x = Torch.Sin(Torch.Arange(0.0, 8 * 16 * 16, dtype: DType.Float32) * 0.37).Reshape(8, 1, 16, 16);
        var y = Torch.Tensor(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 });
        return (x, y);
    }

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        var model = new LeNet();
        foreach (var (name, p) in model.NamedParameters())
            rec.Record("init", name, p);

        var (x, y) = Data();
        var criterion = new CrossEntropyLoss();
        var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        for (int step = 0; step < Steps; step++)
        {
            opt.ZeroGrad();
            var loss = criterion.Call(model.Forward(x), y);
            loss.Backward();
            if (step == 0)
                foreach (var (name, p) in model.NamedParameters())
                    rec.Record("first_grads", name, p.Grad!);
            opt.Step();
            rec.Record("loss", "loss", loss, step: step);
        }

        foreach (var (name, p) in model.NamedParameters())
            rec.Record("final", name, p);
        foreach (var (bnName, bn) in new[] { ("bn1", model.Bn1), ("bn2", model.Bn2) })
        {
            rec.Record("final", bnName + ".running_mean", bn.RunningMean!);
            rec.Record("final", bnName + ".running_var", bn.RunningVar!);
            rec.Record("final", bnName + ".num_batches_tracked", bn.NumBatchesTracked!);
        }
        model.Eval();
        using (Torch.NoGrad())
            rec.Record("eval", "output", model.Forward(x));
    }
}

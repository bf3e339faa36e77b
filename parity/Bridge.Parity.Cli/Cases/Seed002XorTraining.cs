namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed002_xor_training.py.</summary>
public static class Seed002XorTraining
{
    const int Epochs = 5000;
    const double Lr = 0.01;

    public static void Run(Recorder rec)
    {
        var x = Torch.Tensor(new[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
        var y = Torch.Tensor(new[] { 0, 1, 1, 0 }, DType.Float32);
        var w1 = Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true);
        var b1 = Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true);
        var w2 = Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true);
        var b2 = Torch.Tensor(new[] { 0.0 }, requiresGrad: true);
        Tensor[] @params = [w1, b1, w2, b2];
        string[] names = ["w1", "b1", "w2", "b2"];

        Tensor Forward(Tensor inp)
        {
            var hidden = Torch.Relu(Torch.MatMul(inp, w1) + b1);
            return Torch.Sigmoid(Torch.MatMul(hidden, w2) + b2);
        }

        void SgdStep()
        {
            using (Torch.NoGrad())
                foreach (var p in @params)
                    p.Sub_(Lr * p.Grad!); // p -= LR * p.grad (a foreach variable cannot take a compound assignment in C#)
        }

        void ZeroGrads()
        {
            foreach (var p in @params)
                if (p.Grad is not null)
                    p.Grad.Data.Zero_();
        }

        // the worked example on sample 0 (grads left in place, then zeroed below)
        var loss = (y[0] - Forward(x[0])).Pow(2);
        loss.Backward();
        SgdStep();
        foreach (var (n, p) in names.Zip(@params))
            rec.Record("start", n, p);

        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            for (int i = 0; i < 4; i++)
            {
                ZeroGrads();
                loss = (y[i] - Forward(x[i])).Pow(2);
                loss.Backward();
                SgdStep();
            }
            bool report = epoch % 1000 == 0;
            bool curve = epoch % 100 == 0 || epoch == Epochs - 1;
            if (report || curve)
            {
                Tensor full;
                using (Torch.NoGrad())
                    full = Torch.Mean((y - Forward(x).Squeeze()).Pow(2));
                if (report)
                    rec.Record("loss_report", "loss", full, step: epoch + 1);
                if (curve)
                    rec.Record("loss_curve", "loss", full, step: epoch + 1);
            }
        }

        foreach (var (n, p) in names.Zip(@params))
            rec.Record("final", n, p);
        using (Torch.NoGrad())
            for (int i = 0; i < 4; i++)
                rec.Record("predictions", $"pred_{i}", Forward(x[i]));
    }
}

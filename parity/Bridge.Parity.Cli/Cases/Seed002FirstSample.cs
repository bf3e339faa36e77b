namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed002_first_sample.py.</summary>
public static class Seed002FirstSample
{
    internal static (Tensor X, Tensor Y) MakeData()
    {
        var x = Torch.Tensor(new[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
        var y = Torch.Tensor(new[] { 0, 1, 1, 0 }, DType.Float32);
        return (x, y);
    }

    internal static Tensor[] MakeParams()
    {
        var w1 = Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true);
        var b1 = Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true);
        var w2 = Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true);
        var b2 = Torch.Tensor(new[] { 0.0 }, requiresGrad: true);
        return [w1, b1, w2, b2];
    }

    /// <summary>Forward/backward/update on sample 0, recording everything.</summary>
    static void FirstSample(Recorder rec, Tensor x, Tensor y, Tensor[] @params, double lr)
    {
        var (w1, b1, w2, b2) = (@params[0], @params[1], @params[2], @params[3]);
        var o1 = Torch.Relu(Torch.MatMul(x[0], w1) + b1);
        var o2 = Torch.Sigmoid(Torch.MatMul(o1, w2) + b2);
        var loss = (y[0] - o2).Pow(2);
        rec.Record("forward", "o1", o1);
        rec.Record("forward", "o2", o2);
        rec.Record("forward", "loss", loss);

        loss.Backward();
        foreach (var (name, p) in new[] { "w1", "b1", "w2", "b2" }.Zip(@params))
            rec.Record("grads", name, p.Grad!);

        using (Torch.NoGrad())
        {
            w1 -= lr * w1.Grad!;
            b1 -= lr * b1.Grad!;
            w2 -= lr * w2.Grad!;
            b2 -= lr * b2.Grad!;
        }
        foreach (var (name, p) in new[] { "w1", "b1", "w2", "b2" }.Zip(@params))
            rec.Record("update", name, p);
    }

    public static void Run(Recorder rec)
    {
        var (x, y) = MakeData();
        FirstSample(rec, x, y, MakeParams(), 0.01);
    }
}

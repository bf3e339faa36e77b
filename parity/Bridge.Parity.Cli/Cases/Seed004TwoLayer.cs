namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed004_two_layer.py.</summary>
public static class Seed004TwoLayer
{
    static Tensor Activation(Tensor x) => 1 / (1 + Torch.Exp(-x));

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(7);
        var features = Torch.Randn(1, 3);
        int nInput = (int)features.Shape[1];
        var (nHidden, nOutput) = (2, 1);
        var W1 = Torch.Randn(nInput, nHidden);
        var W2 = Torch.Randn(nHidden, nOutput);
        var B1 = Torch.Randn(1, nHidden);
        var B2 = Torch.Randn(1, nOutput);
        foreach (var (name, t) in new[] { ("features", features), ("W1", W1), ("W2", W2), ("B1", B1), ("B2", B2) })
            rec.Record("draws", name, t);

        var hidden = Activation(Torch.Mm(features, W1) + B1);
        var output = Activation(Torch.Mm(hidden, W2) + B2);
        rec.Record("forward", "hidden", hidden);
        rec.Record("forward", "output", output);
    }
}

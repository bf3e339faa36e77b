namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed004_sigmoid_unit.py.</summary>
public static class Seed004SigmoidUnit
{
    static Tensor Activation(Tensor x) => 1 / (1 + Torch.Exp(-x));

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(7);
        var features = Torch.Randn(1, 5);
        var weights = Torch.RandnLike(features);
        var bias = Torch.Randn(1, 1);

        var z = (features * weights).Sum() + bias;
        rec.Record("sum", "output_layer_input", z);
        rec.Record("sum", "output", Activation(z));
        rec.Record("sum", "torch_sigmoid", Torch.Sigmoid(z));

        bool raised;
        try
        {
            Torch.Mm(features, weights);
            raised = false;
        }
        catch (Exception) // torch raises RuntimeError
        {
            raised = true;
        }
        rec.Record("mm_mismatch", "raised", raised);

        var prod = Torch.Mm(features, weights.View(5, 1));
        rec.Record("mm_view", "mm", prod);
        z = prod.Sum() + bias;
        rec.Record("mm_view", "output_layer_input", z);
        rec.Record("mm_view", "output", Activation(z));

        z = Torch.Mm(features, weights.Reshape(5, 1)).Sum() + bias;
        rec.Record("mm_reshape", "output_layer_input", z);
        rec.Record("mm_reshape", "output", Activation(z));

        weights.Resize_(5, 1); // in place, same 5 elements; last use of weights
        rec.Record("mm_resize", "weights", weights);
        z = Torch.Mm(features, weights).Sum() + bias;
        rec.Record("mm_resize", "output_layer_input", z);
        rec.Record("mm_resize", "output", Activation(z));
    }
}

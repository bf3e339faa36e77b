using Bridge.Nn;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed003_relu_networks.py.</summary>
public static class Seed003ReluNetworks
{
    static Tensor Act(Tensor t) => new ReLU().Forward(t);

    static Tensor Mse(Tensor pred, Tensor actual) => new MSELoss().Call(pred, actual);

    static Tensor Leaf(Array values) => Torch.Tensor(values).RequiresGrad_();

    public static void Run(Recorder rec)
    {
        var inputs = Torch.Tensor(new[] { 0.5 });
        var actual = Torch.Tensor(new[] { 0.95 });

        // --- net1: 1 -> 1
        var w = Leaf(new[] { 0.3 });
        var b = Leaf(new[] { 0.4 });
        var @out = Act(inputs.MatMul(w) + b);
        var loss = Mse(@out, actual);
        loss.Backward();
        rec.Record("net1", "prediction", @out);
        rec.Record("net1", "loss", loss);
        rec.Record("net1_grads", "output_weights", w.Grad!);
        rec.Record("net1_grads", "output_bias", b.Grad!);
        double lr = 0.5;
        var newB = b - lr * b.Grad!.Data;
        var newW = w - lr * w.Grad!.Data;
        var newOut = Act(inputs.MatMul(newW) + newB);
        rec.Record("net1_update", "output_weights", newW);
        rec.Record("net1_update", "output_bias", newB);
        rec.Record("net1_update", "prediction", newOut);
        rec.Record("net1_update", "loss", Mse(newOut, actual));

        // --- net2: 1 -> 1 -> 1
        var (w1, b1) = (Leaf(new[] { 0.3 }), Leaf(new[] { 0.4 }));
        var (w2, b2) = (Leaf(new[] { 0.2 }), Leaf(new[] { 0.1 }));
        var h = Act(inputs.MatMul(w1) + b1);
        @out = Act(h.MatMul(w2) + b2);
        loss = Mse(@out, actual);
        loss.Backward();
        rec.Record("net2", "hidden", h);
        rec.Record("net2", "prediction", @out);
        rec.Record("net2", "loss", loss);
        foreach (var (name, p) in new[] { ("output_weights", w2), ("output_bias", b2), ("hidden_weights", w1), ("hidden_bias", b1) })
            rec.Record("net2_grads", name, p.Grad!);

        // --- net3: 1 -> 2 -> 1
        (w1, b1) = (Leaf(new[,] { { 0.3, 0.2 } }), Leaf(new[] { 0.4, 0.1 }));
        (w2, b2) = (Leaf(new[,] { { 0.1 }, { 0.7 } }), Leaf(new[] { 0.3 }));
        h = Act(inputs.MatMul(w1) + b1);
        @out = Act(h.MatMul(w2) + b2);
        loss = Mse(@out, actual);
        loss.Backward();
        rec.Record("net3", "hidden", h);
        rec.Record("net3", "prediction", @out);
        rec.Record("net3", "loss", loss);
        foreach (var (name, p) in new[] { ("output_weights", w2), ("output_bias", b2), ("hidden_weights", w1), ("hidden_bias", b1) })
            rec.Record("net3_grads", name, p.Grad!);

        // --- net4: 1 -> 2 -> 2 -> 1
        (w1, b1) = (Leaf(new[,] { { 0.3, 0.2 } }), Leaf(new[] { 0.4, 0.1 }));
        (w2, b2) = (Leaf(new[,] { { 0.1, 0.8 }, { 0.6, 0.7 } }), Leaf(new[] { 0.3, 0.2 }));
        var (w3, b3) = (Leaf(new[,] { { 0.4 }, { 0.6 } }), Leaf(new[] { 0.3 }));
        var h1 = Act(inputs.MatMul(w1) + b1);
        var h2 = Act(h1.MatMul(w2) + b2);
        @out = Act(h2.MatMul(w3) + b3);
        loss = Mse(@out, actual);
        loss.Backward();
        rec.Record("net4", "hidden1", h1);
        rec.Record("net4", "hidden2", h2);
        rec.Record("net4", "prediction", @out);
        rec.Record("net4", "loss", loss);
        foreach (var (name, p) in new[] { ("output_weights", w3), ("output_bias", b3), ("hidden2_weights", w2), ("hidden2_bias", b2), ("hidden1_weights", w1), ("hidden1_bias", b1) })
            rec.Record("net4_grads", name, p.Grad!);
    }
}

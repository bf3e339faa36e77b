using Bridge.Data;
using Bridge.Nn;
using Bridge.Optim;
using Bridge.Optim.LRScheduler;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/adamw_onecycle_dataloader.py.</summary>
public static class AdamwOnecycleDataloader
{
    const int Epochs = 5, Batch = 8;

    static (Tensor X, Tensor Y) Data()
    {
        var x = Torch.Linspace(-1.0, 1.0, 120).Reshape(40, 3);
        var y = (x[.., 0] * x[.., 1] - 0.5 * x[.., 2]).Reshape(40, 1);
        return (x, y);
    }

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(3, 8), new Tanh(), new Linear(8, 1));
        var (x, y) = Data();
        var loader = new DataLoader(new TensorDataset(x, y, Torch.Arange(40)), batchSize: Batch, shuffle: true);
        var opt = new AdamW(model.Parameters(), lr: 0.01, weightDecay: 0.05);
        var sched = new OneCycleLR(opt, maxLr: 0.05, epochs: Epochs, stepsPerEpoch: loader.Count);
        var criterion = new MSELoss();
        Torch.ManualSeed(1);
        int step = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var batch in loader)
            {
                rec.Record("schedule", "lr", opt.ParamGroups[0].LearningRate, step: step);
                rec.Record("schedule", "beta1", opt.ParamGroups[0].Pair("betas").Item1, step: step);
                rec.Record("order", "indices", batch[2], step: step);
                opt.ZeroGrad();
                var loss = criterion.Call(model.Forward(batch[0]), batch[1]);
                loss.Backward();
                opt.Step();
                sched.Step();
                rec.Record("loss", "loss", loss, step: step);
                step++;
            }
        }
        string[] names = ["l0_weight", "l0_bias", "l2_weight", "l2_bias"];
        foreach (var (name, p) in names.Zip(model.Parameters())) rec.Record("final", name, p);
        var state = opt.StateDict().State[0];
        rec.Record("final", "l0_weight_exp_avg", (Tensor)state["exp_avg"]!);
        rec.Record("final", "step", (Tensor)state["step"]!);
    }
}

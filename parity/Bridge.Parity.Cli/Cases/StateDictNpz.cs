using Bridge.Io;
using Bridge.Nn;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/state_dict_npz.py; <c>np.load</c> + <c>torch.from_numpy</c> → <c>TensorFile.Load</c>.</summary>
public static class StateDictNpz
{
    static readonly string Data = Path.Combine(DataDir(), "state_dict_mlp.npz");
    static readonly string[] Names = ["0.weight", "0.bias", "2.weight", "2.bias"];

    public static void Run(Recorder rec)
    {
        // the seed only fixes the default init, which load_state_dict overwrites
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        var saved = TensorFile.Load(Data);
        model.LoadStateDict(saved);
        // parameters() order is the state_dict order: 0.weight, 0.bias, 2.weight, 2.bias
        foreach (var (name, value) in Names.Zip(model.Parameters()))
            rec.Record("loaded", name, value);

        var x = Torch.Linspace(-2.0, 2.0, 20).Reshape(5, 4);
        using (Torch.NoGrad())
        {
            var @out = model.Forward(x);
            rec.Record("forward", "output", @out);
        }
    }

    /// <summary>parity/data, found above the working directory or the executable (as Program finds parity/).</summary>
    static string DataDir()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "data"), Path.Combine(dir.FullName, "parity", "data") })
                    if (File.Exists(Path.Combine(candidate, "state_dict_mlp.npz"))) return candidate;
            }
        throw new DirectoryNotFoundException("cannot find parity/data/state_dict_mlp.npz above the working directory");
    }
}

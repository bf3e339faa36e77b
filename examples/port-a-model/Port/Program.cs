using Bridge;
using Bridge.Io;
using Bridge.Optim;
using Bridge.Parity;
using PortAModel;
using F = Bridge.Nn.Functional;

// The C# port's run, line for line as model.py's: same weights, same batch, same optimizer, recorded with
// Bridge.Parity.Recorder so its CSV lines up with the PyTorch run's.
//   dotnet run --project Port -- [--out out/port.csv] [--broken] [--weights weights.safetensors] [--data data.safetensors]
const int Steps = 8;
string here = AppContext.GetData("ExampleDir") as string ?? Directory.GetCurrentDirectory();
string outPath = Path.Combine(here, "out", "port.csv"), weights = Path.Combine(here, "weights.safetensors"), data = Path.Combine(here, "data.safetensors");
bool broken = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out": outPath = args[++i]; break;
        case "--weights": weights = args[++i]; break;
        case "--data": data = args[++i]; break;
        case "--broken": broken = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            return 2;
    }
}

var model = new TinyClassifier(broken);
model.LoadStateDict(TensorFile.Load(weights));          // the PyTorch model's own weights
var batch = TensorFile.Load(data);
var (x, y) = (batch["x"], batch["y"]);
var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
Tensor loss;
using (var rec = new Recorder(outPath))
{
    rec.Watch(model);                                   // each layer's output, each parameter's gradient, per step
    loss = Torch.Zeros(1);
    for (int step = 0; step < Steps; step++)
    {
        loss = F.CrossEntropy(model.Call(x), y);
        rec.Record("loss", loss);
        opt.ZeroGrad();
        loss.Backward();
        opt.Step();
    }
}
Console.WriteLine(FormattableString.Invariant($"csharp{(broken ? " (broken port)" : "")}: {Steps} steps, final loss {loss.Item():0.000000}, recorded to {outPath}"));
return 0;

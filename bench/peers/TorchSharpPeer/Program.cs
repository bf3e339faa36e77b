// The issue's workloads on TorchSharp (the C# peer), one JSON line per figure, names as in bench/Bridge.Bench.
// Usage: TorchSharpPeer [--threads N] [--only REGEX]
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

int threads = 1;
Regex? only = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--only") only = new Regex(args[++i]);
}
torch.set_num_threads(threads);
const int Big = 1 << 24;

double Time(Action body, double minSeconds = 0.05, int samples = 5, int warmup = 2)
{
    var warm = Stopwatch.StartNew();
    for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < 0.2; i++) body();
    int reps = 1;
    while (true)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) body();
        if (sw.Elapsed.TotalSeconds >= minSeconds || reps >= 1 << 24) break;
        reps *= 2;
    }
    var times = new double[samples];
    for (int s = 0; s < samples; s++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) body();
        times[s] = sw.Elapsed.TotalSeconds / reps;
    }
    Array.Sort(times);
    return times[samples / 2];
}

// Every op's temporaries are disposed per call through a scope, as TorchSharp's docs advise for loops.
Action Scoped(Action body) => () => { using var scope = torch.NewDisposeScope(); body(); };

double Xor()
{
    var sw = Stopwatch.StartNew();
    var x = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }).reshape(4, 2);
    var y = torch.tensor(new float[] { 0, 1, 1, 0 });
    var w1 = torch.tensor(new float[] { 0.1f, 0.3f, 0.2f, 0.1f }).reshape(2, 2).requires_grad_();
    var b1 = torch.tensor(new float[] { 0.2f, -0.2f }).requires_grad_();
    var w2 = torch.tensor(new float[] { 0.1f, -0.4f }).reshape(2, 1).requires_grad_();
    var b2 = torch.tensor(new float[] { 0f }).requires_grad_();
    Tensor[] ps = [w1, b1, w2, b2];
    for (int step = 0; step < 20000; step++)
    {
        using var scope = torch.NewDisposeScope();
        int i = step % 4;
        foreach (var p in ps) p.grad?.zero_();
        var hidden = (torch.matmul(x[i], w1) + b1).relu();
        var output = torch.sigmoid(torch.matmul(hidden, w2) + b2);
        var loss = (y[i] - output).pow(2);
        loss.backward();
        using (torch.no_grad())
            foreach (var p in ps) p.sub_(0.01 * p.grad!);
    }
    return sw.Elapsed.TotalSeconds;
}

double Matmul(int n, ScalarType dtype, bool ta, bool tb)
{
    torch.manual_seed(0);
    var a = torch.randn(n, n, dtype: dtype);
    var b = torch.randn(n, n, dtype: dtype);
    if (ta) a = a.t();
    if (tb) b = b.t();
    double t = Time(Scoped(() => torch.matmul(a, b)), n >= 1024 ? 0.3 : 0.05, n >= 2048 ? 3 : 5, n >= 2048 ? 1 : 3);
    return 2.0 * n * n * n / t / 1e9;
}

double Elementwise(string op)
{
    torch.manual_seed(0);
    var a = torch.rand(Big);
    var b = torch.rand(Big);
    double bytes = 3.0 * 4 * Big, unary = 2.0 * 4 * Big;
    switch (op)
    {
        case "add_new": return bytes / Time(Scoped(() => _ = a + b)) / 1e9;
        case "add_inplace": return bytes / Time(() => a.add_(b)) / 1e9;
        case "add_bcast":
            {
                var m = a.view(4096, 4096);
                var row = torch.rand(4096);
                return 2.0 * 4 * Big / Time(Scoped(() => _ = m + row)) / 1e9;
            }
        case "add_strided":
            {
                var ma = a.view(4096, 4096).t();
                var mb = b.view(4096, 4096).t();
                return bytes / Time(Scoped(() => _ = ma + mb)) / 1e9;
            }
        case "sigmoid_new": return unary / Time(Scoped(() => _ = a.sigmoid())) / 1e9;
        case "sigmoid_inplace": return unary / Time(() => a.sigmoid_()) / 1e9;
        case "exp_new": return unary / Time(Scoped(() => _ = a.exp())) / 1e9;
        case "tanh_new": return unary / Time(Scoped(() => _ = a.tanh())) / 1e9;
        default: throw new ArgumentException(op);
    }
}

(nn.Module<Tensor, Tensor> Model, optim.Optimizer Opt, Tensor X, Tensor Y) Mlp()
{
    torch.manual_seed(0);
    var model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10));
    var opt = torch.optim.SGD(model.parameters(), 0.01);
    return (model, opt, torch.randn(64, 784), torch.randint(0, 10, new long[] { 64 }));
}

var lossFn = nn.CrossEntropyLoss();

void MlpStep(nn.Module<Tensor, Tensor> model, optim.Optimizer opt, Tensor x, Tensor y)
{
    using var scope = torch.NewDisposeScope();
    opt.zero_grad();
    var loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
}

double PeakRssMb()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    return double.NaN;
}

var work = new List<(string, Func<double>, string)>
{
    ("xor_20000", Xor, "s"),
    ("add_1elem", () => { var a = torch.tensor(new float[] { 1 }); var b = torch.tensor(new float[] { 2 }); return Time(Scoped(() => _ = a + b), 0.1) * 1e9; }, "ns"),
    ("scalar_fwd_bwd", () =>
    {
        var w = torch.tensor(0.5f).requires_grad_();
        var b = torch.tensor(0.1f).requires_grad_();
        var x = torch.tensor(2.0f);
        return Time(Scoped(() => torch.sigmoid(w * x + b).backward()), 0.1) * 1e6;
    }, "us"),
};
foreach (var (dt, name) in new[] { (ScalarType.Float32, "f32"), (ScalarType.Float64, "f64") })
    foreach (int n in new[] { 64, 128, 256, 512, 1024, 2048 })
    {
        work.Add(($"matmul_{name}_{n}", () => Matmul(n, dt, false, false), "GFLOP/s"));
        if (n is 128 or 512 or 2048)
        {
            work.Add(($"matmul_{name}_{n}_tn", () => Matmul(n, dt, true, false), "GFLOP/s"));
            work.Add(($"matmul_{name}_{n}_nt", () => Matmul(n, dt, false, true), "GFLOP/s"));
        }
    }
foreach (var op in new[] { "add_new", "add_inplace", "add_bcast", "add_strided", "sigmoid_new", "sigmoid_inplace", "exp_new", "tanh_new" })
    work.Add((op.Insert(op.IndexOf('_'), "_16m"), () => Elementwise(op), "GB/s"));
foreach (int n in new[] { 1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 24 })
{
    work.Add(($"add_sweep_{n}", () => { var a = torch.rand(n); var b = torch.rand(n); return Time(Scoped(() => _ = a + b)) * 1e6; }, "us"));
    work.Add(($"sigmoid_sweep_{n}", () => { var a = torch.rand(n); return Time(Scoped(() => _ = a.sigmoid())) * 1e6; }, "us"));
}
work.Add(("mlp_step", () => { var (m, o, x, y) = Mlp(); return Time(() => MlpStep(m, o, x, y), 0.2) * 1e3; }, "ms"));
work.Add(("mlp_peak_mb", () => { var (m, o, x, y) = Mlp(); for (int i = 0; i < 200; i++) MlpStep(m, o, x, y); return PeakRssMb(); }, "MB"));

foreach (var (name, run, unit) in work)
{
    if (only is not null && !only.IsMatch(name)) continue;
    double value;
    try { value = run(); }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{name}: {e.GetType().Name}: {e.Message}");
        continue;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"runtime\": \"torchsharp\", \"workload\": \"{name}\", \"threads\": {threads}, \"value\": {value:R}, \"unit\": \"{unit}\"}}"));
}

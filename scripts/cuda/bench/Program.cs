using System.Diagnostics;
using System.Globalization;
using Bridge;

// Prints "op,size,ms" per case (median of timed runs after warm-up, device synchronised), the same cases as
// bench_torch.py, for gpu-check.sh to join into one table. Argument: device (default cuda:0).
var device = Device.Parse(args.Length > 0 ? args[0] : "cuda:0");
if (device.IsCuda && !Cuda.IsAvailable)
{
    Console.Error.WriteLine($"CUDA unavailable: {Cuda.Status}");
    return 2;
}
Console.Error.WriteLine($"bridge on {device}: {(device.IsCuda ? $"{Cuda.DeviceName(device.Index)}, {Cuda.Status}, large GEMM: {Cuda.GemmEngine(device.Index)}" : "cpu")}");

void Sync()
{
    if (device.IsCuda) Cuda.Synchronize(device.Index);
}

void Time(string op, string size, Func<Tensor> run, int reps = 20)
{
    for (int i = 0; i < 3; i++) run();
    Sync();
    var samples = new double[reps];
    for (int i = 0; i < reps; i++)
    {
        var watch = Stopwatch.StartNew();
        run();
        Sync();
        samples[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(samples);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{op},{size},{samples[reps / 2]:F4}"));
}

Torch.ManualSeed(0);
foreach (int n in new[] { 256, 1024, 2048, 4096 })
{
    var a = Torch.Randn([n, n], DType.Float32).To(device);
    var b = Torch.Randn([n, n], DType.Float32).To(device);
    Time("matmul_f32", $"{n}x{n}", () => a.MatMul(b), n >= 4096 ? 5 : 20);
}
foreach (int n in new[] { 1 << 20, 1 << 24 })
{
    var x = Torch.Randn([n], DType.Float32).To(device);
    var y = Torch.Randn([n], DType.Float32).To(device);
    string size = $"{n}";
    Time("add_f32", size, () => x + y);
    Time("mul_scalar_f32", size, () => x * 1.5);
    Time("exp_f32", size, () => x.Exp());
    Time("relu_f32", size, () => x.Relu());
    Time("sum_f32", size, () => x.Sum());
    Time("transpose_copy_f32", size, () => x.View(1024, -1).T().Contiguous());
}
return 0;

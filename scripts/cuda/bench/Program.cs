using System.Diagnostics;
using System.Globalization;
using Bridge;

// Prints "op,size,ms" per case (median of timed runs after warm-up, device synchronised), the same cases as
// bench_torch.py, for gpu-check.sh to join into one table. Arguments: device (default cuda:0), then "quick" for
// small sizes only (the host emulator). Each run's result is disposed at once, so timings never include a collection.
var device = Device.Parse(args.Length > 0 ? args[0] : "cuda:0");
bool quick = args.Length > 1 && args[1] == "quick";
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
    for (int i = 0; i < 3; i++) run().Dispose();
    Sync();
    var samples = new double[reps];
    for (int i = 0; i < reps; i++)
    {
        var watch = Stopwatch.StartNew();
        using (Torch.NewDisposeScope()) run();
        Sync();
        samples[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(samples);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{op},{size},{samples[reps / 2]:F4}"));
}

Torch.ManualSeed(0);
foreach (int n in quick ? new[] { 64, 128 } : new[] { 256, 1024, 2048, 4096 })
{
    var a = Torch.Randn([n, n], DType.Float32).To(device);
    var b = Torch.Randn([n, n], DType.Float32).To(device);
    Time("matmul_f32", $"{n}x{n}", () => a.MatMul(b), n >= 4096 ? 5 : 20);
}
foreach (int n in quick ? new[] { 1 << 16 } : new[] { 1 << 20, 1 << 24 })
{
    var x = Torch.Randn([n], DType.Float32).To(device);
    var y = Torch.Randn([n], DType.Float32).To(device);
    string size = $"{n}";
    Time("add_f32", size, () => x + y);
    Time("mul_scalar_f32", size, () => x * 1.5);
    Time("exp_f32", size, () => x.Exp());
    Time("relu_f32", size, () => x.Relu());
    Time("sum_f32", size, () => x.Sum());
    Time("transpose_copy_f32", size, () => x.View(quick ? 256 : 1024, -1).T().Contiguous());
}
if (device.IsCuda)
{
    var m = Cuda.MemoryStats(device.Index);
    Console.Error.WriteLine($"allocator: {m.Requests} requests, {m.CacheHits} cache hits, {m.DriverAllocations} cuMemAlloc, " +
        $"peak {m.PeakAllocated >> 20} MiB allocated / {m.PeakReserved >> 20} MiB reserved, {m.OutOfMemoryCollections} out-of-memory collections");
}
return 0;

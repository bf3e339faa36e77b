using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace Bridge.Bench.Micro;

/// <summary>Per-op overhead: what autograd bookkeeping, allocation and dispatch cost on one-element tensors.</summary>
[MemoryDiagnoser]
public class TinyOps
{
    readonly Tensor _a = Torch.Tensor(new[] { 1.0f });
    readonly Tensor _b = Torch.Tensor(new[] { 2.0f });
    readonly Tensor _w = Torch.Tensor(0.5, requiresGrad: true);
    readonly Tensor _bias = Torch.Tensor(0.1, requiresGrad: true);
    readonly Tensor _x = Torch.Tensor(2.0);

    [Benchmark]
    public Tensor AddOneElement() => _a + _b;

    [Benchmark]
    public void SigmoidForwardBackward() => Torch.Sigmoid(_w * _x + _bias).Backward();
}

/// <summary>fp32/fp64 matmul at the sizes, one thread and all threads.</summary>
public class MatMul
{
    Tensor _a = null!, _b = null!;

    [Params(64, 128, 512)]
    public int N;

    [Params(DType.Float32, DType.Float64)]
    public DType Type;

    [Params(1, 2)]
    public int Threads;

    [GlobalSetup]
    public void Setup()
    {
        Torch.SetNumThreads(Threads);
        _a = Torch.Randn([N, N], Type);
        _b = Torch.Randn([N, N], Type);
    }

    [Benchmark]
    public Tensor Product() => _a.MatMul(_b);

    [Benchmark]
    public Tensor ProductTransposedB() => _a.MatMul(_b.T());
}

/// <summary>16M-element elementwise ops: new result (pooled storage), preallocated output, in place.</summary>
public class Elementwise
{
    Tensor _a = null!, _b = null!, _out = null!;

    [Params(1, 2)]
    public int Threads;

    [GlobalSetup]
    public void Setup()
    {
        Torch.SetNumThreads(Threads);
        _a = Torch.Rand(1 << 24);
        _b = Torch.Rand(1 << 24);
        _out = Torch.Zeros(1 << 24);
    }

    [Benchmark]
    public Tensor AddNew() => _a + _b;

    [Benchmark]
    public Tensor AddOut() => Torch.Add(_a, _b, _out);

    [Benchmark]
    public Tensor SigmoidNew() => _a.Sigmoid();

    [Benchmark]
    public Tensor SigmoidInPlace() => _out.Sigmoid_();
}

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

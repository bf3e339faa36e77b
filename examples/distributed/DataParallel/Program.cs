// Data-parallel training from C#: every rank trains the same network on its share of the batch, and after 3 SGD
// steps holds the parameters that one process training on the whole batch gets (checked here, atol 1e-6).
// Run: scripts/mpirun.sh -np 2 dotnet examples/distributed/DataParallel/bin/Release/net10.0/DataParallel.dll
using Bridge;
using Bridge.Distributed;
using Bridge.Nn;
using Bridge.Optim;

var world = ProcessGroup.Init("mpi", TimeSpan.FromSeconds(60));
try
{
    const int Batch = 12; // divisible by the rank counts used: equal shares, so the mean of share means is the batch mean
    var x = Torch.Tensor(Enumerable.Range(0, Batch * 5).Select(i => (float)Math.Sin(i)).ToArray()).Reshape(Batch, 5);
    var y = Torch.Tensor(Enumerable.Range(0, Batch * 2).Select(i => (float)Math.Cos(i)).ToArray()).Reshape(Batch, 2);

    var alone = Net(seed: 0);
    Train(alone, x, y);

    var replica = Net(seed: world.Rank); // different on each rank until wrapping copies rank 0's
    using var ddp = new DistributedDataParallel(replica, world);
    int share = Batch / world.Size;
    Train(ddp, x.Narrow(0, world.Rank * share, share), y.Narrow(0, world.Rank * share, share));

    double worst = replica.Parameters().Zip(alone.Parameters()).Max(p => (p.First - p.Second).Abs().Max().Item());
    Console.WriteLine($"C# rank {world.Rank}/{world.Size}: DDP on {share} rows vs one process on {Batch}: max |difference| {worst:e1}");
    if (worst > 1e-6) throw new InvalidOperationException($"rank {world.Rank}: parameters differ by {worst}");
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    ProcessGroup.Abort(1); // no rank waits for this one
}
ProcessGroup.Shutdown(TimeSpan.FromSeconds(60));

static Module Net(int seed)
{
    Torch.ManualSeed((ulong)seed);
    return new Sequential(new Linear(5, 32), new ReLU(), new Linear(32, 2));
}

static void Train(Module net, Tensor x, Tensor y)
{
    var opt = new SGD(net.Parameters(), lr: 0.05, momentum: 0.9);
    for (int step = 0; step < 3; step++)
    {
        opt.ZeroGrad();
        Tensor.MseLoss(net.Forward(x), y).Backward();
        opt.Step();
    }
}

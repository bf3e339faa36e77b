using System.Reflection;
using Bridge.Nn;

namespace Bridge.Tests.Core;

/// <summary>
/// The CPU thread pool (Backends/Cpu/CpuThreads.For with its dedicated workers): every chunk runs exactly once, a
/// chunk's exception reaches the caller, nested and concurrent splits finish, one thread runs inline, and kernels
/// whose split thresholds were tuned for it give the same bits at 1, 2 and 3 threads.
/// </summary>
[TestClass]
public sealed class CpuThreadsTests
{
    static readonly Action<int, Action<int>> For = typeof(Tensor).Assembly
        .GetType("Bridge.Backends.Cpu.CpuThreads", throwOnError: true)!
        .GetMethod("For", BindingFlags.Public | BindingFlags.Static)!
        .CreateDelegate<Action<int, Action<int>>>();

    static void WithThreads(int threads, Action body)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try { body(); }
        finally { Torch.SetNumThreads(saved); }
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    public void EveryChunkRunsOnce(int threads) => WithThreads(threads, () =>
    {
        for (int round = 0; round < 2000; round++)
        {
            int chunks = 2 + round % 5;
            var runs = new int[chunks];
            For(chunks, i => Interlocked.Increment(ref runs[i]));
            CollectionAssert.AreEqual(Enumerable.Repeat(1, chunks).ToArray(), runs, $"round {round}");
            if (round % 500 == 0) Thread.Sleep(2); // let the workers park, so waking them is exercised too
        }
    });

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ChunkExceptionReachesTheCaller(int threads) => WithThreads(threads, () =>
    {
        for (int failing = 0; failing < 2; failing++)
        {
            int done = 0;
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => For(2, i =>
            {
                if (i == failing) throw new InvalidOperationException($"chunk {i} failed");
                Interlocked.Increment(ref done);
            }));
            Assert.AreEqual($"chunk {failing} failed", e.Message);
            Assert.AreEqual(1, Volatile.Read(ref done), "the other chunk still ran to the end before the rethrow");
        }
        // The pool still works after a failure.
        int sum = 0;
        For(4, i => Interlocked.Add(ref sum, i));
        Assert.AreEqual(6, sum);
    });

    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    public void NestedForFinishes(int threads) => WithThreads(threads, () =>
    {
        var task = Task.Run(() =>
        {
            int total = 0;
            for (int round = 0; round < 500; round++)
                For(3, i => For(3, j => For(2, k => Interlocked.Increment(ref total))));
            return total;
        });
        Assert.IsTrue(task.Wait(TimeSpan.FromSeconds(60)), "nested For did not finish (deadlock)");
        Assert.AreEqual(500 * 18, task.Result);
    });

    [TestMethod]
    public void ConcurrentCallersEachFinish() => WithThreads(2, () =>
    {
        var counts = new int[4];
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            for (int round = 0; round < 500; round++) For(2, _ => Interlocked.Increment(ref counts[c]));
        })).ToArray();
        Assert.IsTrue(Task.WaitAll(callers, TimeSpan.FromSeconds(60)), "concurrent For callers did not finish");
        CollectionAssert.AreEqual(new[] { 1000, 1000, 1000, 1000 }, counts);
    });

    [TestMethod]
    public void OneChunkRunsInlineOnTheCaller()
    {
        int caller = Environment.CurrentManagedThreadId, ran = -1;
        For(1, _ => ran = Environment.CurrentManagedThreadId);
        Assert.AreEqual(caller, ran);
        For(0, _ => Assert.Fail("zero chunks run nothing"));
        // One thread: kernels ask for one chunk, which runs on the caller.
        WithThreads(1, () =>
        {
            var threadsSeen = new HashSet<int>();
            var x = Torch.Randn([1 << 18]);
            _ = x.Sigmoid().Add(x).Mul(x);
            For(1, _ => threadsSeen.Add(Environment.CurrentManagedThreadId));
            CollectionAssert.AreEqual(new[] { caller }, threadsSeen.ToArray());
        });
    }

    /// <summary>The ops whose split now depends on the measured hand-off cost: the same bits at 1, 2 and 3 threads.</summary>
    [TestMethod]
    public void RethresholdedOpsAreThreadCountIndependent()
    {
        Torch.ManualSeed(3);
        var a128 = Torch.Randn([128, 128]);
        var b128 = Torch.Randn([128, 128]);
        var a96 = Torch.Randn([96, 200], DType.Float64);
        var b96 = Torch.Randn([200, 96], DType.Float64);
        // Short and wide (split by B's columns): an LSTM's gates, and nn.Linear's x·Wᵀ with B read transposed, past
        // one k block, with a partial last panel.
        var gatesA = Torch.Randn([32, 256]);
        var gatesB = Torch.Randn([256, 1024]);
        var linearX = Torch.Randn([64, 784], DType.Float64);
        var linearW = Torch.Randn([250, 784], DType.Float64);
        var images = Torch.Randn([16, 3, 28, 28]);
        var kernel = Torch.Randn([6, 3, 5, 5]).RequiresGrad_();
        var qa = Torch.Randn([8, 32, 16]);
        var qb = Torch.Randn([8, 16, 32]);
        double[][] Run()
        {
            var conv = Functional.Conv2d(images, kernel, null);
            kernel.Grad = null;
            conv.Sum().Backward();
            return
            [
                a128.Mm(b128).ToDoubleArray(), a96.Mm(b96).ToDoubleArray(), gatesA.Mm(gatesB).ToDoubleArray(),
                linearX.Mm(linearW.T()).ToDoubleArray(), conv.ToDoubleArray(),
                kernel.Grad!.ToDoubleArray(), qa.Bmm(qb).ToDoubleArray(),
            ];
        }
        double[][] one = [];
        WithThreads(1, () => one = Run());
        foreach (int threads in new[] { 2, 3 })
            WithThreads(threads, () =>
            {
                var many = Run();
                for (int i = 0; i < one.Length; i++) CollectionAssert.AreEqual(one[i], many[i], $"result {i} at {threads} threads");
            });
    }

    [TestMethod]
    public void DefaultCount_FollowsTorchsEnvironmentRule()
    {
        var defaultCount = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.CpuThreads", throwOnError: true)!
            .GetMethod("DefaultCount", BindingFlags.NonPublic | BindingFlags.Static)!
            .CreateDelegate<Func<Func<string, string?>, int>>();
        int Count(string? omp, string? mkl) => defaultCount(name => name == "OMP_NUM_THREADS" ? omp : name == "MKL_NUM_THREADS" ? mkl : null);
        int processors = Math.Max(1, Environment.ProcessorCount);
        Assert.AreEqual(1, Count("1", null));
        Assert.AreEqual(5, Count("3", "5"), "MKL_NUM_THREADS overrides OMP_NUM_THREADS, as in torch");
        Assert.AreEqual(5, Count(null, "5"));
        Assert.AreEqual(processors, Count(null, null));
        foreach (var bad in new[] { "0", "-2", "two", "", " 2", "2.5" })
            Assert.AreEqual(processors, Count(bad, null), $"OMP_NUM_THREADS={bad} is not a positive integer: ignored");
    }
}

using Bridge.Backends.Cpu;

namespace Bridge;

public static partial class Torch
{
    /// <summary>Threads CPU kernels may use (torch.set_num_threads); large matmuls and elementwise ops split across them.</summary>
    public static void SetNumThreads(int threads) => CpuThreads.Count = threads;

    /// <summary>torch.get_num_threads(): the processor count unless set.</summary>
    public static int GetNumThreads() => CpuThreads.Count;
}

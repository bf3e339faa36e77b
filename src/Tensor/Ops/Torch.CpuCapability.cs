using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge;

public static partial class Torch
{
    /// <summary>
    /// The widest vector unit the CPU kernels use on this machine, read at run time (torch's
    /// <c>torch.backends.cpu.get_cpu_capability()</c>): <c>"AVX512"</c>, <c>"AVX2"</c> (AVX2 with FMA) or
    /// <c>"DEFAULT"</c>. The native library is compiled for x86-64-v3, so on an AVX-512 CPU this says whether the
    /// wider paths were chosen at run time, not at build time.
    /// </summary>
    public static string CpuCapability =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? "AVX512"
        : Avx2.IsSupported && Fma.IsSupported ? "AVX2"
        : "DEFAULT";
}

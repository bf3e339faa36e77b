using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>glibc's erfcf and lgammaf.</summary>
internal static partial class LibMFloat
{
    [LibraryImport("libm.so.6", EntryPoint = "erfcf")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial float Erfc(float x);

    [LibraryImport("libm.so.6", EntryPoint = "lgammaf")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial float Lgamma(float x);
}

using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The C library's functions that .NET lacks or computes inexactly: <c>double.ExpM1</c> and <c>double.LogP1</c> are
/// <c>Exp(x) - 1</c> and <c>Log(x + 1)</c>, which lose every digit near 0, and there is no erf. torch calls these
/// same libm functions, so its values are met exactly.
/// </summary>
internal static partial class LibM
{
    const string Library = "libm.so.6";

    [LibraryImport(Library, EntryPoint = "expm1")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Expm1(double x);

    [LibraryImport(Library, EntryPoint = "log1p")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Log1p(double x);

    [LibraryImport(Library, EntryPoint = "erf")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Erf(double x);
}

namespace Bridge.Interop;

/// <summary>
/// Placeholder of the C ABI library: the exports (<c>bridge_*</c>, [UnmanagedCallersOnly]) arrive with
/// the Python interop work. It builds now so the solution's layout is final.
/// </summary>
public static class InteropInfo
{
    /// <summary>Version of the C ABI this library will export; bumped on any breaking change.</summary>
    public const int AbiVersion = 0;
}

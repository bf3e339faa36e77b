using System.Runtime.CompilerServices;

namespace Bridge.Interop;

static class TorchSpelling
{
    // Everything that calls this library is Python: messages use torch's names (see Bridge.Spelling).
#pragma warning disable CA2255 // a module initializer is exactly right here: before any export runs
    [ModuleInitializer]
    internal static void UseTorchNames() => Spelling.Torch = true;
#pragma warning restore CA2255
}

using System.Runtime.InteropServices;

namespace Bridge.Distributed.Nccl;

/// <summary>
/// NCCL's C API bound by name from libnccl.so.2 (or BRIDGE_NCCL_LIBRARY), the way the CUDA driver is bound: a
/// machine without NCCL loads this type fine and reports backend "nccl" unavailable, never crashes.
/// </summary>
internal sealed unsafe class NcclLibrary
{
    public const string OverrideVariable = "BRIDGE_NCCL_LIBRARY";
    public static readonly string[] SystemNames = ["libnccl.so.2"];

    /// <summary>The entry points an NCCL process group needs; all must be present for the library to count.</summary>
    public static readonly string[] Functions =
    [
        "ncclGetVersion", "ncclGetUniqueId", "ncclCommInitRank", "ncclCommDestroy", "ncclCommAbort", "ncclCommGetAsyncError",
        "ncclAllReduce", "ncclBroadcast", "ncclAllGather", "ncclReduceScatter", "ncclSend", "ncclRecv",
        "ncclGroupStart", "ncclGroupEnd", "ncclGetErrorString",
    ];

    readonly Dictionary<string, nint> _symbols = [];
    public string LibraryName { get; }
    public readonly delegate* unmanaged<int*, int> ncclGetVersion;

    NcclLibrary(nint library, string name)
    {
        LibraryName = name;
        foreach (string function in Functions)
            _symbols[function] = NativeLibrary.TryGetExport(library, function, out var p)
                ? p : throw new DistributedUnavailableException($"{name} has no export {function} (NCCL too old?)");
        ncclGetVersion = (delegate* unmanaged<int*, int>)_symbols["ncclGetVersion"];
    }

    public int Version
    {
        get
        {
            int version = 0;
            return ncclGetVersion(&version) == 0 ? version : 0;
        }
    }

    static readonly Lazy<(NcclLibrary? Library, string Reason)> Loaded = new(() =>
    {
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        return TryLoad(string.IsNullOrEmpty(overridePath) ? SystemNames : [overridePath]);
    });

    /// <summary>The process's NCCL, or null with <paramref name="reason"/> saying why not; never throws.</summary>
    public static NcclLibrary? TryGet(out string reason)
    {
        var (library, why) = Loaded.Value;
        reason = why;
        return library;
    }

    internal static (NcclLibrary?, string) TryLoad(string[] names)
    {
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            try { return (new NcclLibrary(handle, name), ""); }
            catch (DistributedUnavailableException e) { return (null, e.Message); }
        }
        return (null, $"{string.Join(", ", names)} not found (NCCL comes with NVIDIA's GPU software stack)");
    }

    /// <summary>Why backend "nccl" cannot make a process group on this machine, as the exception to throw.</summary>
    public static Exception Unusable()
    {
        var nccl = TryGet(out string reason);
        if (nccl is null) return new DistributedUnavailableException($"backend 'nccl' is not available: {reason}");
        return new NotImplementedException($"backend 'nccl': {nccl.LibraryName} (version {nccl.Version}) is bound, but Bridge's NCCL process group " +
            "(unique-id exchange, CUDA streams) is not implemented yet: use backend=\"mpi\" with CPU tensors");
    }
}

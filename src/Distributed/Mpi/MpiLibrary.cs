using System.Runtime.InteropServices;

namespace Bridge.Distributed.Mpi;

/// <summary>Open MPI's MPI_Status (4.x, LP64): 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MpiStatus
{
    public int Source;
    public int Tag;
    public int Error;
    public int Cancelled;
    public nuint Count;
}

/// <summary>
/// Open MPI's C API as unmanaged function pointers from one library handle: libmpi.so.40 (Open MPI 3.x-5.x), or the
/// library named by BRIDGE_MPI_LIBRARY. Loaded by name with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>,
/// never DllImport, so machines without MPI load this type fine and report the backend unavailable. Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM) are the addresses of exported globals (<c>ompi_mpi_comm_world</c>...),
/// read with <see cref="NativeLibrary.GetExport"/>; MPICH's integer handles are a different ABI and are refused.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    public const string OverrideVariable = "BRIDGE_MPI_LIBRARY";
    public static readonly string[] SystemNames = ["libmpi.so.40"];

    /// <summary>Open MPI's MPI_IN_PLACE: <c>(void*)1</c>.</summary>
    public static readonly void* InPlace = (void*)1;
    public const int AnySource = -1;
    public const int ThreadSerialized = 2;
    public const int MaxErrorString = 256;

    readonly nint _library;
    public string LibraryName { get; }

    public readonly delegate* unmanaged<int*, int> MPI_Initialized;
    public readonly delegate* unmanaged<int*, int> MPI_Finalized;
    public readonly delegate* unmanaged<int*, byte***, int, int*, int> MPI_Init_thread;
    public readonly delegate* unmanaged<int> MPI_Finalize;
    public readonly delegate* unmanaged<nint, int, int> MPI_Abort;
    public readonly delegate* unmanaged<nint, int*, int> MPI_Comm_rank;
    public readonly delegate* unmanaged<nint, int*, int> MPI_Comm_size;
    public readonly delegate* unmanaged<nint, nint, int> MPI_Comm_set_errhandler;
    public readonly delegate* unmanaged<int, byte*, int*, int> MPI_Error_string;
    public readonly delegate* unmanaged<byte*, int*, int> MPI_Get_library_version;
    public readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> MPI_Iallreduce;
    public readonly delegate* unmanaged<void*, int, nint, int, nint, nint*, int> MPI_Ibcast;
    public readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> MPI_Iallgather;
    public readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> MPI_Ireduce_scatter_block;
    public readonly delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> MPI_Isend;
    public readonly delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> MPI_Irecv;
    public readonly delegate* unmanaged<nint, nint*, int> MPI_Ibarrier;
    public readonly delegate* unmanaged<nint*, int*, MpiStatus*, int> MPI_Test;
    public readonly delegate* unmanaged<nint, nint*, int> MPI_Comm_group;
    public readonly delegate* unmanaged<nint, int, int*, nint*, int> MPI_Group_incl;
    public readonly delegate* unmanaged<nint*, int> MPI_Group_free;
    public readonly delegate* unmanaged<nint, nint, nint*, int> MPI_Comm_create;
    public readonly delegate* unmanaged<nint*, int> MPI_Comm_free;
    public readonly delegate* unmanaged<nint, nint*, int> MPI_Comm_dup;

    /// <summary>Functions bound above, in order (the binding test walks this list).</summary>
    public static readonly string[] Functions =
    [
        "MPI_Initialized", "MPI_Finalized", "MPI_Init_thread", "MPI_Finalize", "MPI_Abort", "MPI_Comm_rank", "MPI_Comm_size",
        "MPI_Comm_set_errhandler", "MPI_Error_string", "MPI_Get_library_version", "MPI_Iallreduce", "MPI_Ibcast",
        "MPI_Iallgather", "MPI_Ireduce_scatter_block", "MPI_Isend", "MPI_Irecv", "MPI_Ibarrier", "MPI_Test",
        "MPI_Comm_group", "MPI_Group_incl", "MPI_Group_free", "MPI_Comm_create", "MPI_Comm_free", "MPI_Comm_dup",
    ];

    // Predefined handles: addresses of Open MPI's exported globals.
    public readonly nint CommWorld, CommNull, ErrorsReturn;
    public readonly nint Float, Double, Int64, Bool;
    public readonly nint Sum, Product, Max, Min, LogicalOr, LogicalAnd;

    MpiLibrary(nint library, string name)
    {
        _library = library;
        LibraryName = name;
        int k = 0;
        MPI_Initialized = (delegate* unmanaged<int*, int>)Symbol(Functions[k++]);
        MPI_Finalized = (delegate* unmanaged<int*, int>)Symbol(Functions[k++]);
        MPI_Init_thread = (delegate* unmanaged<int*, byte***, int, int*, int>)Symbol(Functions[k++]);
        MPI_Finalize = (delegate* unmanaged<int>)Symbol(Functions[k++]);
        MPI_Abort = (delegate* unmanaged<nint, int, int>)Symbol(Functions[k++]);
        MPI_Comm_rank = (delegate* unmanaged<nint, int*, int>)Symbol(Functions[k++]);
        MPI_Comm_size = (delegate* unmanaged<nint, int*, int>)Symbol(Functions[k++]);
        MPI_Comm_set_errhandler = (delegate* unmanaged<nint, nint, int>)Symbol(Functions[k++]);
        MPI_Error_string = (delegate* unmanaged<int, byte*, int*, int>)Symbol(Functions[k++]);
        MPI_Get_library_version = (delegate* unmanaged<byte*, int*, int>)Symbol(Functions[k++]);
        MPI_Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Ibcast = (delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Ireduce_scatter_block = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Isend = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Irecv = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Ibarrier = (delegate* unmanaged<nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Test = (delegate* unmanaged<nint*, int*, MpiStatus*, int>)Symbol(Functions[k++]);
        MPI_Comm_group = (delegate* unmanaged<nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Group_incl = (delegate* unmanaged<nint, int, int*, nint*, int>)Symbol(Functions[k++]);
        MPI_Group_free = (delegate* unmanaged<nint*, int>)Symbol(Functions[k++]);
        MPI_Comm_create = (delegate* unmanaged<nint, nint, nint*, int>)Symbol(Functions[k++]);
        MPI_Comm_free = (delegate* unmanaged<nint*, int>)Symbol(Functions[k++]);
        MPI_Comm_dup = (delegate* unmanaged<nint, nint*, int>)Symbol(Functions[k++]);

        CommWorld = Global("ompi_mpi_comm_world");
        CommNull = Global("ompi_mpi_comm_null");
        ErrorsReturn = Global("ompi_mpi_errors_return");
        Float = Global("ompi_mpi_float");
        Double = Global("ompi_mpi_double");
        Int64 = Global("ompi_mpi_int64_t");
        Bool = Global("ompi_mpi_c_bool");
        Sum = Global("ompi_mpi_op_sum");
        Product = Global("ompi_mpi_op_prod");
        Max = Global("ompi_mpi_op_max");
        Min = Global("ompi_mpi_op_min");
        LogicalOr = Global("ompi_mpi_op_lor");
        LogicalAnd = Global("ompi_mpi_op_land");
    }

    nint Symbol(string name) => NativeLibrary.TryGetExport(_library, name, out var p)
        ? p : throw new DistributedUnavailableException($"MPI library {LibraryName} has no export {name}");

    nint Global(string name) => NativeLibrary.TryGetExport(_library, name, out var p)
        ? p : throw new DistributedUnavailableException($"MPI library {LibraryName} has no export {name}: Bridge binds Open MPI's ABI (libmpi.so.40), not this MPI's");

    static readonly Lazy<(MpiLibrary? Library, string Reason)> Loaded = new(Load);

    /// <summary>The process's MPI library, or null with <paramref name="reason"/> saying why not; never throws.</summary>
    public static MpiLibrary? TryGet(out string reason)
    {
        var (library, why) = Loaded.Value;
        reason = why;
        return library;
    }

    static (MpiLibrary?, string) Load()
    {
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        string[] names = string.IsNullOrEmpty(overridePath) ? SystemNames : [overridePath];
        return TryLoad(names);
    }

    /// <summary>Binds the first of <paramref name="names"/> that loads (tests pass names that do not exist).</summary>
    internal static (MpiLibrary?, string) TryLoad(string[] names)
    {
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            try { return (new MpiLibrary(handle, name), ""); }
            catch (DistributedUnavailableException e) { return (null, e.Message); }
        }
        return (null, $"{string.Join(", ", names)} not found (install Open MPI: apt-get install openmpi-bin libopenmpi3)");
    }

    /// <summary>Throws for a failed MPI call, with MPI's own text for the code.</summary>
    public void Check(int code, string call)
    {
        if (code == 0) return;
        byte* text = stackalloc byte[MaxErrorString + 1];
        int length = 0;
        string message = MPI_Error_string(code, text, &length) == 0 ? Marshal.PtrToStringUTF8((nint)text, length) : $"error {code}";
        throw new DistributedException($"{call} failed: {message}");
    }

    public string Version()
    {
        byte* text = stackalloc byte[512];
        int length = 0;
        return MPI_Get_library_version(text, &length) == 0 ? Marshal.PtrToStringUTF8((nint)text, length).Trim() : LibraryName;
    }
}

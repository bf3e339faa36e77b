using Bridge.Distributed;
using Bridge.Distributed.Mpi;
using Bridge.Distributed.Nccl;

namespace Bridge.Tests.Distributed;

/// <summary>
/// The MPI and NCCL bindings without mpirun: a library that is absent means "not available" with the reason, never a
/// crash; Open MPI, where installed, binds every function and predefined handle. (Collectives run under mpirun:
/// scripts/test-distributed.sh.)
/// </summary>
[TestClass]
public sealed class BindingTests
{
    [TestMethod]
    public void Mpi_MissingLibrary_IsNotAvailableWithTheReason()
    {
        var (library, reason) = MpiLibrary.TryLoad(["libmpi-does-not-exist.so.40"]);
        Assert.IsNull(library);
        StringAssert.Contains(reason, "libmpi-does-not-exist.so.40 not found");
    }

    [TestMethod]
    public void Mpi_NotOpenMpi_IsRefusedByName()
    {
        // libc loads but exports none of MPI: the first missing function is named.
        var (library, reason) = MpiLibrary.TryLoad(["libc.so.6"]);
        Assert.IsNull(library);
        StringAssert.Contains(reason, "has no export MPI_Initialized");
    }

    [TestMethod]
    public void Mpi_Installed_BindsEveryFunctionAndHandle()
    {
        var (library, reason) = MpiLibrary.TryLoad(MpiLibrary.SystemNames);
        if (library is null) Assert.Inconclusive($"Open MPI is not installed here ({reason}): apt-get install openmpi-bin libopenmpi3");
        Assert.AreNotEqual(0, library.CommWorld);
        Assert.AreNotEqual(library.CommWorld, library.CommNull);
        Assert.AreNotEqual(library.Float, library.Double);
        StringAssert.Contains(library.Version(), "Open MPI");
        Assert.IsNull(ProcessGroup.Unavailable("mpi"));
    }

    [TestMethod]
    public void Nccl_MissingLibrary_IsNotAvailableWithTheReason()
    {
        var (library, reason) = NcclLibrary.TryLoad(["libnccl.so.2-not-here"]);
        Assert.IsNull(library);
        StringAssert.Contains(reason, "libnccl.so.2-not-here not found");
    }

    [TestMethod]
    public void InitNccl_WithoutNccl_ThrowsNotAvailable()
    {
        if (ProcessGroup.Unavailable("nccl") is null) Assert.Inconclusive("libnccl.so.2 is installed here: the not-available path cannot be observed");
        var e = Assert.ThrowsExactly<DistributedUnavailableException>(() => ProcessGroup.Init("nccl"));
        StringAssert.Contains(e.Message, "backend 'nccl' is not available: libnccl.so.2 not found");
        Assert.IsFalse(ProcessGroup.IsInitialized);
    }

    [TestMethod]
    public void Init_UnknownOrAbsentBackends_ThrowClearly()
    {
        StringAssert.Contains(Assert.ThrowsExactly<DistributedUnavailableException>(() => ProcessGroup.Init("gloo")).Message, "'gloo' is not available in Bridge");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ProcessGroup.Init("tcp")).Message, "Invalid backend: 'tcp'");
        StringAssert.Contains(ProcessGroup.Unavailable("tcp")!, "no 'tcp' backend");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ProcessGroup.Init("mpi", TimeSpan.Zero));
        Assert.IsFalse(ProcessGroup.IsInitialized);
    }

    [TestMethod]
    public void DistributedDataParallel_WithoutInit_Throws() =>
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => new DistributedDataParallel(new Bridge.Nn.Linear(2, 2))).Message,
            "Default process group has not been initialized");
}

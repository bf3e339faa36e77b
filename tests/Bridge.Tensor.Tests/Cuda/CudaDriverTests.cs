namespace Bridge.Tests.Cuda;

/// <summary>What happens without a GPU, and whether a real libcuda.so.1 exports everything the backend binds.</summary>
[TestClass]
public sealed class CudaDriverTests
{
    [TestMethod]
    public void NoDriver_ReportsUnavailable_AndCudaTensorsThrowTheReason()
    {
        if (Bridge.Cuda.IsAvailable) Assert.Inconclusive($"a CUDA driver is present: {Bridge.Cuda.Status}");
        Assert.AreEqual(0, Bridge.Cuda.DeviceCount);
        var e = Assert.Throws<CudaException>(() => Torch.Zeros([2], DType.Float32, Device.Cuda(0)));
        Assert.AreEqual(Bridge.Cuda.Status.Split("; ")[0], e.Message);
        StringAssert.Matches(e.Message, new System.Text.RegularExpressions.Regex(@"CUDA driver \(libcuda\.so\.1\) not found|cuInit failed|no CUDA-capable device|without CUDA kernels"));
        Assert.Throws<CudaException>(() => Torch.Ones([2], DType.Float32, Device.Cpu).Cuda());
    }

    /// <summary>
    /// BRIDGE_REAL_LIBCUDA names Debian's libcuda.so.1, extracted without installing a driver
    /// (scripts/cuda/fetch-nvidia.sh): every symbol must bind and cuInit must fail cleanly for lack of a device.
    /// </summary>
    [TestMethod]
    public void RealLibcuda_BindsEverySymbol_AndReportsNoDeviceCleanly()
    {
        string? path = Environment.GetEnvironmentVariable("BRIDGE_REAL_LIBCUDA");
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) Assert.Inconclusive("BRIDGE_REAL_LIBCUDA not set: run scripts/cuda/fetch-nvidia.sh to extract Debian's libcuda.so.1");
        var probe = Bridge.Cuda.ProbeDriver(path);
        Assert.IsTrue(probe.Loaded, probe.InitMessage);
        Assert.AreEqual(0, probe.MissingSymbols.Length, $"missing: {string.Join(", ", probe.MissingSymbols)}");
        Assert.IsNotNull(probe.InitResult);
        if (probe.InitResult != 0)
            StringAssert.StartsWith(probe.InitMessage, "CUDA_ERROR_", "the driver's own error name and text");
    }

    [TestMethod]
    public void DeviceStrings_ParseAndPrintLikeTorch()
    {
        Assert.AreEqual(Device.Cuda(0), Device.Parse("cuda"));
        Assert.AreEqual(Device.Cuda(1), Device.Parse("cuda:1"));
        Assert.AreEqual("cuda:1", Device.Cuda(1).ToString());
        Assert.IsTrue(Device.Cuda().IsCuda);
        Assert.IsFalse(Device.Cpu.IsCuda);
    }
}

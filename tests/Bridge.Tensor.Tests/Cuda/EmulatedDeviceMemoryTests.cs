namespace Bridge.Tests.Cuda;

/// <summary>
/// The host emulator behaves like a finite GPU (native/cuda-emu/emu_memory.cpp): a fixed capacity, out-of-memory
/// past it, and the engine's own out-of-memory path (collect, empty the cache, retry) is what keeps a program
/// that drops its tensors running. Emulator only: on a real GPU the capacity is whatever the card has.
/// </summary>
[TestClass]
public sealed class EmulatedDeviceMemoryTests
{
    const long DefaultCapacity = 4L << 30;   // the emulator's default (EMU_DEVICE_MEMORY unset)
    static readonly Device Gpu = Device.Cuda(0);

    [TestInitialize]
    public void RequireDefaultEmulator()
    {
        if (!Bridge.Cuda.IsAvailable || !Bridge.Cuda.IsEmulated) Assert.Inconclusive("needs the CUDA host emulator (BRIDGE_CUDA_DRIVER=.../libcudaemu.so)");
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("EMU_DEVICE_MEMORY"))) Assert.Inconclusive("EMU_DEVICE_MEMORY changes the capacity these tests assume");
    }

    [TestMethod]
    public void Allocation_LargerThanTheDevice_ThrowsOutOfMemory_AndTheDeviceStaysUsable()
    {
        int elements = (int)(DefaultCapacity / 4 / 2) + 1;   // two of these (8 GiB + 8 B) cannot fit
        var e = Assert.ThrowsExactly<CudaException>(() => Torch.Zeros([2, elements], DType.Float32, Gpu));
        StringAssert.Contains(e.Message, "OUT_OF_MEMORY");
        var t = Torch.Ones([17], DType.Float32, Gpu);
        Assert.AreEqual(17.0, t.Sum().Item(), "the device works after the failed allocation");
    }

    [TestMethod]
    public void DroppedTensors_TotallingMoreThanTheDevice_AreReclaimedThroughTheOutOfMemoryPath()
    {
        const int mib = 512;
        int elements = mib << 18;   // float32: 512 MiB each, 12 of them = 6 GiB through a 4 GiB device
        var host = Torch.Zeros([elements], DType.Float32);   // copied up, not filled by a kernel: fast on the emulator
        for (int i = 0; i < 12; i++)
        {
            var t = host.To(Gpu);
            GC.KeepAlive(t);
        }
        Assert.IsTrue(Bridge.Cuda.MemoryAllocated() < DefaultCapacity, $"allocated {Bridge.Cuda.MemoryAllocated()} bytes");
    }
}

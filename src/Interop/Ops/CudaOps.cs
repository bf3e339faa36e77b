namespace Bridge.Interop;

// torch.cuda's device and caching-allocator controls (python/bridge/cuda.py). Device arguments are indices;
// the Python side resolves None, "cuda:N" and device objects.
static partial class OpTable
{
    static void RegisterCuda()
    {
        Add("cuda_memory_stat", a => Value.Int(MemoryStat(a.Int(0), a.String(1))));
        Add("cuda_reset_peak_memory_stats", a => { Cuda.ResetPeakMemoryStats(a.Int(0)); return Value.None; });
        Add("cuda_empty_cache", a => { Cuda.EmptyCache(a.Int(0)); return Value.None; });
        Add("cuda_synchronize", a => { Cuda.Synchronize(a.Int(0)); return Value.None; });
        Add("cuda_set_device", a => { Cuda.SetDevice(a.Int(0)); return Value.None; });
        Add("cuda_current_device", a => Value.Int(Cuda.CurrentDevice()));
        Add("cuda_device_name", a => Results.String(Cuda.DeviceName(a.Int(0))));
        Add("cuda_gemm_engine", a => Results.String(Cuda.GemmEngine(a.Int(0))));
    }

    static long MemoryStat(int device, string name)
    {
        var s = Cuda.MemoryStats(device);
        return name switch
        {
            "allocated" => s.Allocated,
            "peak_allocated" => s.PeakAllocated,
            "reserved" => s.Reserved,
            "peak_reserved" => s.PeakReserved,
            "requests" => s.Requests,
            "cache_hits" => s.CacheHits,
            "driver_allocations" => s.DriverAllocations,
            "driver_frees" => s.DriverFrees,
            "oom_collections" => s.OutOfMemoryCollections,
            _ => throw new ArgumentException($"unknown CUDA memory statistic '{name}'"),
        };
    }
}

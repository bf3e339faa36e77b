namespace Bridge;

/// <summary>Where a tensor's memory lives: <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The host CPU.</summary>
    public static readonly Device Cpu = new(DeviceType.Cpu);

    /// <summary><c>cuda:<paramref name="index"/></c>.</summary>
    public static Device Cuda(int index = 0) => index >= 0 ? new(DeviceType.Cuda, index) : throw new ArgumentException($"Device index must not be negative, got {index}");

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => Type == DeviceType.Cuda;

    /// <summary>
    /// Parses torch's spelling: <c>"cpu"</c>, <c>"cuda"</c> (the current CUDA device) or <c>"cuda:N"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static Device Parse(string text)
    {
        if (text == "cpu") return Cpu;
        if (text == "cuda") return new Device(DeviceType.Cuda, CudaCurrentDevice.Index); // torch.cuda.set_device
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
            return new Device(DeviceType.Cuda, index);
        throw new ArgumentException($"Expected one of cpu, cuda device type at start of device string: {text}");
    }

    /// <summary><c>cpu</c> or <c>cuda:N</c>, torch's spelling.</summary>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}

/// <summary>The kind of device; the values match DLPack's device types.</summary>
public enum DeviceType
{
    /// <summary>Host memory (DLPack's kDLCPU).</summary>
    Cpu = 1,
    /// <summary>NVIDIA GPU memory (DLPack's kDLCUDA).</summary>
    Cuda = 2,
}

namespace Bridge;

/// <summary>Where a tensor's memory lives: <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);

    /// <summary><c>cuda:<paramref name="index"/></c>.</summary>
    public static Device Cuda(int index = 0) => index >= 0 ? new(DeviceType.Cuda, index) : throw new ArgumentException($"Device index must not be negative, got {index}");

    public bool IsCuda => Type == DeviceType.Cuda;

    public static Device Parse(string text)
    {
        if (text == "cpu") return Cpu;
        if (text == "cuda") return new Device(DeviceType.Cuda, CudaCurrentDevice.Index); // torch.cuda.set_device
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0)
            return new Device(DeviceType.Cuda, index);
        throw new ArgumentException($"Expected one of cpu, cuda device type at start of device string: {text}");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}

public enum DeviceType
{
    Cpu = 1,
    Cuda = 2,
}

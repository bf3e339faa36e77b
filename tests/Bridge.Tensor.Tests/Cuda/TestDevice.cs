namespace Bridge.Tests.Cuda;

/// <summary>
/// Runs the whole suite on another device without rewriting a test: BRIDGE_TEST_DEVICE=cuda (or cuda:N) makes
/// every factory function (Torch.Tensor, Zeros, Rand, Linear...) create tensors there, so every op, gradient
/// and optimizer step in the suite runs through that backend. Unset or "cpu": the CPU, as always.
/// </summary>
[TestClass]
public static class TestDevice
{
    public const string Variable = "BRIDGE_TEST_DEVICE";

    /// <summary>The device the suite runs on.</summary>
    public static Device Current { get; private set; } = Device.Cpu;

    [AssemblyInitialize]
    public static void Select(TestContext context)
    {
        string? requested = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(requested)) return;
        var device = Device.Parse(requested);
        // A requested GPU that is not there fails the run with the driver's reason rather than passing on the CPU.
        if (device.IsCuda && !Bridge.Cuda.IsAvailable)
            throw new InvalidOperationException($"{Variable}={requested} but CUDA is unavailable: {Bridge.Cuda.Status}");
        Current = device;
        Torch.DefaultDevice = device;
        context.WriteLine($"tests run on {device}: {(device.IsCuda ? Bridge.Cuda.Status : "cpu")}");
    }
}

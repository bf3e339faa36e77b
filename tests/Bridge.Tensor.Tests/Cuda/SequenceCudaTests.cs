using Bridge.Nn;

namespace Bridge.Tests.Cuda;

/// <summary>
/// The sequence layers on the CUDA backend (a GPU or the host emulator) against the same layers on the CPU: they are
/// composed from device ops there (one-hot GEMM embedding, composed LSTM/GRU gates, composed LayerNorm and attention),
/// so outputs and gradients agree to float32 rounding (GELU has its own device kernel: NnCudaTests).
/// </summary>
[TestClass]
public sealed class SequenceCudaTests
{
    static readonly Device Gpu = Device.Cuda(0);

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
    }

    static Tensor Host(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(0.2 + 0.8 * Math.Sin(1.3 * i + 0.7));
        return Torch.Tensor(values, DType.Float32, device: Device.Cpu).Reshape(shape);
    }

    static void Close(Tensor cpu, Tensor gpu, string what, double tol = 2e-5)
    {
        Assert.AreEqual(Gpu, gpu.Device, $"{what}: device");
        var e = cpu.ToDoubleArray();
        var a = gpu.Cpu().ToDoubleArray();
        Assert.AreEqual(e.Length, a.Length, $"{what}: size");
        for (int i = 0; i < e.Length; i++) Assert.AreEqual(e[i], a[i], tol * (1 + Math.Abs(e[i])), $"{what}[{i}]");
    }

    // f on leaves copied to the CPU and to the device; outputs and each leaf's gradient compared.
    static void Compare(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var cpu = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var gpu = inputs.Select(t => t.To(Gpu).RequiresGrad_()).ToArray();
        var yc = f(cpu);
        var yg = f(gpu);
        Close(yc, yg, "output");
        var w = Host([.. yc.Shape.Select(d => (int)d)]);
        (yc * w).Sum().Backward();
        (yg * w.To(Gpu)).Sum().Backward();
        for (int i = 0; i < inputs.Length; i++) Close(cpu[i].Grad!, gpu[i].Grad!, $"grad {i}", 1e-4);
    }

    [TestMethod]
    public void Lstm_And_Gru_OnDevice_MatchCpu()
    {
        foreach (var mode in new[] { RnnMode.Lstm, RnnMode.Gru })
        {
            int g = Functional.GateCount(mode) * 3;
            Compare(t => Functional.Rnn(mode, t[0], null, null, t[1..], true, 1, 0, false, true, false).Output,
                Host(4, 2, 2), Host(g, 2) * 0.5, Host(g, 3) * -0.4, Host(g) * 0.1, Host(g) * 0.2, Host(g, 2) * 0.3, Host(g, 3) * 0.2, Host(g) * -0.1, Host(g));
        }
    }

    [TestMethod]
    public void Embedding_LayerNorm_Gelu_Attention_OnDevice_MatchCpu()
    {
        var index = Torch.Tensor(new long[] { 3, 0, 3, 1 }, device: Device.Cpu);
        Compare(t => Functional.Embedding(index.To(t[0].Device), t[0]), Host(5, 3));
        Compare(t => Functional.LayerNorm(t[0], [4], t[1], t[2]), Host(3, 4) * 3.0, Host(4), Host(4));
        Compare(t => Functional.Gelu(t[0] * 3.0, "tanh"), Host(2, 5));
        Compare(t => Functional.Gelu(t[0] * 3.0), Host(2, 5));
        Compare(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], isCausal: true), Host(2, 3, 4), Host(2, 3, 4), Host(2, 3, 2));
        Compare(t => Functional.MultiHeadAttentionForward(t[0], t[0], t[0], 4, 2, t[1], t[2], 0, t[3], t[4]).Output,
            Host(3, 2, 4), Host(12, 4) * 0.3, Host(12) * 0.1, Host(4, 4) * 0.5, Host(4) * 0.2);
    }
}

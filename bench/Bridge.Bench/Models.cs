using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Bench;

/// <summary>
/// One training step of the three real models of the nn issue's parity cases, at benchmark sizes (a LeNet with
/// BatchNorm on MNIST-sized batches, a character LSTM, a tiny GPT); bench/peers/torch_peer.py builds the same
/// models, sizes, optimisers and data in Python, line for line, for PyTorch and for Bridge from Python.
/// </summary>
internal static class Models
{
    const int Vocab = 65;

    sealed class LeNet : Module
    {
        public Conv2d Conv1 = new(1, 6, 5, padding: 2);
        public BatchNorm2d Bn1 = new(6);
        public Conv2d Conv2 = new(6, 16, 5);
        public BatchNorm2d Bn2 = new(16);
        public Linear Fc1 = new(16 * 5 * 5, 120);
        public Linear Fc2 = new(120, 84);
        public Linear Fc3 = new(84, 10);

        public override Tensor Forward(Tensor x)
        {
            x = Functional.MaxPool2d(Bn1.Forward(Conv1.Forward(x)).Relu(), [2]);
            x = Functional.MaxPool2d(Bn2.Forward(Conv2.Forward(x)).Relu(), [2]);
            x = Torch.Flatten(x, 1);
            return Fc3.Forward(Fc2.Forward(Fc1.Forward(x).Relu()).Relu());
        }
    }

    sealed class CharLstm : Module
    {
        public Embedding Embed { get; } = new(Vocab, 64);
        public LSTM Lstm { get; } = new(64, 256, batchFirst: true);
        public Linear Head { get; } = new(256, Vocab);

        public override Tensor Forward(Tensor x) => Head.Forward(Lstm.Forward(Embed.Forward(x), ((Tensor, Tensor)?)null).Output);
    }

    const int GptBlock = 64, GptWidth = 128, GptHeads = 4;

    sealed class GptLayer : Module
    {
        public LayerNorm Ln1 { get; } = new(GptWidth);
        public MultiheadAttention Attn { get; } = new(GptWidth, GptHeads, batchFirst: true);
        public LayerNorm Ln2 { get; } = new(GptWidth);
        public Linear Fc { get; } = new(GptWidth, 4 * GptWidth);
        public GELU Gelu { get; } = new();
        public Linear Proj { get; } = new(4 * GptWidth, GptWidth);

        public Tensor Forward(Tensor x, Tensor mask)
        {
            var h = Ln1.Forward(x);
            x = x + Attn.Forward(h, h, h, attnMask: mask, needWeights: false).Item1;
            return x + Proj.Forward(Gelu.Forward(Fc.Forward(Ln2.Forward(x))));
        }
    }

    sealed class TinyGpt : Module
    {
        public Embedding Tok { get; } = new(Vocab, GptWidth);
        public Embedding Pos { get; } = new(GptBlock, GptWidth);
        public ModuleStack<GptLayer> Layers { get; } = new([new GptLayer(), new GptLayer()]);
        public LayerNorm LnF { get; } = new(GptWidth);
        public Linear Head { get; } = new(GptWidth, Vocab, bias: false);
        readonly Tensor _mask = Transformer.GenerateSquareSubsequentMask(GptBlock);

        public override Tensor Forward(Tensor idx)
        {
            var x = Tok.Forward(idx) + Pos.Forward(Torch.Arange(idx.Size(1)));
            foreach (var layer in Layers) x = layer.Forward(x, _mask);
            return Head.Forward(LnF.Forward(x));
        }
    }

    /// <summary>Milliseconds per training step (forward, loss, backward, optimiser step) of the named model.</summary>
    public static double StepMs(string model) => Workloads.TimeSettled(Build(model), minSeconds: 0.3) * 1e3;

    /// <summary>
    /// Peak memory of <paramref name="steps"/> training steps of the named model, in MiB above the resident set after
    /// building it: the kernel's peak-RSS mark is reset (<c>/proc/self/clear_refs</c>) once the model and data exist,
    /// then read (<c>VmHWM</c>) after the steps; bench/peers/torch_peer.py --peak-memory measures PyTorch the same way.
    /// </summary>
    public static double PeakMemoryMiB(string model, int steps)
    {
        var step = Build(model);
        long baseline = ProcStatusKiB("VmRSS:");
        File.WriteAllText("/proc/self/clear_refs", "5");
        for (int i = 0; i < steps; i++) step();
        return (ProcStatusKiB("VmHWM:") - baseline) / 1024.0;
    }

    static long ProcStatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"{field} not in /proc/self/status");
    }

    /// <summary>One training step (forward, loss, backward, optimiser step) of the named model, built and seeded.</summary>
    internal static Action Build(string model)
    {
        Torch.ManualSeed(0);
        Module net;
        Tensor x, y;
        Optimizer opt;
        switch (model)
        {
            case "lenet": // an MNIST-shaped batch of 64
                net = new LeNet();
                (x, y) = (Torch.Randn(64, 1, 28, 28), Torch.Randint(10, [64]));
                opt = new SGD(net.Parameters(), lr: 0.01, momentum: 0.9);
                break;
            case "char_lstm": // 32 sequences of 64 characters
                net = new CharLstm();
                (x, y) = (Torch.Randint(Vocab, [32, 64]), Torch.Randint(Vocab, [32 * 64]));
                opt = new Adam(net.Parameters(), lr: 1e-3);
                break;
            case "tiny_gpt": // 16 sequences of 64 tokens
                net = new TinyGpt();
                (x, y) = (Torch.Randint(Vocab, [16, GptBlock]), Torch.Randint(Vocab, [16 * GptBlock]));
                opt = new AdamW(net.Parameters(), lr: 1e-3, weightDecay: 0.1);
                break;
            default: throw new ArgumentException($"unknown model {model}");
        }
        return () =>
        {
            opt.ZeroGrad();
            var logits = net.Forward(x);
            var loss = Functional.CrossEntropy(logits.Dim() == 3 ? logits.Reshape(-1, Vocab) : logits, y);
            loss.Backward();
            opt.Step();
        };
    }
}

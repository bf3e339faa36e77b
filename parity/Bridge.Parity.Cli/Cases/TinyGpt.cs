using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/tiny_gpt.py.</summary>
public static class TinyGpt
{
    const string Text = "to be or not to be, that is the question: whether tis nobler in the mind to suffer";
    const int Steps = 6;
    const int Batch = 4, Block = 8, D = 16, Heads = 2;

    sealed class GptBlock(int d, int heads) : Module
    {
        public LayerNorm Ln1 { get; } = new(d);
        public MultiheadAttention Attn { get; } = new(d, heads, bias: false, batchFirst: true);
        public LayerNorm Ln2 { get; } = new(d);
        public Linear Fc { get; } = new(d, 4 * d);
        public GELU Gelu { get; } = new();
        public Linear Proj { get; } = new(4 * d, d);

        public Tensor Forward(Tensor x, Tensor mask)
        {
            var h = Ln1.Forward(x);
            var (a, _) = Attn.Forward(h, h, h, attnMask: mask, needWeights: false);
            x = x + a;
            return x + Proj.Forward(Gelu.Forward(Fc.Forward(Ln2.Forward(x))));
        }
    }

    sealed class TinyGPT(int vocab) : Module
    {
        public Embedding Tok { get; } = new(vocab, D);
        public Embedding Pos { get; } = new(Block, D);
        public ModuleStack<GptBlock> Blocks { get; } = new([new GptBlock(D, Heads), new GptBlock(D, Heads)]);
        public LayerNorm LnF { get; } = new(D);
        public Linear Head { get; } = new(D, vocab, bias: false);

        public override Tensor Forward(Tensor idx)
        {
            int t = (int)idx.Size(1);
            var x = Tok.Forward(idx) + Pos.Forward(Torch.Arange(t));
            var mask = Transformer.GenerateSquareSubsequentMask(t);
            foreach (var block in Blocks) x = block.Forward(x, mask);
            return Head.Forward(LnF.Forward(x));
        }
    }

    /// <summary>nanoGPT's: every 2-D parameter (matmul weights, embeddings) decays, biases and LayerNorm weights do not.</summary>
    static AdamW ConfigureOptimizers(Module model, double weightDecay, double learningRate, (double, double) betas)
    {
        var parameters = model.Parameters().Where(p => p.RequiresGrad).ToList();
        var decay = parameters.Where(p => p.Dim() >= 2).ToList();
        var noDecay = parameters.Where(p => p.Dim() < 2).ToList();
        ParamGroup[] groups =
        [
            new(decay, new Dictionary<string, object> { ["weight_decay"] = weightDecay }),
            new(noDecay, new Dictionary<string, object> { ["weight_decay"] = 0.0 }),
        ];
        return new AdamW(groups, lr: learningRate, betas: betas);
    }

    /// <summary>Trains the tiny GPT as the Python case does and records the same values.</summary>
    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        var chars = Text.Distinct().Order().ToList();
        int vocab = chars.Count;
        var ids = Torch.Tensor(Text.Select(c => (long)chars.IndexOf(c)).ToArray());
        var x = Torch.Stack(Enumerable.Range(0, Batch).Select(i => ids[(i * 9)..(i * 9 + Block)]).ToArray());
        var y = Torch.Stack(Enumerable.Range(0, Batch).Select(i => ids[(i * 9 + 1)..(i * 9 + Block + 1)]).ToArray());
        var model = new TinyGPT(vocab);
        foreach (var (name, p) in model.NamedParameters()) rec.Record("init", name, p);
        var opt = ConfigureOptimizers(model, weightDecay: 0.1, learningRate: 1e-2, betas: (0.9, 0.95));
        for (int step = 0; step < Steps; step++)
        {
            opt.ZeroGrad();
            var logits = model.Forward(x);
            var loss = Functional.CrossEntropy(logits.Reshape(-1, vocab), y.Reshape(-1));
            loss.Backward();
            rec.Record("loss", "loss", loss, step: step);
            if (step == 0)
                foreach (var (name, p) in model.NamedParameters()) rec.Record("first_grads", name, p.Grad!);
            opt.Step();
        }
        foreach (var (name, p) in model.NamedParameters()) rec.Record("final", name, p);
        using (Torch.NoGrad())
        {
            rec.Record("final", "logits", model.Forward(x));
            var context = new List<long> { chars.IndexOf('t') };
            for (int i = 0; i < 10; i++)
            {
                var window = Torch.Tensor(new[] { context.TakeLast(Block).ToArray() }.To2D());
                long next = (long)model.Forward(window)[0, -1].Argmax().Item();
                context.Add(next);
            }
            rec.Record("sample", "ids", Torch.Tensor(context.ToArray()));
        }
    }

    static long[,] To2D(this long[][] rows)
    {
        var result = new long[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) result[i, j] = rows[i][j];
        return result;
    }
}

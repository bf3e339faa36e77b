using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/char_lstm_lm.py.</summary>
public static class CharLstmLm
{
    const string Text = "hello world, hello bridge. the quick brown fox jumps over the lazy dog; hello again.";
    const int Steps = 6;
    const int Batch = 4, Seq = 12;

    sealed class CharLSTM(int vocab, int embed = 8, int hidden = 16) : Module
    {
        public Embedding Embed { get; } = new(vocab, embed);
        public LSTM Lstm { get; } = new(embed, hidden, numLayers: 2, batchFirst: true);
        public Linear Head { get; } = new(hidden, vocab);

        public (Tensor Logits, (Tensor H, Tensor C) State) Forward(Tensor x, (Tensor H, Tensor C)? state = null)
        {
            var (output, newState) = Lstm.Forward(Embed.Forward(x), state);
            return (Head.Forward(output), newState);
        }
    }

    public static void Run(Recorder rec)
    {
        Torch.ManualSeed(0);
        var chars = Text.Distinct().Order().ToList();
        int vocab = chars.Count;
        var ids = Torch.Tensor(Text.Select(c => (long)chars.IndexOf(c)).ToArray());
        var x = Torch.Stack(Enumerable.Range(0, Batch).Select(i => ids[(i * Seq)..(i * Seq + Seq)]).ToArray());
        var y = Torch.Stack(Enumerable.Range(0, Batch).Select(i => ids[(i * Seq + 1)..(i * Seq + Seq + 1)]).ToArray());
        var model = new CharLSTM(vocab);
        foreach (var (name, p) in model.NamedParameters()) rec.Record("init", name, p);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        for (int step = 0; step < Steps; step++)
        {
            opt.ZeroGrad();
            var (logits, _) = model.Forward(x);
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
            var (logits, (h, c)) = model.Forward(x);
            rec.Record("final", "logits", logits);
            rec.Record("final", "h", h);
            rec.Record("final", "c", c);
            var token = Torch.Tensor(new long[,] { { chars.IndexOf('h') } });
            (Tensor H, Tensor C)? state = null;
            var sampled = new List<long>();
            for (int i = 0; i < 12; i++)
            {
                var (output, newState) = model.Forward(token, state);
                state = newState;
                long next = (long)output[0, -1].Argmax().Item();
                sampled.Add(next);
                token = Torch.Tensor(new long[,] { { next } });
            }
            rec.Record("sample", "ids", Torch.Tensor(sampled.ToArray()));
        }
    }
}

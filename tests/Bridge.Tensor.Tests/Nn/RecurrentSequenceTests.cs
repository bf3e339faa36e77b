using System.Globalization;
using Bridge.Autograd;
using Bridge.Nn;
using Bridge.Tests.Io;

namespace Bridge.Tests.Nn;

/// <summary>
/// The fused LSTM/GRU layer (one autograd node per direction, vectorised gates): values and gradients against torch
/// 1.13 at a hidden size that meets the vector loops and their tails, float64 finite differences there, and a second
/// derivative (create_graph), which the fused node computes by rebuilding the step-by-step graph.
/// </summary>
[TestClass]
public sealed class RecurrentSequenceTests
{
    // Deterministic values both sides can build: 0.3 + 0.7·sin(1.7·i + phase) · scale.
    static double[] Values(int n, double phase, double scale)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (0.3 + 0.7 * Math.Sin(1.7 * i + phase)) * scale;
        return v;
    }

    static Tensor Make(DType dtype, double phase, double scale, params int[] shape) =>
        Torch.Tensor(Values(shape.Aggregate(1, (a, b) => a * b), phase, scale), dtype).Reshape(shape);

    const string TorchScript = """
import sys, math, torch
mode, T, B, I, H = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def make(phase, scale, *shape):
    n = math.prod(shape)
    return torch.tensor([(0.3 + 0.7 * math.sin(1.7 * i + phase)) * scale for i in range(n)], dtype=torch.float64).float().reshape(shape)
G = 4 if mode == "lstm" else 3
cls = torch.nn.LSTM if mode == "lstm" else torch.nn.GRU
m = cls(I, H, bidirectional=True)
with torch.no_grad():
    for k, (name, p) in enumerate(m.named_parameters()):
        p.copy_(make(0.5 + k, 0.25, *p.shape))
x = make(0.1, 1.0, T, B, I).requires_grad_()
h0 = make(0.2, 0.5, 2, B, H).requires_grad_()
args = (h0, make(0.3, -0.5, 2, B, H).requires_grad_()) if mode == "lstm" else h0
out, state = m(x, args)
w = make(0.9, 1.0, T, B, 2 * H)
loss = (out * w).sum() + (state[0] * 0.7).sum() + (state[1] * 0.3).sum() if mode == "lstm" else (out * w).sum() + (state * 0.7).sum()
loss.backward()
tensors = [out] + ([state[0], state[1]] if mode == "lstm" else [state]) + [x.grad, h0.grad] + (
    [args[1].grad] if mode == "lstm" else []) + [p.grad for p in m.parameters()]
for t in tensors:
    print(" ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist()))
""";

    static void MatchesTorch(RnnMode mode)
    {
        PythonProcess.RequireTorch();
        const int T = 4, B = 3, I = 5, H = 21; // 21: two 8-float vectors per row of H, then a 5-element tail
        bool lstm = mode == RnnMode.Lstm;
        RNNBase m = lstm ? new LSTM(I, H, bidirectional: true) : new GRU(I, H, bidirectional: true);
        using (GradMode.Set(false))
        {
            int k = 0;
            foreach (var p in m.Parameters()) p.Copy_(Make(DType.Float64, 0.5 + k++, 0.25, Array.ConvertAll(p.Shape.ToArray(), d => (int)d)).To(DType.Float32));
        }
        var x = Make(DType.Float64, 0.1, 1.0, T, B, I).To(DType.Float32).RequiresGrad_();
        var h0 = Make(DType.Float64, 0.2, 0.5, 2, B, H).To(DType.Float32).RequiresGrad_();
        var c0 = Make(DType.Float64, 0.3, -0.5, 2, B, H).To(DType.Float32).RequiresGrad_();
        var w = Make(DType.Float64, 0.9, 1.0, T, B, 2 * H).To(DType.Float32);
        var (output, h, c) = Functional.Rnn(mode, x, h0, lstm ? c0 : null, m.FlatWeights, true, 1, 0, false, true, false);
        var loss = (output * w).Sum() + (h * 0.7).Sum();
        if (lstm) loss = loss + (c! * 0.3).Sum();
        loss.Backward();
        var ours = new List<Tensor> { output, h };
        if (lstm) ours.Add(c!);
        ours.AddRange([x.Grad!, h0.Grad!]);
        if (lstm) ours.Add(c0.Grad!);
        ours.AddRange(m.Parameters().Select(p => p.Grad!));
        var lines = PythonProcess.Check(TorchScript, lstm ? "lstm" : "gru", "4", "3", "5", "21").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(ours.Count, lines.Length);
        for (int t = 0; t < ours.Count; t++)
        {
            var expected = lines[t].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var actual = ours[t].To(DType.Float64).Reshape(-1).ToArray<double>();
            Assert.AreEqual(expected.Length, actual.Length, $"tensor {t}");
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], actual[i], 2e-5 + 2e-5 * Math.Abs(expected[i]), $"tensor {t}, element {i}");
        }
    }

    [TestMethod] public void Lstm_Bidirectional_H21_MatchesTorch() => MatchesTorch(RnnMode.Lstm);
    [TestMethod] public void Gru_Bidirectional_H21_MatchesTorch() => MatchesTorch(RnnMode.Gru);

    // Float64 finite differences at H = 9: two 4-double vectors (one 8-element sigmoid step) and a one-element tail.
    static void FiniteDifferences(RnnMode mode)
    {
        int h = 9, g = Functional.GateCount(mode) * h;
        bool lstm = mode == RnnMode.Lstm;
        var wIh = Make(DType.Float64, 1.1, 0.4, g, 2);
        var bIh = Make(DType.Float64, 1.3, 0.2, g);
        var inputs = new[] { Make(DType.Float64, 0.1, 1.0, 3, 2, 2), Make(DType.Float64, 0.2, 0.5, 1, 2, h), Make(DType.Float64, 0.3, -0.5, 1, 2, h),
            Make(DType.Float64, 1.2, 0.3, g, h), Make(DType.Float64, 1.4, -0.2, g) };
        var problem = GradCheck.Check(t =>
        {
            var (output, hN, cN) = Functional.Rnn(mode, t[0], t[1], lstm ? t[2] : null, [wIh, t[3], bIh, t[4]], true, 1, 0, false, false, false);
            var sum = (output * output).Sum() + (hN * 0.7).Sum();
            return cN is null ? sum : sum + (cN * 0.3).Sum();
        }, inputs);
        Assert.IsNull(problem, problem);
    }

    [TestMethod] public void Lstm_H9_GradCheck() => FiniteDifferences(RnnMode.Lstm);
    [TestMethod] public void Gru_H9_GradCheck() => FiniteDifferences(RnnMode.Gru);

    // create_graph through the fused node: s(W) = Σ v·∂L/∂W_hh, differentiated by a second backward, against central
    // differences of s, each side computed with a first-order backward.
    static void SecondDerivative(RnnMode mode)
    {
        int h = 2, g = Functional.GateCount(mode) * h;
        bool lstm = mode == RnnMode.Lstm;
        var wIh = Make(DType.Float64, 1.1, 0.4, g, 2);
        var c0 = Make(DType.Float64, 0.3, -0.5, 1, 2, h);
        var x = Make(DType.Float64, 0.1, 1.0, 3, 2, 2);
        var v = Make(DType.Float64, 0.7, 1.0, g, h);
        Tensor FirstGradient(Tensor w, bool createGraph)
        {
            var (output, _, _) = Functional.Rnn(mode, x, null, lstm ? c0 : null, [wIh, w], false, 1, 0, false, false, false);
            return Torch.Autograd.Grad([(output * output).Sum()], [w], createGraph: createGraph)[0]!;
        }
        var w0 = Make(DType.Float64, 1.2, 0.3, g, h).RequiresGrad_();
        var analytic = Torch.Autograd.Grad([(FirstGradient(w0, true) * v).Sum()], [w0])[0]!.ToArray<double>();
        var w = w0.Detach().ToArray<double>();
        const double eps = 1e-6;
        for (int i = 0; i < w.Length; i++)
        {
            double Side(double delta)
            {
                var shifted = (double[])w.Clone();
                shifted[i] += delta;
                var wi = Torch.Tensor(shifted, DType.Float64).Reshape(g, h).RequiresGrad_();
                return (FirstGradient(wi, false) * v).Sum().Item();
            }
            double numeric = (Side(eps) - Side(-eps)) / (2 * eps);
            Assert.AreEqual(numeric, analytic[i], 1e-5 + 1e-4 * Math.Abs(numeric), $"element {i}");
        }
    }

    [TestMethod] public void Lstm_CreateGraph_SecondDerivative_GradCheck() => SecondDerivative(RnnMode.Lstm);
    [TestMethod] public void Gru_CreateGraph_SecondDerivative_GradCheck() => SecondDerivative(RnnMode.Gru);
}

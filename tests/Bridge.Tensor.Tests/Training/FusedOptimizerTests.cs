using System.Globalization;
using Bridge.Optim;
using Bridge.Tests.Io;

namespace Bridge.Tests.Training;

/// <summary>
/// The one-pass Adam/AdamW update (FusedAdam) over a parameter long enough for its vector loop and tail, bit for bit
/// against torch 1.13 after ten steps (OptimizerTests covers the small parameters and every optimizer's options).
/// </summary>
[TestClass]
public sealed class FusedOptimizerTests
{
    const int N = 1003; // 125 vectors of 8 floats and a 3-element tail

    const string TorchScript = """
import sys, math, torch
name, wd, maximize = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
p = torch.tensor([math.sin(0.37 * i) * 2.0 for i in range(1003)], dtype=torch.float64).float().requires_grad_()
opt = getattr(torch.optim, name)([p], lr=0.01, weight_decay=wd, maximize=maximize)
for step in range(10):
    with torch.no_grad():
        p.grad = p.detach() * 0.5 + torch.tensor([math.cos(0.11 * i + step) for i in range(1003)], dtype=torch.float64).float()
    opt.step()
print(" ".join(repr(float(v)) for v in p.detach().tolist()))
""";

    static void MatchesTorch(string name, double weightDecay, bool maximize)
    {
        PythonProcess.RequireTorch();
        var p = Torch.Tensor(Enumerable.Range(0, N).Select(i => Math.Sin(0.37 * i) * 2.0).ToArray(), DType.Float64).To(DType.Float32).RequiresGrad_();
        Optimizer opt = name == "Adam" ? new Adam([p], lr: 0.01, weightDecay: weightDecay, maximize: maximize)
            : new AdamW([p], lr: 0.01, weightDecay: weightDecay, maximize: maximize);
        for (int step = 0; step < 10; step++)
        {
            var c = Torch.Tensor(Enumerable.Range(0, N).Select(i => Math.Cos(0.11 * i + step)).ToArray(), DType.Float64).To(DType.Float32);
            using (Bridge.Autograd.GradMode.Set(false)) p.Grad = p.Detach() * 0.5 + c;
            opt.Step();
        }
        var expected = PythonProcess.Check(TorchScript, name, weightDecay.ToString(CultureInfo.InvariantCulture), maximize ? "1" : "0")
            .Trim().Split(' ').Select(s => (float)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        CollectionAssert.AreEqual(expected, p.ToArray<float>(), $"{name} wd={weightDecay} maximize={maximize}");
    }

    [TestMethod] public void Adam_L2_MatchesTorchBitwise() => MatchesTorch("Adam", 0.1, false);
    [TestMethod] public void Adam_Maximize_MatchesTorchBitwise() => MatchesTorch("Adam", 0, true);
    [TestMethod] public void AdamW_MatchesTorchBitwise() => MatchesTorch("AdamW", 0.1, false);
}

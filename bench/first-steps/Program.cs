// The first 1,000 training steps of a fresh process against 1,000 steps once warm: a 784-256-10 MLP on a batch of
// 64 (forward, cross-entropy, backward, SGD), as bench/Bridge.Bench's mlp_step. The first block includes building
// the model, so it is what a user waits for after `dotnet run`; the warm block is steps 2,001-3,000.
// Prints one JSON line; bench/first-steps/run.sh runs it as each variant (JIT only, ReadyToRun package).
using System.Diagnostics;
using Bridge;
using Bridge.Nn;
using Bridge.Optim;

const int Steps = 1000;
var clock = Stopwatch.StartNew();
Torch.ManualSeed(0);
var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
var opt = new SGD(model.Parameters(), lr: 0.01);
var lossFn = new CrossEntropyLoss();
var x = Torch.Randn(64, 784);
var y = Torch.Randint(0, 10, [64]);

double first = Block();
long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();   // methods the JIT compiled so far (all tiers)
Block();
double steady = Block();
var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
Console.WriteLine($"{{\"first_s\": {first:F4}, \"steady_s\": {steady:F4}, \"process_s\": {sinceStart.TotalSeconds:F3}, \"jitted_methods_first\": {jitted}}}");

double Block()
{
    for (int i = 0; i < Steps; i++)
    {
        opt.ZeroGrad();
        lossFn.Call(model.Forward(x), y).Backward();
        opt.Step();
    }
    double seconds = clock.Elapsed.TotalSeconds;
    clock.Restart();
    return seconds;
}

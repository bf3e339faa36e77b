using System.Globalization;
using System.Text.RegularExpressions;
using Bridge;
using Bridge.Bench;

// Usage: Bridge.Bench [--threads N] [--only REGEX] [--list] [--peak-memory STEPS] | --pool-probe [--only REGEX]
// Prints one JSON object per workload: {"runtime": "bridge-cs", "workload": ..., "threads": N, "value": ..., "unit": ...}
// --peak-memory STEPS: for the model-step workloads only, the peak memory of STEPS steps (MiB above the resident set
// before them) instead of the time per step.
int threads = 1;
int peakSteps = 0;
Regex? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--only": only = new Regex(args[++i]); break;
        case "--pool-probe":
            only = i + 2 < args.Length && args[i + 1] == "--only" ? new Regex(args[i + 2]) : null;
            ThreadProbe.Run(only);
            return 0;
        case "--peak-memory": peakSteps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--list":
            foreach (var w in Workloads.All()) Console.WriteLine(w.Name);
            return 0;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
Torch.SetNumThreads(threads);
foreach (var (name, timed, timedUnit) in Workloads.All())
{
    if (only is not null && !only.IsMatch(name)) continue;
    var (run, unit) = (timed, timedUnit);
    if (peakSteps > 0)
    {
        if (!name.EndsWith("_step", StringComparison.Ordinal) || name == "mlp_step") continue;
        string model = name[..^"_step".Length];
        (run, unit) = (() => Models.PeakMemoryMiB(model, peakSteps), "MiB");
    }
    double value;
    try { value = run(); }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{name}: {e.GetType().Name}: {e.Message}");
        continue;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"runtime\": \"bridge-cs\", \"workload\": \"{name}\", \"threads\": {threads}, \"value\": {value:R}, \"unit\": \"{unit}\"}}"));
    GC.Collect();
}
return 0;

using System.Globalization;
using System.Text.RegularExpressions;
using Bridge;
using Bridge.Bench;

// Usage: Bridge.Bench [--threads N] [--only REGEX] [--list]
// Prints one JSON object per workload: {"runtime": "bridge-cs", "workload": ..., "threads": N, "value": ..., "unit": ...}
int threads = 1;
Regex? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--only": only = new Regex(args[++i]); break;
        case "--list":
            foreach (var w in Workloads.All()) Console.WriteLine(w.Name);
            return 0;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
Torch.SetNumThreads(threads);
foreach (var (name, run, unit) in Workloads.All())
{
    if (only is not null && !only.IsMatch(name)) continue;
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

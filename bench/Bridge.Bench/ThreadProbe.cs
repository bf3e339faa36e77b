using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Bridge.Bench;

/// <summary>
/// <c>Bridge.Bench --pool-probe [--only REGEX]</c>: what a second CPU thread costs and buys (issue #22). Prints the round
/// trip of an empty two-chunk <c>CpuThreads.For</c> (back to back, and after the workers have gone idle), then for each
/// model step, at 1 and 2 threads interleaved in this one process, the wall and CPU time per step (CPU time is all
/// threads' user+sys from CLOCK_PROCESS_CPUTIME_ID, readable on a loaded machine where wall time at 2 threads is not)
/// and which kernels split their work, how often per step.
/// </summary>
static class ThreadProbe
{
    static readonly Type Pool = typeof(Torch).Assembly.GetType("Bridge.Backends.Cpu.CpuThreads", throwOnError: true)!;
    static readonly Action<int, Action<int>> For = Pool.GetMethod("For", BindingFlags.Public | BindingFlags.Static)!
        .CreateDelegate<Action<int, Action<int>>>();

    /// <summary>Runs the probe; the model steps whose name matches <paramref name="only"/> (all four when null).</summary>
    public static void Run(System.Text.RegularExpressions.Regex? only)
    {
        Torch.SetNumThreads(2);
        Console.WriteLine(Line("empty For(2) back to back", RoundTripMicroseconds(0), "us"));
        Console.WriteLine(Line("empty For(2) after 1 ms idle", RoundTripMicroseconds(1), "us"));
        foreach (var model in new[] { "mlp", "lenet", "char_lstm", "tiny_gpt" })
        {
            if (only is not null && !only.IsMatch(model + "_step")) continue;
            Action step = model == "mlp" ? Workloads.MlpStepAction() : Models.Build(model);
            for (int warm = 0; warm < 60; warm++) step();
            foreach (int round in new[] { 0, 1 })
                foreach (int threads in new[] { 1, 2 })
                {
                    Torch.SetNumThreads(threads);
                    var splits = new Dictionary<string, int>();
                    for (int i = 0; i < 3; i++) step();
                    int steps = 0;
                    double cpu0 = CpuSeconds(), callerCpu0 = ThreadCpuSeconds();
                    var sw = Stopwatch.StartNew();
                    SetObserver(splits);
                    for (; sw.Elapsed.TotalSeconds < 0.6 || steps < 5; steps++) step();
                    SetObserver(null);
                    double wall = sw.Elapsed.TotalSeconds, cpu = CpuSeconds() - cpu0, callerCpu = ThreadCpuSeconds() - callerCpu0;
                    string top = string.Join(", ", splits.OrderByDescending(p => p.Value).Take(6)
                        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / (double)steps:0.#}")));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{model,-10} round {round} threads {threads}: wall {wall / steps * 1e3,8:F3} ms  cpu {cpu / steps * 1e3,8:F3} ms  caller cpu {callerCpu / steps * 1e3,8:F3} ms  splits/step {splits.Values.Sum() / (double)steps,6:F1}  [{top}]"));
                }
            GC.Collect();
        }
    }

    static string Line(string what, double value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{what}: {value:F2} {unit}");

    /// <summary>
    /// Median µs of a two-chunk For whose first chunk (the caller's) waits until another thread has taken the second:
    /// the hand-off's cost, each call preceded by <paramref name="idleMs"/> ms of sleep (workers gone idle).
    /// A call where no other thread took chunk 1 within 2 ms counts as 2000 µs.
    /// </summary>
    static double RoundTripMicroseconds(int idleMs)
    {
        int calls = idleMs == 0 ? 5000 : 300;
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            if (idleMs > 0) Thread.Sleep(idleMs);
            int taken = 0;
            long t0 = Stopwatch.GetTimestamp();
            For(2, c =>
            {
                if (c == 1) { Volatile.Write(ref taken, 1); return; }
                while (Volatile.Read(ref taken) == 0 && Stopwatch.GetElapsedTime(t0).TotalMilliseconds < 2) Thread.SpinWait(10);
            });
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(times);
        return times[calls / 2];
    }

    static void SetObserver(Dictionary<string, int>? splits)
    {
        var field = Pool.GetField("Observer", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
        if (field is null) return;
        Action<int, Delegate>? observer = splits is null ? null : (chunks, body) =>
        {
            string name = body.Method.DeclaringType?.DeclaringType?.Name ?? body.Method.DeclaringType?.Name ?? "?";
            name = name.Split('`')[0];
            splits[name] = splits.GetValueOrDefault(name) + 1;
        };
        field.SetValue(null, observer);
    }

    static double CpuSeconds() => ClockSeconds(2);        // CLOCK_PROCESS_CPUTIME_ID
    static double ThreadCpuSeconds() => ClockSeconds(3);  // CLOCK_THREAD_CPUTIME_ID

    static double ClockSeconds(int clock)
    {
        ClockGettime(clock, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGettime(int clock, out TimeSpec ts);
}

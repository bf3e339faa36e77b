using System.Diagnostics;
using System.Globalization;
using Bridge;
using Bridge.Io;

// Puts a rows x cols float32 tensor in /dev/shm/<name> (laid out as a .npy file), fills it in place, runs the NumPy
// consumer on the same bytes, then checks that the consumer's write to row 0 shows in the tensor. No copies either way.
//   dotnet run --project examples/shared_memory/Producer -c Release -- [--name N] [--rows R] [--cols C] [--python P]
string name = "bridge-shm-example", python = "/usr/bin/python3";
int rows = 4096, cols = 4096;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--name": name = Next(); break;
        case "--rows": rows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--cols": cols = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--python": python = Next(); break;
        default:
            Console.Error.WriteLine("usage: SharedMemoryProducer [--name N] [--rows R] [--cols C] [--python /usr/bin/python3]");
            return 2;
    }
}

var clock = Stopwatch.StartNew();
using var shared = SharedTensor.Create(name, [rows, cols], DType.Float32, overwrite: true);
try
{
    var t = shared.Tensor;
    // t[i, j] = i + j / cols: exact in float32 while rows * cols <= 2^24 (the default 4096 x 4096 is exactly that).
    t.Copy_(Torch.Arange(0.0, rows).Reshape(rows, 1));
    t.Add_(Torch.Arange(0.0, cols) / cols);
    double expected = (double)cols * rows * (rows - 1) / 2 + (double)rows * (cols - 1) / 2;
    Console.WriteLine(FormattableString.Invariant(
        $"producer: wrote {rows}x{cols} float32 ({(double)rows * cols * 4 / (1 << 20):0.#} MiB) to {shared.Path} (data at byte {shared.DataOffset}) in {clock.Elapsed.TotalMilliseconds:0} ms; expected sum {expected:R}"));

    string consumer = Path.Combine(AppContext.BaseDirectory, "consumer.py");
    var psi = new ProcessStartInfo(python) { UseShellExecute = false };
    psi.ArgumentList.Add(consumer);
    psi.ArgumentList.Add(shared.Path);
    psi.ArgumentList.Add(expected.ToString("R", CultureInfo.InvariantCulture));
    using (var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}"))
    {
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"producer: consumer exited {p.ExitCode}");
            return 1;
        }
    }

    // The consumer set row 0 to -1 through its own mapping; this tensor sees it without reloading anything.
    double row0 = t[0].Sum().Item();
    bool ok = row0 == -cols;
    Console.WriteLine(FormattableString.Invariant($"producer: row 0 now sums to {row0} ({(ok ? "the consumer's write is visible" : "UNEXPECTED")})"));
    return ok ? 0 : 1;
}
finally
{
    shared.Unlink();
}

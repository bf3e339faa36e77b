// Conversion time C# <-> NumPy for 4 B .. 64 MiB of float32, three ways, side by side in one run:
//   PyBridge      zero-copy views (ToNumPy / FromNumPy)
//   pythonnet     what plain pythonnet does: np.array(float[]) and ndarray.tolist().As<float[]>() (element by element)
//   Marshal.Copy  what Numpy.NET-style wrappers do: a fresh ndarray / float[] and one memcpy
// Each cell is the median of repeated calls (at least 3, at most 200, about 0.2 s per cell); a pythonnet cell
// is skipped once a smaller size took over a second per call (it grows linearly: the table says so).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Bridge;
using Bridge.Python;
using Python.Runtime;

PyBridge.Initialize();
long[] sizes = [4, 64, 1 << 10, 16 << 10, 256 << 10, 4 << 20, 64 << 20];
var skip = new HashSet<string>();

Console.WriteLine("| bytes | direction | PyBridge | pythonnet plain | Marshal.Copy |");
Console.WriteLine("|---:|---|---:|---:|---:|");
using (Py.GIL())
{
    using var np = Py.Import("numpy");
    using var float32 = np.GetAttr("float32");
    foreach (long bytes in sizes)
    {
        int n = (int)(bytes / 4);
        var tensor = Torch.Ones([n], DType.Float32);
        var managed = new float[n];
        Array.Fill(managed, 1f);
        using var array = np.InvokeMethod("ones", new PyInt(n), float32);
        nint arrayData = ArrayData(array);

        // C# -> NumPy
        string toBridge = Time(() => PyBridge.ToNumPy(tensor).Dispose());
        string toPlain = Plain("to", bytes, () =>
        {
            using var clr = managed.ToPython();
            np.InvokeMethod("array", clr, float32).Dispose();
        });
        string toCopy = Time(() =>
        {
            using var fresh = np.InvokeMethod("empty", new PyInt(n), float32);
            Marshal.Copy(managed, 0, ArrayData(fresh), n);
        });
        Console.WriteLine($"| {Bytes(bytes)} | C# → NumPy | {toBridge} | {toPlain} | {toCopy} |");

        // NumPy -> C#
        string fromBridge = Time(() => PyBridge.FromNumPy(array).Storage.Dispose());
        string fromPlain = Plain("from", bytes, () =>
        {
            using var list = array.InvokeMethod("tolist"); // pythonnet cannot convert numpy.float32 items directly
            list.As<float[]>();
        });
        string fromCopy = Time(() =>
        {
            var copy = new float[n];
            Marshal.Copy(ArrayData(array), copy, 0, n);
        });
        Console.WriteLine($"| {Bytes(bytes)} | NumPy → C# | {fromBridge} | {fromPlain} | {fromCopy} |");
    }
}

// The data address as a Numpy.NET-style wrapper reads it: through the array interface.
static nint ArrayData(PyObject array)
{
    using var iface = array.GetAttr("__array_interface__");
    using var data = iface["data"];
    return (nint)data[0].As<long>();
}

string Plain(string direction, long bytes, Action action)
{
    if (skip.Contains(direction)) return "(skipped: linear, > 1 s)";
    var sw = Stopwatch.StartNew();
    action();
    if (sw.Elapsed.TotalSeconds > 1) skip.Add(direction);
    return Time(action);
}

static string Time(Action action)
{
    action(); // warm-up
    var times = new List<double>();
    var total = Stopwatch.StartNew();
    while (times.Count < 3 || (times.Count < 200 && total.Elapsed.TotalSeconds < 0.2))
    {
        long start = Stopwatch.GetTimestamp();
        action();
        times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
    times.Sort();
    return Micros(times[times.Count / 2]);
}

static string Micros(double us) => us < 1000 ? us.ToString("F1", CultureInfo.InvariantCulture) + " µs"
    : (us / 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";

static string Bytes(long b) => b >= 1 << 20 ? $"{b >> 20} MiB" : b >= 1 << 10 ? $"{b >> 10} KiB" : $"{b} B";

using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Bridge.Random;

namespace Bridge.Tests.Random;

/// <summary>One recorded draw: a line of a Data/Rng/*.txt file written by parity/rng/record_rng.py.</summary>
internal sealed record RngStep(string Case, ulong Seed, string Op, string DType, string Values);

/// <summary>
/// Loads the torch recordings and replays them on <see cref="Generator"/>. Replay encodes our results
/// exactly as the recorder encodes torch's (hex of IEEE bits, decimal int64, hex state bytes, or a
/// SHA-256 of the little-endian bytes for large draws), so "equal strings" means "equal bits".
/// Kept free of MSTest types so a scratch console can run the same checks.
/// </summary>
internal static class RngReplay
{
    private static readonly Dictionary<string, List<RngStep>> s_files = new();

    /// <summary>Folder with the recordings; tests find it next to the test assembly.</summary>
    public static string DataDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "Data", "Rng");

    /// <summary>All lines of one recording file, in file order.</summary>
    public static IReadOnlyList<RngStep> Load(string file)
    {
        lock (s_files)
        {
            if (!s_files.TryGetValue(file, out var steps))
            {
                steps = new List<RngStep>();
                foreach (string line in File.ReadLines(Path.Combine(DataDirectory, file)))
                {
                    if (line.Length == 0 || line[0] == '#')
                    {
                        continue;
                    }
                    string[] f = line.Split('\t');
                    if (f.Length != 5)
                    {
                        throw new InvalidDataException($"{file}: expected 5 tab-separated fields in '{line[..Math.Min(80, line.Length)]}'");
                    }
                    steps.Add(new RngStep(f[0], ulong.Parse(f[1], CultureInfo.InvariantCulture), f[2], f[3], f[4]));
                }
                s_files[file] = steps;
            }
            return steps;
        }
    }

    /// <summary>Case names of a file, in file order.</summary>
    public static IReadOnlyList<string> CaseNames(string file) => Load(file).Select(s => s.Case).Distinct().ToList();

    /// <summary>The steps of one case, in draw order.</summary>
    public static IReadOnlyList<RngStep> Case(string file, string caseName)
    {
        var steps = Load(file).Where(s => s.Case == caseName).ToList();
        if (steps.Count == 0)
        {
            throw new ArgumentException($"{file} has no case '{caseName}'.", nameof(caseName));
        }
        return steps;
    }

    /// <summary>
    /// Seeds a fresh generator with the case's seed, replays every step and returns one message per
    /// mismatching step (empty when all bits match).
    /// </summary>
    public static List<string> Run(IReadOnlyList<RngStep> steps)
    {
        var errors = new List<string>();
        var g = new Generator().ManualSeed(steps[0].Seed);
        foreach (var step in steps)
        {
            string actual = Execute(g, step);
            if (actual != step.Values)
            {
                errors.Add($"{step.Case} [{step.Op} {step.DType}]: {Describe(step.Values, actual, step.DType)}");
            }
        }
        return errors;
    }

    /// <summary>Runs one op on <paramref name="g"/> and encodes the result like the recorder.</summary>
    public static string Execute(Generator g, RngStep step)
    {
        string[] a = step.Op.Split(' ');
        int N(int i) => int.Parse(a[i], CultureInfo.InvariantCulture);
        double D(int i) => double.Parse(a[i], CultureInfo.InvariantCulture);
        switch (a[0])
        {
            case "randint":
                {
                    var v = new long[N(1)];
                    g.FillRandint(v, long.Parse(a[2], CultureInfo.InvariantCulture), long.Parse(a[3], CultureInfo.InvariantCulture));
                    return EncodeInt64(v);
                }
            case "randperm":
                return EncodeInt64(g.Randperm(N(1)));
            case "state":
                return Convert.ToHexStringLower(g.GetState());
        }
        return step.DType switch
        {
            "float32" => Encode<float>(RunFloat<float>(g, a, N, D)),
            "float64" => Encode<double>(RunFloat<double>(g, a, N, D)),
            _ => throw new InvalidDataException($"unknown dtype {step.DType}"),
        };
    }

    private static T[] RunFloat<T>(Generator g, string[] a, Func<int, int> n, Func<int, double> d)
        where T : IBinaryFloatingPointIeee754<T>
    {
        switch (a[0])
        {
            case "rand":
                {
                    var v = new T[n(1)];
                    g.FillUniform<T>(v);
                    return v;
                }
            case "randn":
                {
                    var v = new T[n(1)];
                    g.FillNormal<T>(v);
                    return v;
                }
            case "uniform":
                {
                    var v = new T[n(1)];
                    g.FillUniform<T>(v, d(2), d(3));
                    return v;
                }
            case "normal":
                {
                    var v = new T[n(1)];
                    g.FillNormal<T>(v, d(2), d(3));
                    return v;
                }
            case "bernoulli":
                {
                    var v = new T[n(1)];
                    g.FillBernoulli<T>(v, d(2));
                    return v;
                }
            case "bernoulli_t":
                {
                    var v = new T[n(1)];
                    g.FillBernoulli<T>(v, Probabilities<T>(v.Length));
                    return v;
                }
            case "dropout_mask":
                {
                    // nn.Dropout on CPU: mask = bernoulli_(1 - p), kept where the mask is 1.
                    var v = new T[n(1)];
                    g.FillBernoulli<T>(v, 1 - d(2));
                    return v;
                }
            case "linear":
                {
                    int inF = n(1), outF = n(2);
                    var v = new T[inF * outF + outF];
                    LinearInit.Fill<T>(v.AsSpan(0, inF * outF), v.AsSpan(inF * outF), inF, g);
                    return v;
                }
            default:
                throw new InvalidDataException($"unknown op {string.Join(' ', a)}");
        }
    }

    /// <summary>The recorder's per-element probabilities: (i * 7 % 13) / 12 in double, cast to T.</summary>
    public static T[] Probabilities<T>(int n) where T : IBinaryFloatingPointIeee754<T>
    {
        var p = new T[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = T.CreateTruncating(i * 7 % 13 / 12.0);
        }
        return p;
    }

    private const int HashAbove = 4096; // same threshold as record_rng.py

    public static string Encode<T>(T[] values) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        byte[] raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray(); // little-endian on every .NET target we run
        string[] hex = values.Select(HexBits).ToArray();
        return Finish(raw, hex);
    }

    private static string EncodeInt64(long[] values)
    {
        byte[] raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        return Finish(raw, values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    private static string Finish(byte[] raw, string[] items) => items.Length > HashAbove
        ? $"sha256:{Convert.ToHexStringLower(SHA256.HashData(raw))}|{string.Join(',', items.Take(8))}"
        : string.Join(',', items);

    public static string HexBits<T>(T value) where T : IBinaryFloatingPointIeee754<T> => value switch
    {
        float f => BitConverter.SingleToUInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture),
        double x => BitConverter.DoubleToUInt64Bits(x).ToString("x16", CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException(typeof(T).Name),
    };

    /// <summary>Decodes a recorded float list (hex bits) into values.</summary>
    public static double[] DecodeFloats(string values, string dtype) => values.Split(',')
        .Select(h => dtype == "float32"
            ? (double)BitConverter.UInt32BitsToSingle(uint.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            : BitConverter.UInt64BitsToDouble(ulong.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
        .ToArray();

    /// <summary>A readable mismatch: first differing index, counts and the largest ULP distance.</summary>
    private static string Describe(string expected, string actual, string dtype)
    {
        if (expected.StartsWith("sha256:", StringComparison.Ordinal) || actual.StartsWith("sha256:", StringComparison.Ordinal)
            || dtype is not ("float32" or "float64"))
        {
            return $"expected {Shorten(expected)} but got {Shorten(actual)}";
        }
        string[] e = expected.Split(','), x = actual.Split(',');
        if (e.Length != x.Length)
        {
            return $"expected {e.Length} values but got {x.Length}";
        }
        int first = -1, count = 0;
        long maxUlp = 0;
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] == x[i])
            {
                continue;
            }
            count++;
            if (first < 0)
            {
                first = i;
            }
            long be = long.Parse(e[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long bx = long.Parse(x[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            maxUlp = Math.Max(maxUlp, Math.Abs(be - bx)); // same-sign values: bit distance = ULP distance
        }
        return $"{count}/{e.Length} values differ (first at [{first}]: expected {e[first]} got {x[first]}; max {maxUlp} ULP)";
    }

    private static string Shorten(string s) => s.Length > 120 ? s[..120] + "..." : s;
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>
/// Deterministic mutation fuzzing of every reader (.npy, .npz, .safetensors, torch .pt): valid files of each format get random bit flips, truncations,
/// insertions, deletions, length-field and header-text edits; each load must either succeed or throw
/// <see cref="TensorFileException"/>, never anything else, and never return more data than the input could hold.
/// Bounded by iteration count and by time (about 3 s on a loaded machine).
/// </summary>
[TestClass]
public sealed class FuzzTests
{
    const int Iterations = 60000;
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    sealed record Seed(string Name, byte[] Bytes, Func<Stream, IEnumerable<Tensor>> Load, int LengthFieldOffset, int LengthFieldSize);

    static byte[] Bytes(Action<Stream> write)
    {
        var s = new MemoryStream();
        write(s);
        return s.ToArray();
    }

    static IEnumerable<Tensor> One(Tensor t) => [t];

    static List<Seed> Seeds()
    {
        var matrix = Torch.Arange(0.0, 6.0).Reshape(2, 3);
        var ints = Torch.Arange(12).Reshape(3, 4).T();
        var npyF4 = Bytes(s => Npy.Write(s, matrix));
        var npyFortran = Bytes(s => Npy.Write(s, ints));
        var npyU1 = Bytes(s => Npy.Write(s, Torch.Arange(10), FileDType.UInt8));
        var npyScalar = Bytes(s => Npy.Write(s, Torch.Tensor(2.5, DType.Float64)));
        // Version 2.0 and 3.0 of the same file: 4-byte header length.
        var npyV2 = npyF4.Take(6).Concat(new byte[] { 2, 0 }).Concat(BitConverter.GetBytes((uint)(npyF4.Length - 10 - 24))).Concat(npyF4.Skip(10)).ToArray();
        var npyV3 = (byte[])npyV2.Clone();
        npyV3[6] = 3;
        var members = new OrderedDictionary<string, Tensor> { ["w"] = matrix, ["i"] = ints, ["b"] = Torch.Tensor(new[] { true, false }) };
        Func<Stream, IEnumerable<Tensor>> npz = s => Npz.Read(s).Values;
        Func<Stream, IEnumerable<Tensor>> st = s => SafeTensors.Read(s).Values;
        Func<Stream, IEnumerable<Tensor>> pt = s => TorchCheckpoint.ReadTensors(s).Values;
        var nested = new OrderedDictionary<string, object?>
        {
            ["model"] = new OrderedDictionary<string, Tensor> { ["w"] = matrix, ["row"] = matrix[1], ["t"] = matrix.T() },
            ["epoch"] = 3,
            ["loss"] = 0.5,
            ["list"] = new List<object?> { ints, Torch.Tensor(new[] { true, false }), "x", null },
        };
        return
        [
            new("npy f4", npyF4, s => One(Npy.Read(s)), 8, 2),
            new("npy fortran i8", npyFortran, s => One(Npy.Read(s)), 8, 2),
            new("npy u1", npyU1, s => One(Npy.Read(s)), 8, 2),
            new("npy 0-d f8", npyScalar, s => One(Npy.Read(s)), 8, 2),
            new("npy v2", npyV2, s => One(Npy.Read(s)), 8, 4),
            new("npy v3", npyV3, s => One(Npy.Read(s)), 8, 4),
            new("npz stored", Bytes(s => Npz.Write(s, members)), npz, -1, 0),
            new("npz deflated", Bytes(s => Npz.Write(s, members, compress: true)), npz, -1, 0),
            new("safetensors", Bytes(s => SafeTensors.Write(s, members, new Dictionary<string, string> { ["format"] = "pt" },
                new Dictionary<string, FileDType> { ["i"] = FileDType.Int32 })), st, 0, 8),
            // torch checkpoints: the zip's first local header holds the pickle's sizes at 18..26
            new("pt state_dict", Bytes(s => TorchCheckpoint.Write(s, members)), pt, 18, 4),
            new("pt nested", Bytes(s => TorchCheckpoint.Write(s, nested)), pt, 22, 4),
        ];
    }

    static readonly string[] HeaderEdits = ["-1", "0", "99999999999", "4294967296", "2147483648", "(", ")", "[", "]", "'", "\"", ",", ":", "{", "}", "True", "L", " ", "\\"];

    static string Mutate(byte[] input, Seed seed, System.Random r, out byte[] output)
    {
        var bytes = new List<byte>(input);
        var applied = new List<string>();
        int count = r.Next(1, 4);
        for (int m = 0; m < count; m++)
        {
            int kind = r.Next(8);
            int at = bytes.Count == 0 ? 0 : r.Next(bytes.Count);
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << r.Next(8));
                    applied.Add($"flip@{at}");
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    applied.Add($"truncate@{at}");
                    break;
                case 2:
                    var insert = new byte[r.Next(1, 17)];
                    r.NextBytes(insert);
                    bytes.InsertRange(at, insert);
                    applied.Add($"insert{insert.Length}@{at}");
                    break;
                case 3:
                    int len = Math.Min(r.Next(1, 33), bytes.Count - at);
                    bytes.RemoveRange(at, len);
                    applied.Add($"delete{len}@{at}");
                    break;
                case 4 when seed.LengthFieldSize > 0 && bytes.Count >= seed.LengthFieldOffset + seed.LengthFieldSize:
                    ulong[] interesting = [0, 1, 7, 8, 64, 0xFFFF, 0xFFFFFFFF, ulong.MaxValue, (ulong)bytes.Count, (ulong)bytes.Count - 9, (ulong)r.Next()];
                    ulong value = interesting[r.Next(interesting.Length)];
                    var field = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(field, value);
                    for (int i = 0; i < seed.LengthFieldSize; i++) bytes[seed.LengthFieldOffset + i] = field[i];
                    applied.Add($"length={value}");
                    break;
                case 5:
                    // Replace a character of the header text (or near the start of a zip) with something a parser must survive.
                    int limit = Math.Min(bytes.Count, 200);
                    if (limit == 0) break;
                    int pos = r.Next(limit);
                    var edit = Encoding.ASCII.GetBytes(HeaderEdits[r.Next(HeaderEdits.Length)]);
                    bytes.RemoveAt(pos);
                    bytes.InsertRange(pos, edit);
                    applied.Add($"edit@{pos}={Encoding.ASCII.GetString(edit)}");
                    break;
                case 6 when bytes.Count > 0:
                    byte[] values = [0x00, 0xFF, 0x7F, 0x80, (byte)'0', (byte)'9'];
                    bytes[at] = values[r.Next(values.Length)];
                    applied.Add($"set@{at}");
                    break;
                case 7 when bytes.Count > 0:
                    int n = Math.Min(r.Next(1, 65), bytes.Count - at);
                    bytes.InsertRange(r.Next(bytes.Count), bytes.GetRange(at, n));
                    applied.Add($"dup{n}@{at}");
                    break;
            }
        }
        output = bytes.ToArray();
        return string.Join(",", applied);
    }

    [TestMethod]
    public void AllReaders_MutatedFiles_SucceedOrThrowTensorFileException()
    {
        var seeds = Seeds();
        foreach (var seed in seeds) Assert.IsNotEmpty(seed.Load(new MemoryStream(seed.Bytes)).ToList(), $"seed {seed.Name} loads");
        var r = new System.Random(20261122);
        var clock = Stopwatch.StartNew();
        int loaded = 0, rejected = 0, run = 0;
        for (; run < Iterations && clock.Elapsed < Budget; run++)
        {
            var seed = seeds[run % seeds.Count];
            string mutation = Mutate(seed.Bytes, seed, r, out var input);
            try
            {
                long bytes = seed.Load(new MemoryStream(input)).Sum(t => (long)t.Numel() * t.DType.ElementSize());
                // int8..int32 widen to int64 (up to 8x) and deflate expands, but nothing comes from nowhere.
                Assert.IsLessThanOrEqualTo(8L * 1032 * input.Length, bytes, $"{seed.Name} [{mutation}] returned more data than its input could hold");
                loaded++;
            }
            catch (TensorFileException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{seed.Name} [{mutation}] threw {e.GetType().Name} instead of TensorFileException: {e.Message}\ninput: {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}");
            }
        }
        Assert.IsGreaterThanOrEqualTo(500, run, $"only {run} mutations in {Budget}");
        Assert.IsGreaterThan(0, rejected);
        Console.WriteLine($"{run} mutated files in {clock.Elapsed.TotalSeconds:0.00} s: {loaded} loaded, {rejected} rejected with TensorFileException");
    }
}

using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Data cache sizes of the CPU this process runs on, per core (L1d, L2) and per L3 slice, read once at start: from
/// Linux's sysfs when it lists them, else from CPUID's deterministic cache leaves (Intel leaf 4, AMD 0x8000001D;
/// virtual machines often hide sysfs's cache directory but pass CPUID through), else typical sizes. The GEMM
/// derives its cache blocking from these, so it fits whichever CPU it runs on rather than one machine.
/// </summary>
internal static class CpuCaches
{
    /// <summary>Sizes in bytes, and where they came from ("sysfs", "cpuid" or "default").</summary>
    internal readonly record struct Sizes(long L1Data, long L2, long L3, string Source);

    /// <summary>This CPU's cache sizes (read once).</summary>
    public static Sizes Current { get; } = Read();

    const long DefaultL1 = 32 << 10, DefaultL2 = 1 << 20, DefaultL3 = 8 << 20;

    static Sizes Read()
    {
        Sizes? found = null;
        try { found = FromSysfs("/sys/devices/system/cpu/cpu0/cache"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        found ??= FromCpuid();
        return Sanitise(found ?? new Sizes(DefaultL1, DefaultL2, DefaultL3, "default"));
    }

    /// <summary>Falls back to the defaults level by level where a reading is missing or implausible.</summary>
    static Sizes Sanitise(Sizes s) => s with
    {
        L1Data = s.L1Data is >= 8 << 10 and <= 1 << 20 ? s.L1Data : DefaultL1,
        L2 = s.L2 is >= 64 << 10 and <= 64 << 20 ? s.L2 : DefaultL2,
        L3 = s.L3 is >= 256 << 10 and <= 4L << 30 ? s.L3 : Math.Max(DefaultL3, 2 * s.L2),
    };

    /// <summary>index*/level, type and size ("48K") of cpu0's caches; null when the directory is absent.</summary>
    internal static Sizes? FromSysfs(string root)
    {
        if (!Directory.Exists(root)) return null;
        long l1 = 0, l2 = 0, l3 = 0;
        foreach (var dir in Directory.GetDirectories(root, "index*"))
        {
            string type = ReadText(Path.Combine(dir, "type"));
            if (type is not ("Data" or "Unified")) continue;
            if (!int.TryParse(ReadText(Path.Combine(dir, "level")), CultureInfo.InvariantCulture, out int level)) continue;
            long size = ParseSize(ReadText(Path.Combine(dir, "size")));
            if (level == 1) l1 = size;
            else if (level == 2) l2 = size;
            else if (level == 3) l3 = size;
        }
        return l1 > 0 && l2 > 0 ? new Sizes(l1, l2, l3, "sysfs") : null;
    }

    static string ReadText(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";

    /// <summary>"48K", "1024K", "32M" or a plain byte count; 0 when unreadable.</summary>
    internal static long ParseSize(string text)
    {
        if (text.Length == 0) return 0;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v > 0 ? v * unit : 0;
    }

    /// <summary>Walks CPUID's deterministic cache parameters: size = ways · partitions · line · sets.</summary>
    static Sizes? FromCpuid()
    {
        if (!X86Base.IsSupported) return null;
        var (maxLeaf, vendorB, _, _) = X86Base.CpuId(0, 0);
        bool amd = vendorB == 0x68747541; // "Auth"enticAMD
        bool hygon = vendorB == 0x6F677948; // "Hygo"nGenuine
        int leaf;
        if (amd || hygon)
        {
            var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
            if ((uint)maxExtended < 0x8000001D) return null;
            leaf = unchecked((int)0x8000001D);
        }
        else
        {
            if (maxLeaf < 4) return null;
            leaf = 4;
        }
        long l1 = 0, l2 = 0, l3 = 0;
        for (int sub = 0; sub < 16; sub++)
        {
            var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, sub);
            int type = eax & 0x1F; // 0: no more caches, 1: data, 2: instruction, 3: unified
            if (type == 0) break;
            if (type == 2) continue;
            int level = (eax >> 5) & 0x7;
            long ways = ((uint)ebx >> 22) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1;
            long sets = (uint)ecx + 1L;
            long size = ways * partitions * line * sets;
            if (level == 1) l1 = size;
            else if (level == 2) l2 = size;
            else if (level == 3) l3 = size;
        }
        return l1 > 0 && l2 > 0 ? new Sizes(l1, l2, l3, "cpuid") : null;
    }
}

using System.Runtime.InteropServices;

namespace Bridge.Io;

/// <summary>
/// What kind of file a path names, asked of the kernel (<c>stat</c>) before opening: opening a FIFO for reading blocks
/// until a writer appears, and a device such as /dev/zero never ends, so readers accept regular files only.
/// </summary>
internal static partial class FileKind
{
    const uint TypeMask = 0xF000, Regular = 0x8000;   // S_IFMT, S_IFREG

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);

    /// <summary>False for FIFOs, sockets, devices and directories; true for regular files (after symlinks).</summary>
    public static unsafe bool IsRegular(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return File.Exists(path) && !Directory.Exists(path);
        byte* stat = stackalloc byte[256];   // struct stat is 144 bytes on x86-64 and aarch64 Linux
        try
        {
            if (Stat(path, stat) != 0) return false;
        }
        catch (EntryPointNotFoundException)
        {
            return true;   // a libc without a `stat` export (glibc < 2.33): cannot tell, let the open decide
        }
        // st_mode follows st_dev, st_ino and st_nlink (8 bytes each) on x86-64; aarch64 puts it after st_dev, st_ino.
        uint mode = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? *(uint*)(stat + 24) : *(uint*)(stat + 16);
        return (mode & TypeMask) == Regular;
    }

    /// <summary>Throws before anything opens <paramref name="path"/> when it exists but is not a regular file.</summary>
    public static void RequireRegular(string path)
    {
        if (File.Exists(path) && !IsRegular(path))
            throw new TensorFileException(path, "not a regular file (a FIFO, device or socket cannot be loaded)");
    }
}

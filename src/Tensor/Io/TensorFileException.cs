namespace Bridge.Io;

/// <summary>
/// A tensor file (.npy, .npz, .safetensors, shared-memory .npy) is malformed, truncated or uses something Bridge does
/// not read (a <see cref="FormatException"/>, as System.IO.InvalidDataException is sealed). Every parser reports hostile or damaged input with this type only; the message names the file and the problem.
/// </summary>
public sealed class TensorFileException : FormatException
{
    /// <summary>The file (or <c>&lt;stream&gt;</c>, or <c>archive.npz[member.npy]</c>) that failed to parse.</summary>
    public string FileName { get; }

    /// <summary>What is wrong, with the values involved.</summary>
    public string Problem { get; }

    /// <summary>Reports <paramref name="problem"/> in <paramref name="fileName"/>.</summary>
    public TensorFileException(string fileName, string problem, Exception? inner = null)
        : base($"{fileName}: {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }
}

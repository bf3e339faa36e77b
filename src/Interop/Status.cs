using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Interop;

/// <summary>
/// What an export returns. The codes name the Python exception the caller should raise; the message is in
/// <c>bridge_last_error()</c>.
/// </summary>
enum Status
{
    Ok = 0,
    RuntimeError = 1,
    ValueError = 2,
    TypeError = 3,
    IndexError = 4,
    NotImplementedError = 5,
    MemoryError = 6,
    OSError = 7,
    FileNotFoundError = 8,
}

/// <summary>
/// Turns exceptions into status codes plus a thread-local UTF-8 message, so that nothing escapes an
/// [UnmanagedCallersOnly] body (an escaping exception would kill the host process).
/// </summary>
static unsafe class Errors
{
    [ThreadStatic] static byte* _message;
    [ThreadStatic] static int _capacity;

    public static Status Fail(Exception e)
    {
        try
        {
            SetMessage(UserMessage(e));
            return Classify(e);
        }
        catch
        {
            return Status.MemoryError; // could not even record the message
        }
    }

    public static Status Fail(Status status, string message)
    {
        SetMessage(message);
        return status;
    }

    /// <summary>The message without .NET's " (Parameter 'x')" suffix, which names a C# parameter a Python user never saw.</summary>
    static string UserMessage(Exception e) =>
        e is ArgumentException { ParamName: string p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;

    static Status Classify(Exception e) => e switch
    {
        InvalidHandleException or NullPointerArgumentException or FormatException or InvalidDataException or OverflowException => Status.ValueError,
        ArgumentOutOfRangeException or IndexOutOfRangeException => Status.IndexError,
        InvalidCastException => Status.TypeError,
        NotImplementedException => Status.NotImplementedError,
        OutOfMemoryException or InsufficientExecutionStackException => Status.MemoryError,
        FileNotFoundException or DirectoryNotFoundException => Status.FileNotFoundError,
        IOException or UnauthorizedAccessException => Status.OSError,
        _ => Status.RuntimeError,
    };

    /// <summary>The calling thread's last error message (NUL-terminated UTF-8), valid until its next failure.</summary>
    public static byte* Message => _message is null ? EmptyMessage : _message;

    static readonly byte* EmptyMessage = (byte*)NativeMemory.AllocZeroed(1);

    static void SetMessage(string text)
    {
        int need = Encoding.UTF8.GetByteCount(text) + 1;
        if (need > _capacity)
        {
            NativeMemory.Free(_message);
            _message = (byte*)NativeMemory.Alloc((nuint)need);
            _capacity = need;
        }
        int written = Encoding.UTF8.GetBytes(text, new Span<byte>(_message, need));
        _message[written] = 0;
    }
}

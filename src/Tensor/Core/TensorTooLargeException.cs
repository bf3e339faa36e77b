using System.Diagnostics;
using System.Reflection;

namespace Bridge;

/// <summary>
/// An operation whose kernel still indexes with 32-bit ints met a tensor of more than <see cref="int.MaxValue"/>
/// elements (or a view reaching storage offsets past it). The operation refuses instead of truncating; the message
/// names the operation, the tensor's size and the limit.
/// </summary>
public sealed class TensorTooLargeException : NotSupportedException
{
    /// <summary>The limit, in elements, of the kernels that refuse: <see cref="int.MaxValue"/>.</summary>
    public const long Limit = int.MaxValue;

    /// <summary>Creates the exception with a ready message.</summary>
    public TensorTooLargeException(string message) : base(message) { }

    internal static TensorTooLargeException For(Tensor t) =>
        new($"{CallingOp()} does not support tensors of more than {Limit} elements yet: got a tensor of shape " +
            $"{ShapeMath.FormatList(t.Shape64)} ({t.Numel()} elements, storage offset {t.StorageOffset}); " +
            "ops that support them: creation, fill, copy/contiguous/clone, elementwise math, sum/mean/max/min/argmax/any/all, views, item, NumPy/DLPack");

    // The outermost public method of this assembly on the stack is the op the user called (only the error path walks it).
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only the method's name is read; without metadata the message falls back to 'this operation'.")]
    static string CallingOp()
    {
        string? op = null;
        try
        {
            foreach (var frame in new StackTrace(2).GetFrames())
            {
                var method = frame.GetMethod();
                if (method?.DeclaringType is not { } type) continue;
                if (type.Assembly != typeof(Tensor).Assembly)
                {
                    if (op is not null) break;
                    continue;
                }
                if (method.IsPublic && (type.IsPublic || type.IsNestedPublic))
                    op = method is ConstructorInfo ? type.Name : $"{type.Name}.{method.Name}";
            }
        }
        catch (NotSupportedException) { } // no stack trace metadata (trimmed builds)
        if (op is not null) return op;
        return "this operation";
    }
}

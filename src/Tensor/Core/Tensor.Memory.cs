namespace Bridge;

// C# data out of a tensor without boxing: spans over CPU memory, copies into caller-owned spans from any device.
public sealed partial class Tensor
{
    /// <summary>
    /// The elements of a contiguous CPU tensor as a writable span over its storage (no copy). Writes are seen by
    /// every view of the storage; autograd does not see them (as with torch's <c>.data</c>). Valid while the tensor
    /// is alive and not disposed.
    /// </summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        RequireDirectAccess<T>(nameof(AsSpan));
        if (!Storage.Writable) throw new InvalidOperationException("AsSpan: the tensor's memory is read-only; use AsReadOnlySpan");
        return ContiguousSpan<T>();
    }

    /// <summary>The elements of a contiguous CPU tensor as a read-only span over its storage (no copy).</summary>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged
    {
        RequireDirectAccess<T>(nameof(AsReadOnlySpan));
        return ContiguousSpan<T>();
    }

    /// <summary>
    /// Copies every element, row-major, into <paramref name="destination"/> (which must hold at least
    /// <see cref="Numel"/> elements of the tensor's own element type); works from any device and any layout.
    /// </summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        ElementType<T>.Require(DType, nameof(CopyTo));
        if (destination.Length < Numel())
            throw new ArgumentException($"CopyTo: the destination holds {destination.Length} elements but the tensor has {Numel()}", nameof(destination));
        var host = Backends.Backend.HostReadable(this);
        if (!host.IsContiguous()) host = host.Contiguous();
        host.ContiguousSpan<T>().CopyTo(destination);
    }

    void RequireDirectAccess<T>(string what) where T : unmanaged
    {
        ElementType<T>.Require(DType, what);
        if (Device.Type != DeviceType.Cpu) throw new InvalidOperationException($"{what}: the tensor is on {Device}; use CopyTo or .To(\"cpu\") first");
        if (!IsContiguous()) throw new InvalidOperationException($"{what}: the tensor is not contiguous (strides {ShapeMath.FormatList(_strides)}); call Contiguous() first");
    }
}

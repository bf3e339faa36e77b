using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge;

// Moving tensors between devices. The copy is recorded like torch's _to_copy: its gradient moves back.
public sealed partial class Tensor
{
    /// <summary>This tensor on <paramref name="device"/> (itself when already there); ∂ = g moved back</summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var copy = Allocate64(Shape64, DType, device);
        Backend.Copy(this, copy);
        if (!Recording.Needed(this)) return copy;
        var from = Device;
        return Recording.Record(copy, "ToCopyBackward0", [this], g => [g.To(from)]);
    }

    /// <summary>To(Device.Parse(<paramref name="device"/>)): "cpu", "cuda", "cuda:1".</summary>
    public Tensor To(string device) => To(Device.Parse(device));

    /// <summary>This tensor on <c>cuda:<paramref name="index"/></c>.</summary>
    public Tensor Cuda(int index = 0) => To(Device.Cuda(index));

    /// <summary>This tensor in host memory.</summary>
    public Tensor Cpu() => To(Device.Cpu);

    /// <summary>True when the tensor's memory is on a CUDA device (torch's <c>is_cuda</c>).</summary>
    public bool IsCuda => Device.IsCuda;
}

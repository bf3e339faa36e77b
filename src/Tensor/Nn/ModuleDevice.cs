namespace Bridge.Nn;

/// <summary>torch.nn.Module.to(device) / .cuda() / .cpu(): parameters move in place, keeping their identity.</summary>
public static class ModuleDevice
{
    /// <summary>
    /// Moves every parameter (and its gradient) of <paramref name="module"/> to <paramref name="device"/>. Like torch's
    /// <c>param.data = param.data.to(device)</c>, each parameter keeps its object identity, so optimizers built
    /// before the move keep working.
    /// </summary>
    public static T To<T>(this T module, Device device) where T : Module
    {
        foreach (var p in module.Parameters())
        {
            if (p.Device == device) continue;
            if (p.StorageOffset != 0 || !p.IsContiguous())
                throw new NotSupportedException($"moving a parameter that is a strided view (offset {p.StorageOffset}) to {device} is not supported");
            var moved = p.Detach().To(device);
            p.ReplaceStorage(moved.Storage);
            if (p.Grad is not null) p.Grad = p.Grad.To(device);
        }
        return module;
    }

    /// <summary>
    /// Moves every parameter to CUDA device <paramref name="index"/> in place and returns the module (torch's
    /// <c>module.cuda(index)</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">A parameter is a strided view of another tensor.</exception>
    public static T Cuda<T>(this T module, int index = 0) where T : Module => module.To(Device.Cuda(index));

    /// <summary>
    /// Moves every parameter to the CPU in place and returns the module (torch's <c>module.cpu()</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">A parameter is a strided view of another tensor.</exception>
    public static T Cpu<T>(this T module) where T : Module => module.To(Device.Cpu);
}

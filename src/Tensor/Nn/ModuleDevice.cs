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

    public static T Cuda<T>(this T module, int index = 0) where T : Module => module.To(Device.Cuda(index));

    public static T Cpu<T>(this T module) where T : Module => module.To(Device.Cpu);
}

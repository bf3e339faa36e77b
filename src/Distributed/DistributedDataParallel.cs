using Bridge.Nn;

namespace Bridge.Distributed;

/// <summary>
/// torch's <c>DistributedDataParallel</c>: the same module on every rank, each on its share of the batch. Wrapping
/// copies rank 0's parameters to every rank; each backward averages the gradients over the ranks (in buckets that
/// overlap the rest of backward, <see cref="GradientReducer"/>), so after <c>optimizer.Step()</c> every replica holds
/// the parameters that one process training on the whole batch would.
/// </summary>
public sealed class DistributedDataParallel : Module, IDisposable
{
    /// <summary>The wrapped module (state names gain torch's <c>module.</c> prefix).</summary>
    public Module Module { get; }

    /// <summary>The reducer doing the averaging.</summary>
    public GradientReducer Reducer { get; }

    /// <summary>
    /// Wraps <paramref name="module"/> (torch's <c>DistributedDataParallel(module)</c>): broadcasts rank 0's parameters
    /// to every rank and hooks the parameters' gradients for averaging. Every rank of the group must construct it, with
    /// the same module structure.
    /// </summary>
    /// <param name="module">The model; each rank holds its own replica.</param>
    /// <param name="processGroup">The group to average over; default <see cref="ProcessGroup.World"/>.</param>
    /// <param name="bucketCapMb">Gradient bucket size in MiB (torch's <c>bucket_cap_mb</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No group is given and the default group has not been
    /// initialised.</exception>
    public DistributedDataParallel(Module module, ProcessGroup? processGroup = null, double bucketCapMb = 25)
    {
        ArgumentNullException.ThrowIfNull(module);
        var group = processGroup ?? ProcessGroup.World
            ?? throw new InvalidOperationException("Default process group has not been initialized, please make sure to call init_process_group.");
        Module = module;
        Reducer = new GradientReducer(group, module.Parameters(), null, (long)(bucketCapMb * 1024 * 1024));
    }

    /// <summary>
    /// Runs the wrapped module on this rank's share of the batch and arms the reducer for the coming backward.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        Reducer.PrepareForForward();
        return Module.Forward(input);
    }

    /// <summary>torch's <c>no_sync()</c>: backward passes inside the scope only accumulate local gradients.</summary>
    public IDisposable NoSync()
    {
        bool previous = Reducer.RequireSync;
        Reducer.RequireSync = false;
        return new Restore(() => Reducer.RequireSync = previous);
    }

    /// <summary>Stops averaging: removes the reducer's gradient hooks (the module trains alone afterwards).</summary>
    public void Dispose() => Reducer.Dispose();

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

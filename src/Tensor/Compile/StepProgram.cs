using System.Runtime.CompilerServices;
using Bridge.Autograd;
using Bridge.Backends;

namespace Bridge.Compile;

/// <summary>
/// One traced step, ready to replay: the recorded kernel calls over the buffers they touched (kept alive), the
/// step's own copies of its inputs (new inputs are copied in), its outputs (copied out as fresh tensors), and the
/// guards under which a replay computes what an eager call would.
/// </summary>
internal sealed class StepProgram : IDisposable
{
    readonly StepTrace _trace;
    readonly Action[] _kernels;
    readonly Tensor[] _inputs;
    readonly Tensor[] _outputs;
    readonly bool _gradMode;
    readonly (Tensor Tensor, Storage Storage, int[] Shape)[] _buffers;
    readonly (Tensor Leaf, Tensor? Grad)[] _grads;

    StepProgram(StepTrace trace, Tensor[] inputs, Tensor[] outputs, bool gradMode)
    {
        _trace = trace;
        var visible = new HashSet<Storage>(ReferenceEqualityComparer.Instance);
        foreach (var t in inputs) visible.Add(t.Storage);
        foreach (var t in outputs) visible.Add(t.Storage);
        _kernels = Fusion
            ? ChainFusion.Build(trace.Records, trace.AllocatedStorages, visible, out _fusedChains, out _elided)
            : [.. trace.Kernels];
        _inputs = inputs;
        _outputs = outputs;
        _gradMode = gradMode;
        // Only memory from before the trace can be swapped from outside (parameters, .grad tensors, optimizer state);
        // the step's own temporaries are reachable through nothing but the trace.
        var own = new HashSet<Storage>(trace.AllocatedStorages, ReferenceEqualityComparer.Instance);
        foreach (var t in inputs) own.Add(t.Storage);
        // Plain loops: LINQ over value tuples would be JIT-compiled afresh for every trace's first use.
        int nb = 0, ng = 0;
        foreach (var t in trace.Retained)
        {
            if (!own.Contains(t.Storage)) nb++;
            if (t.RequiresGrad && t.IsLeaf) ng++;
        }
        _buffers = new (Tensor, Storage, int[])[nb];
        _grads = new (Tensor, Tensor?)[ng];
        nb = ng = 0;
        foreach (var t in trace.Retained)
        {
            if (!own.Contains(t.Storage)) _buffers[nb++] = (t, t.Storage, (int[])t.ShapeArray.Clone());
            if (t.RequiresGrad && t.IsLeaf) _grads[ng++] = (t, t.Grad);
        }
    }

    /// <summary>Number of recorded kernel calls (opaque optimizer updates count as one).</summary>
    internal int KernelCount => _trace.Kernels.Count;

    /// <summary>Number of calls a replay makes (a fused chain counts as one).</summary>
    internal int ReplayCallCount => _kernels.Length;

    /// <summary>Number of fused elementwise chains in the replay.</summary>
    internal int FusedChains => _fusedChains;

    /// <summary>Number of intermediate results the fused chains keep in scratch instead of tensor memory.</summary>
    internal int ElidedIntermediates => _elided;

    readonly int _fusedChains, _elided;

    /// <summary>False when the environment sets <c>BRIDGE_COMPILE_FUSION=0</c>: replays then run the recorded calls one by one (for comparisons).</summary>
    internal static bool Fusion { get; } = Environment.GetEnvironmentVariable("BRIDGE_COMPILE_FUSION") != "0";

    /// <summary>Number of buffers the program keeps alive.</summary>
    internal int BufferCount => _buffers.Length;

    /// <summary>
    /// Runs <paramref name="step"/> once, eagerly, on private copies of <paramref name="inputs"/> while recording its
    /// kernels. Returns the program and the step's outputs (as fresh tensors), or null and the reason it cannot be
    /// replayed (the outputs are still the eager step's).
    /// </summary>
    internal static (StepProgram? Program, Tensor[] Outputs, string? Unsafe) Trace(Func<Tensor[], Tensor[]> step, Tensor[] inputs)
    {
        var copies = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            var copy = Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false).DetachFromDisposeScope();
            Backend.Copy(x, copy);
            copies[i] = copy;
        }
        bool gradMode = GradMode.IsEnabled;
        var trace = StepTrace.Begin();
        Tensor[] outputs;
        try
        {
            outputs = step(copies);
        }
        catch
        {
            trace.End();
            trace.Release();
            foreach (var c in copies) c.Dispose();
            throw;
        }
        finally
        {
            trace.End();
        }
        var values = CopyOut(outputs);
        if (trace.Unsafe is not null)
        {
            trace.Release();
            foreach (var c in copies) c.Dispose();
            return (null, values, trace.Unsafe);
        }
        // The program's handles on its inputs and outputs: the inputs are its own (it drops their creator's reference
        // once it holds one), the outputs are detached aliases so the traced graph is not kept.
        var held = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++) held[i] = outputs[i].Detach().DetachFromDisposeScope();
        var program = new StepProgram(trace, copies, held, gradMode);
        foreach (var c in copies) program.Hold(c);
        foreach (var h in held) program.Hold(h);
        return (program, values, null);
    }

    void Hold(Tensor t)
    {
        t.Retain();
        _extra.Add(t);
        t.Dispose(); // the creator's reference: the program's Retain is now the one that counts
    }

    readonly List<Tensor> _extra = [];

    /// <summary>Null when <paramref name="inputs"/> may be replayed, else the guard that failed (the call must run eagerly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal string? CheckInputs(Tensor[] inputs)
    {
        if (inputs.Length != _inputs.Length) return $"the step was traced with {_inputs.Length} inputs and called with {inputs.Length}";
        for (int i = 0; i < inputs.Length; i++)
        {
            Tensor x = inputs[i], t = _inputs[i];
            if (x.DType != t.DType) return $"input {i}'s dtype changed ({t.DType.TorchName()} when traced, {x.DType.TorchName()} now)";
            if (x.Device != t.Device) return $"input {i}'s device changed ({t.Device} when traced, {x.Device} now)";
            if (!x.ShapeArray.AsSpan().SequenceEqual(t.ShapeArray)) return $"input {i}'s shape changed ({t.Shape} when traced, {x.Shape} now)";
            if (x.RequiresGrad) return $"input {i} requires grad (gradients into step inputs are not traced)";
        }
        if (GradMode.IsEnabled != _gradMode) return $"grad mode changed ({(_gradMode ? "enabled" : "disabled")} when traced)";
        return null;
    }

    /// <summary>Null while the tensors the program writes and reads are still the ones it traced, else what changed (the program is stale).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal string? CheckState()
    {
        foreach (var (tensor, storage, shape) in _buffers)
        {
            if (!ReferenceEquals(tensor.Storage, storage) || storage.IsDisposed)
                return "a tensor the step uses was given new memory (set_, resize_, or disposal) since tracing";
            if (!tensor.ShapeArray.AsSpan().SequenceEqual(shape)) return $"a tensor the step uses changed shape since tracing (was [{string.Join(", ", shape)}], now [{string.Join(", ", tensor.ShapeArray)}])";
        }
        foreach (var (leaf, grad) in _grads)
            if (!ReferenceEquals(leaf.Grad, grad))
                return "a parameter's .grad was replaced or set to None outside the step since tracing";
        return null;
    }

    /// <summary>Copies <paramref name="inputs"/> in, reruns every recorded kernel and returns copies of the outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Tensor[] Replay(Tensor[] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (!ReplayKernels.TryCopyBytes(inputs[i], _inputs[i])) Backend.Copy(inputs[i], _inputs[i]);
        foreach (var kernel in _kernels) kernel();
        return CopyOut(_outputs);
    }

    static Tensor[] CopyOut(Tensor[] outputs)
    {
        if (outputs.Length == 0) return [];
        var values = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            var v = Tensor.Allocate(o.ShapeArray, o.DType, o.Device, zero: false);
            Backend.Copy(o, v);
            values[i] = v;
        }
        return values;
    }

    /// <summary>Releases every buffer the program holds.</summary>
    public void Dispose()
    {
        _trace.Release();
        foreach (var t in _extra) t.Unref();
        _extra.Clear();
    }
}

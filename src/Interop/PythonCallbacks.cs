using Bridge.Autograd;

namespace Bridge.Interop;

/// <summary>
/// Calls from the engine back into the caller (Python): custom Function backwards and tensor hooks. One function pointer,
/// registered once, serves every callback: <c>int32 callback(int32 kind, int64 token, const int64* args, int32 nargs,
/// int64* results, int32 nresults)</c>. Arguments are new handles the callee owns; results are handles the callee keeps
/// alive until the outermost backward returns (0 = None). A non-zero return means the callee raised: it keeps its own
/// exception to re-raise, and the engine unwinds with <see cref="CallbackFailedException"/>. Nothing is thrown across the
/// boundary either way: the callee catches everything, and the engine's exports catch everything.
/// </summary>
static unsafe class PythonCallbacks
{
    const int FunctionBackward = 0;
    const int TensorHook = 1;
    const int CompiledStepBody = 2;

    static delegate* unmanaged<int, long, long*, int, long*, int, int> _callback;

    public static void Set(long pointer)
    {
        if (pointer == 0) throw new ArgumentException("set_python_callback: the callback pointer is NULL");
        _callback = (delegate* unmanaged<int, long, long*, int, long*, int, int>)pointer;
    }

    static Tensor?[] Invoke(int kind, long token, Tensor?[] args, int resultCount)
    {
        if (_callback is null) throw new InvalidOperationException("no callback registered (set_python_callback)");
        var handles = new long[args.Length];
        var results = new long[resultCount];
        try
        {
            for (int i = 0; i < args.Length; i++) handles[i] = args[i] is Tensor t ? HandleTable.Add(t) : 0;
        }
        catch
        {
            foreach (long h in handles) if (h != 0) HandleTable.Release(h);
            throw;
        }
        int status;
        fixed (long* h = handles)
        fixed (long* r = results)
            status = _callback(kind, token, h, handles.Length, r, resultCount);
        if (status != 0) throw new CallbackFailedException(kind == TensorHook ? "a tensor hook raised an exception" : "a custom Function's backward raised an exception");
        var output = new Tensor?[resultCount];
        for (int i = 0; i < resultCount; i++) output[i] = results[i] == 0 ? null : HandleTable.Get<Tensor>(results[i]);
        return output;
    }

    /// <summary>A tensor hook whose body is the caller's hook under <paramref name="token"/>; disposing it removes the hook.</summary>
    public static IDisposable RegisterHook(Tensor tensor, long token)
    {
        var owner = new CallbackToken(token);
        var removal = tensor.RegisterHook(g =>
        {
            GC.KeepAlive(owner);
            return Invoke(TensorHook, token, [g], 1)[0];
        });
        return new HookHandle(removal, owner);
    }

    /// <summary>Runs the Python body of a compiled step (bridge.compile) kept under <paramref name="token"/>: its outputs, up to the first None.</summary>
    public static Tensor[] RunCompiledStep(long token, Tensor[] inputs, int maxOutputs)
    {
        var results = Invoke(CompiledStepBody, token, inputs, maxOutputs);
        int n = Array.IndexOf(results, null);
        return [.. results.Take(n < 0 ? results.Length : n).Select(t => t!)];
    }

    /// <summary>Records a custom function whose backward is the caller's, under <paramref name="token"/>.</summary>
    public static Tensor[] ApplyFunction(string name, long token, Tensor[] tensorInputs, int[] positions, int argCount, Tensor[] outputs,
        Tensor[] saved, int[] savedPositions, int savedCount, int[] dirty, int[] nonDifferentiable, bool materialize)
    {
        var owner = new CallbackToken(token);
        if (positions.Length != tensorInputs.Length || savedPositions.Length != saved.Length)
            throw new ArgumentException("custom_function: positions do not match the tensors given");
        var inputs = new Tensor?[argCount];
        for (int i = 0; i < positions.Length; i++) inputs[positions[i]] = tensorInputs[i];
        var toSave = new Tensor?[savedCount];
        for (int i = 0; i < savedPositions.Length; i++) toSave[savedPositions[i]] = saved[i];
        var result = CustomFunction.Record(name, inputs, outputs, toSave, dirty.Select(k => outputs[k]).ToArray(),
            nonDifferentiable.Select(k => outputs[k]).ToArray(), materialize,
            (grads, savedNow) => Invoke(FunctionBackward, owner.Token, [.. grads, .. savedNow], argCount));
        // The caller's context goes when the node frees its saved state, or when the node itself is collected.
        if (result.FirstOrDefault(r => r.GradFn is not null)?.GradFn is Node node) node.OnRelease += owner.Release;
        else owner.Release();
        return result;
    }

    sealed class HookHandle(IDisposable removal, CallbackToken owner) : IDisposable
    {
        public void Dispose()
        {
            removal.Dispose();
            owner.Release();
        }
    }

    /// <summary>Queues the caller's token for release (bridge_released_take) once, when released or collected.</summary>
    sealed class CallbackToken(long token)
    {
        int _released;

        public long Token => token;

        ~CallbackToken() => Release();

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            MemoryExports.QueueRelease(token);
            GC.SuppressFinalize(this);
        }
    }
}

/// <summary>A callback into the caller failed; the caller holds the real exception and raises it when the call returns.</summary>
sealed class CallbackFailedException(string message) : Exception(message);

namespace Bridge.Interop;

// bridge.compile: a Python step compiled by Torch.Compile. The step's body is the Python function, reached through the
// callback pointer (kind CompiledStepBody) for the warm-up, the trace and eager fallbacks; a replay runs in C# only.
static partial class OpTable
{
    /// <summary>Outputs a compiled step may return through the callback (a step returns a tensor, a tuple of them, or None).</summary>
    const int MaxCompiledOutputs = 16;

    static void RegisterCompile()
    {
        // compile_step(token) -> object: the C# CompiledStep whose body is the Python function kept under token.
        Add("compile_step", a =>
        {
            long token = a.Long(0);
            var step = Torch.Compile(inputs => PythonCallbacks.RunCompiledStep(token, inputs, MaxCompiledOutputs));
            return Value.Object(new PythonCompiledStep(step));
        });
        // compiled_step_call(step, inputs) -> list of outputs, or a warning string (then compiled_step_outputs has them).
        Add("compiled_step_call", a =>
        {
            var holder = a.Object<PythonCompiledStep>(0);
            var warnings = new List<string>();
            Action<string> listen = warnings.Add;
            CompiledStep.Warning += listen;
            Tensor[] outputs;
            try { outputs = holder.Step.InvokeAll(a.Tensors(1)); }
            finally { CompiledStep.Warning -= listen; }
            if (warnings.Count == 0) return Results.Tensors(outputs);
            // Handed out by the next call (compiled_step_outputs): out of this call's scope, which would dispose them.
            foreach (var o in outputs) o.DetachFromDisposeScope();
            holder.Pending = outputs;
            return Results.String(string.Join("\n", warnings));
        });
        Add("compiled_step_outputs", a =>
        {
            var holder = a.Object<PythonCompiledStep>(0);
            var outputs = holder.Pending ?? [];
            holder.Pending = null;
            return Results.Tensors(outputs);
        });
        // compiled_step_info(step) -> [state (0 warming up, 1 traced, 2 eager), replays, eager calls, traces, kernels]
        Add("compiled_step_info", a =>
        {
            var s = a.Object<PythonCompiledStep>(0).Step;
            return Results.Ints([(int)s.State, (int)Math.Min(s.Replays, int.MaxValue), (int)Math.Min(s.EagerCalls, int.MaxValue), s.Traces, s.KernelCount]);
        });
        Add("compiled_step_fallback_reason", a => a.Object<PythonCompiledStep>(0).Step.FallbackReason is { } why ? Results.String(why) : Value.None);
        // compile_opaque(token) -> bool: while a step is traced, runs the Python callable kept under token once and keeps
        // it as one call of the trace (an optimizer's step, whose state lives in Python); false when nothing is traced.
        Add("compile_opaque", a =>
        {
            if (!Compile.StepTrace.Recording) return Value.Bool(false);
            long token = a.Long(0);
            Compile.StepTrace.Opaque(() => PythonCallbacks.RunCompiledStep(token, [], 1), () => PythonCallbacks.RunCompiledStep(token, [], 1));
            return Value.Bool(true);
        });
        Add("compiled_step_dispose", a => { a.Object<PythonCompiledStep>(0).Step.Dispose(); return Value.None; });
    }

    /// <summary>A compiled step handed to Python, with the outputs of a call that also returned warnings.</summary>
    sealed class PythonCompiledStep(CompiledStep step)
    {
        public CompiledStep Step { get; } = step;
        public Tensor[]? Pending { get; set; }
    }
}

using Bridge.Autograd;

namespace Bridge.Optim;

/// <summary>
/// torch.optim.Optimizer: parameter groups with per-group options (read at every step), per-parameter state,
/// <c>StateDict</c>/<c>LoadStateDict</c> in torch's layout, and <c>ZeroGrad</c>. Subclasses give the defaults
/// and one parameter's update (<see cref="Updates"/>).
/// </summary>
public abstract class Optimizer
{
    readonly Dictionary<string, object?> _defaults;

    /// <summary>
    /// One group of <paramref name="parameters"/> with the optimizer's <paramref name="defaults"/> (torch's option
    /// names).
    /// </summary>
    protected Optimizer(IEnumerable<Tensor> parameters, Dictionary<string, object?> defaults)
        : this([new ParamGroup(parameters)], defaults) { }

    /// <summary>
    /// Adds each group (see <see cref="AddParamGroup"/>); <paramref name="defaults"/> fill the options a group does not
    /// set.
    /// </summary>
    /// <exception cref="ArgumentException">No parameters at all, a parameter in two groups, or an option <see
    /// cref="Validate"/> rejects.</exception>
    protected Optimizer(IEnumerable<ParamGroup> groups, Dictionary<string, object?> defaults)
    {
        _defaults = defaults;
        var list = groups.ToList();
        if (list.Count == 0 || list.All(g => g.Params.Count == 0)) throw new ArgumentException("optimizer got an empty parameter list");
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>The options a group takes when it does not set them (torch's <c>defaults</c>).</summary>
    public IReadOnlyDictionary<string, object?> Defaults => _defaults;

    /// <summary>
    /// The parameter groups (torch's <c>param_groups</c>); change a group's options here, e.g. its learning rate.
    /// </summary>
    public List<ParamGroup> ParamGroups { get; } = [];

    /// <summary>Per-parameter state (torch's <c>optimizer.state</c>), keyed by the parameter itself.</summary>
    public Dictionary<Tensor, Dictionary<string, object?>> State { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Adds a group; options it lacks come from <see cref="Defaults"/> (torch's add_param_group).</summary>
    public void AddParamGroup(ParamGroup group)
    {
        foreach (var p in group.Params)
        {
            if (!p.IsLeaf) throw new ArgumentException("can't optimize a non-leaf Tensor");
        }
        foreach (var (key, value) in _defaults)
        {
            if (!group.Options.ContainsKey(key)) group.Options[key] = value is ValueTuple<double, double> t ? t : value;
        }
        var seen = new HashSet<Tensor>(ParamGroups.SelectMany(g => g.Params), ReferenceEqualityComparer.Instance);
        if (group.Params.Any(p => !seen.Add(p))) throw new ArgumentException("some parameters appear in more than one parameter group");
        Validate(group);
        foreach (var p in group.Params) p.Retain(); // held like any other user: dropping other references must not free them
        ParamGroups.Add(group);
    }

    /// <summary>Checks a group's options (torch's constructor checks), throwing ArgumentException with torch's message.</summary>
    protected virtual void Validate(ParamGroup group) { }

    /// <summary>Zeroes the gradients in place, or drops them (torch 1.13's default is to zero).</summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var group in ParamGroups)
        {
            foreach (var p in group.Params)
            {
                if (p.Grad is null) continue;
                if (setToNone) p.Grad = null;
                else p.Grad.Detach().Zero_();
            }
        }
    }

    /// <summary>One update of every parameter that has a gradient; <paramref name="closure"/> recomputes the loss (with autograd on) first.</summary>
    public virtual Tensor? Step(Func<Tensor>? closure = null)
    {
        if (Compile.StepTrace.Recording) return Compile.StepTrace.Opaque(() => Step(closure), () => Step(closure)); // Torch.Compile reruns the update
        Tensor? loss = closure?.Invoke();
        using var noGrad = GradMode.Set(false);
        using var temporaries = new DisposeScope(); // state kept across steps leaves the scope (Keep)
        foreach (var group in ParamGroups)
        {
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor g) continue;
                if (!State.TryGetValue(p, out var state)) State[p] = state = [];
                Update(group, p, g, state);
            }
        }
        return loss;
    }

    /// <summary>One parameter's update; creates its state on the first call as torch does.</summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, object?> state);

    /// <summary>Marks a tensor kept across steps, so the step's dispose scope leaves it alone.</summary>
    protected static Tensor Keep(Tensor state) => state.DetachFromDisposeScope();

    /// <summary>torch's <c>torch.tensor(0.)</c> step counter: a float32 scalar on the CPU.</summary>
    protected static Tensor NewStep() => Keep(Torch.Tensor(0.0, DType.Float32, device: Device.Cpu)); // torch keeps steps on the CPU

    /// <summary>A zero tensor like <paramref name="p"/>, kept across steps (a state buffer's usual start).</summary>
    protected static Tensor ZerosLike(Tensor p) => Keep(Torch.ZerosLike(p));

    /// <summary>State and groups in torch's layout; tensors are the optimizer's own (torch's state_dict does not copy either).</summary>
    public OptimizerStateDict StateDict()
    {
        var index = new Dictionary<Tensor, long>(ReferenceEqualityComparer.Instance);
        var groups = new List<Dictionary<string, object?>>();
        foreach (var group in ParamGroups)
        {
            var packed = new Dictionary<string, object?>(group.Options);
            var ids = new List<long>();
            foreach (var p in group.Params)
            {
                if (!index.ContainsKey(p)) index[p] = index.Count;
                ids.Add(index[p]);
            }
            packed["params"] = ids;
            groups.Add(packed);
        }
        var state = new Dictionary<long, Dictionary<string, object?>>();
        foreach (var (p, s) in State)
        {
            if (index.TryGetValue(p, out long id)) state[id] = new Dictionary<string, object?>(s);
        }
        return new OptimizerStateDict(state, groups);
    }

    /// <summary>
    /// Restores a <see cref="StateDict"/> (this optimizer's, another runtime's or torch's): group options are
    /// replaced, state tensors are copied and cast to their parameter's dtype and device, except "step".
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        var saved = stateDict.ParamGroups;
        if (saved.Count != ParamGroups.Count) throw new ArgumentException("loaded state dict has a different number of parameter groups");
        var byId = new Dictionary<long, Tensor>();
        for (int g = 0; g < saved.Count; g++)
        {
            var ids = ParamIds(saved[g]);
            if (ids.Count != ParamGroups[g].Params.Count)
                throw new ArgumentException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
            for (int i = 0; i < ids.Count; i++) byId[ids[i]] = ParamGroups[g].Params[i];
        }
        State.Clear();
        foreach (var (id, s) in stateDict.State)
        {
            if (!byId.TryGetValue(id, out var p)) continue; // torch keeps state of unknown ids too; nothing here could use it
            var copy = new Dictionary<string, object?>();
            foreach (var (key, value) in s)
                copy[key] = value is Tensor t ? Keep(Cast(p, t, key)) : value;
            State[p] = copy;
        }
        for (int g = 0; g < saved.Count; g++)
        {
            var group = ParamGroups[g];
            group.Options.Clear();
            foreach (var (key, value) in saved[g])
                if (key != "params") group.Options[key] = value;
            foreach (var (key, value) in _defaults) group.Options.TryAdd(key, value); // states from older torch lack newer options
        }
        AfterLoad();
    }

    /// <summary>Fixes up loaded state (torch's __setstate__), e.g. a step saved as a number becomes a tensor.</summary>
    protected virtual void AfterLoad() { }

    static Tensor Cast(Tensor param, Tensor value, string key)
    {
        var t = value.Detach();
        if (key != "step")
        {
            if (param.DType.IsFloatingPoint() && t.DType != param.DType) t = t.To(param.DType);
            if (t.Device != param.Device) t = t.To(param.Device);
        }
        return t.Clone();
    }

    static List<long> ParamIds(Dictionary<string, object?> group) => group.TryGetValue("params", out var v) ? v switch
    {
        IEnumerable<long> longs => longs.ToList(),
        IEnumerable<int> ints => ints.Select(i => (long)i).ToList(),
        System.Collections.IEnumerable items => items.Cast<object>().Select(Convert.ToInt64).ToList(),
        _ => throw new ArgumentException("a saved parameter group's 'params' is not a list of indices"),
    } : throw new ArgumentException("a saved parameter group has no 'params'");

    /// <summary>Converts state entries that older torch saved as numbers ("step") into float32 scalar tensors.</summary>
    protected void StepsAsTensors()
    {
        foreach (var s in State.Values)
        {
            if (s.TryGetValue("step", out var v) && v is not Tensor && v is not null)
                s["step"] = Keep(Torch.Tensor(Convert.ToDouble(v), DType.Float32, device: Device.Cpu));
        }
    }
}

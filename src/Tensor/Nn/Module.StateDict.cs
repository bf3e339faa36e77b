namespace Bridge.Nn;

/// <summary>The keys <see cref="Module.LoadStateDict"/> could not match (torch's <c>_IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Model parameters the state dict has no entry for, in model order.</param>
/// <param name="UnexpectedKeys">State-dict entries that name no parameter, in state-dict order.</param>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

public abstract partial class Module
{
    /// <summary>
    /// torch's <c>state_dict()</c>: every parameter and persistent buffer under its dotted name (<c>0.weight</c>,
    /// <c>bn.running_mean</c>), own parameters and buffers first then each child's, detached but sharing memory with the parameters. A parameter shared by two
    /// submodules appears under both names, as in torch. Save it with <c>TensorFile.Save("m.safetensors", m.StateDict())</c>.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        AddStateTo(result, "");
        return result;
    }

    void AddStateTo(OrderedDictionary<string, Tensor> result, string prefix)
    {
        foreach (var (name, p) in DirectParameters()) result[prefix + name] = p.Detach();
        foreach (var (name, b) in DirectBuffers(persistentOnly: true)) result[prefix + name] = b.Detach();
        foreach (var (name, child) in NamedChildren()) child.AddStateTo(result, prefix + name + ".");
    }

    /// <summary>
    /// torch's <c>load_state_dict</c>: copies each entry into the parameter of the same name (converting dtype, under
    /// no-grad). A shape mismatch is always an error; with <paramref name="strict"/>, missing and unexpected keys are too,
    /// reported together in torch's wording. Unlike torch, nothing is copied when any error is found.
    /// </summary>
    public IncompatibleKeys LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var targets = StateDict();
        var missing = targets.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !targets.ContainsKey(k)).ToList();
        var errors = new List<string>();
        if (strict && missing.Count > 0) errors.Add($"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}. ");
        if (strict && unexpected.Count > 0) errors.Add($"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}. ");
        foreach (var (key, parameter) in targets)
            if (stateDict.TryGetValue(key, out var value) && value.Shape != parameter.Shape)
                errors.Add($"size mismatch for {key}: copying a param with shape {value.Shape} from checkpoint, the shape in current model is {parameter.Shape}.");
        if (errors.Count > 0)
            throw new InvalidOperationException($"Error(s) in loading state_dict for {GetType().Name}:\n\t{string.Join("\n\t", errors)}");
        using (Torch.NoGrad())
            foreach (var (key, parameter) in targets)
                if (stateDict.TryGetValue(key, out var value)) parameter.Copy_(value);
        return new IncompatibleKeys(missing, unexpected);
    }
}

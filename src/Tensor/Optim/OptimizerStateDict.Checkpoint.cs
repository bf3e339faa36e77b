using System.Collections;
using Bridge.Io.Pickle;

namespace Bridge.Optim;

/// <summary>
/// The optimizer state as the plain tree torch.save writes and <see cref="Io.TorchCheckpoint"/> reads back, so a
/// checkpoint holding <c>optimizer.state_dict()</c> moves between torch and C# in either direction.
/// </summary>
public sealed partial record OptimizerStateDict
{
    /// <summary>torch's layout, <c>{"state": {0: {...}, ...}, "param_groups": [{..., "params": [0, 1]}]}</c>, with
    /// pairs such as betas as tuples: what <see cref="Io.TorchCheckpoint.Save"/> writes for torch to load.</summary>
    public Dictionary<string, object?> ToCheckpoint() => new()
    {
        ["state"] = State.ToDictionary(s => s.Key, s => (object?)s.Value.ToDictionary(e => e.Key, e => Plain(e.Value))),
        ["param_groups"] = ParamGroups.Select(g => (object?)g.ToDictionary(e => e.Key, e => Plain(e.Value))).ToList(),
    };

    /// <summary>Reads the tree <see cref="Io.TorchCheckpoint.Load"/> gives for a saved <c>optimizer.state_dict()</c>
    /// (torch's or <see cref="ToCheckpoint"/>'s); tuples of two numbers become the (double, double) options use.</summary>
    public static OptimizerStateDict FromCheckpoint(object? tree)
    {
        var root = Dict(tree, "an optimizer state_dict").Where(e => e.Key is string).ToDictionary(e => (string)e.Key, e => e.Value);
        if (!root.TryGetValue("state", out var stateTree) || !root.TryGetValue("param_groups", out var groupsTree))
            throw new ArgumentException("an optimizer state_dict needs 'state' and 'param_groups'");
        var state = new Dictionary<long, Dictionary<string, object?>>();
        foreach (var (key, value) in Dict(stateTree, "'state'"))
            state[Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture)] = Options(value, "a parameter's state");
        var groups = groupsTree is IList list
            ? list.Cast<object?>().Select(g => Options(g, "a parameter group")).ToList()
            : throw new ArgumentException("'param_groups' is not a list");
        return new OptimizerStateDict(state, groups);
    }

    static object? Plain(object? value) => value switch
    {
        ValueTuple<double, double> p => new PickleTuple([p.Item1, p.Item2]),
        _ => value,
    };

    static Dictionary<string, object?> Options(object? tree, string what)
    {
        var options = new Dictionary<string, object?>();
        foreach (var (key, value) in Dict(tree, what))
            options[key as string ?? throw new ArgumentException($"{what} has a key that is not a string: {key}")] = value switch
            {
                PickleTuple { Items: [double a, double b] } => (a, b),
                _ => value,
            };
        return options;
    }

    static List<(object Key, object? Value)> Dict(object? tree, string what) => tree switch
    {
        IEnumerable<KeyValuePair<object, object?>> pairs => pairs.Select(p => (p.Key, p.Value)).ToList(), // what TorchCheckpoint reads
        IDictionary d => d.Cast<DictionaryEntry>().Select(e => (e.Key, e.Value)).ToList(),
        _ => throw new ArgumentException($"{what} is not a dictionary but {tree?.GetType().Name ?? "null"}"),
    };
}

namespace Bridge.Optim;

/// <summary>
/// One of an optimizer's parameter groups: its parameters and its options (torch's param_group dict), keyed by
/// torch's names ("lr", "betas", "weight_decay", ...). Options are read at every step, so a scheduler or the user
/// changes a group's learning rate by writing <c>group["lr"]</c>.
/// </summary>
public sealed class ParamGroup
{
    /// <summary>
    /// A group of <paramref name="parameters"/> with its own <paramref name="options"/> (torch's <c>{"params": [...],
    /// "lr": ...}</c>); options left out take the optimizer's defaults.
    /// </summary>
    public ParamGroup(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object>? options = null)
    {
        Params = parameters.ToList();
        if (options is not null)
            foreach (var (key, value) in options) Options[key] = value;
    }

    /// <summary>The group's parameters, in order.</summary>
    public List<Tensor> Params { get; }

    /// <summary>Options by torch's name: doubles, bools, ints, <c>(double, double)</c> for betas, strings or null.</summary>
    public Dictionary<string, object?> Options { get; } = [];

    /// <summary>
    /// The option named <paramref name="key"/> (torch's spelling, e.g. <c>"lr"</c>); setting adds or replaces it.
    /// </summary>
    /// <exception cref="KeyNotFoundException">Getting an option the group does not have.</exception>
    public object? this[string key]
    {
        get => Options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"parameter group has no option '{key}'");
        set => Options[key] = value;
    }

    /// <summary>The learning rate (torch's <c>group['lr']</c>).</summary>
    public double LearningRate
    {
        get => Double("lr");
        set => Options["lr"] = value;
    }

    /// <summary>The option <paramref name="key"/> as a double (stored as double, float, int or long).</summary>
    /// <exception cref="KeyNotFoundException">No such option.</exception>
    /// <exception cref="InvalidCastException">The option is not a number.</exception>
    public double Double(string key) => this[key] switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        var other => throw new InvalidCastException($"option '{key}' is {other ?? "null"}, not a number"),
    };

    /// <summary>The option <paramref name="key"/> as a bool.</summary>
    /// <exception cref="KeyNotFoundException">No such option.</exception>
    /// <exception cref="InvalidCastException">The option is not a bool.</exception>
    public bool Bool(string key) => this[key] is bool b ? b : throw new InvalidCastException($"option '{key}' is {this[key] ?? "null"}, not a bool");

    /// <summary>
    /// The option <paramref name="key"/> as a pair, e.g. <c>"betas"</c> (stored as a tuple or a two-element array).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such option.</exception>
    /// <exception cref="InvalidCastException">The option is not a pair of numbers.</exception>
    public (double, double) Pair(string key) => this[key] switch
    {
        ValueTuple<double, double> p => p,
        double[] { Length: 2 } a => (a[0], a[1]),
        var other => throw new InvalidCastException($"option '{key}' is {other ?? "null"}, not a pair of numbers"),
    };
}

/// <summary>
/// An optimizer's state in torch's <c>state_dict()</c> layout: per-parameter state keyed by the parameter's
/// position across all groups (0, 1, ...), and each group's options with "params" listing those positions.
/// </summary>
public sealed partial record OptimizerStateDict(Dictionary<long, Dictionary<string, object?>> State, List<Dictionary<string, object?>> ParamGroups);

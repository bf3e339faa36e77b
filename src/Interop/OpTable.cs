namespace Bridge.Interop;

/// <summary>An op of the C ABI: reads its arguments, returns one value (None for in-place ops).</summary>
delegate Value Op(Args args);

/// <summary>
/// Every op reachable through <c>bridge_call</c>, by name. Callers resolve a name to an id once
/// (<c>bridge_op_id</c>) and call by id, so dispatch is an array index. Names follow torch's Python names,
/// with a suffix where one torch name covers several signatures (<c>add_scalar</c>, <c>sum_dim</c>).
/// </summary>
static partial class OpTable
{
    static readonly List<(string Name, Op Fn)> Ops = [];
    static readonly Dictionary<string, int> Ids = [];

    static OpTable()
    {
        RegisterDeclared();
        RegisterCreation();
        RegisterMath();
        RegisterReductions();
        RegisterShape();
        RegisterIndexing();
        RegisterRandom();
        RegisterAutograd();
        RegisterNn();
        RegisterNnApi();
        RegisterConv();
        RegisterSequence();
        RegisterOptim();
        RegisterData();
        RegisterDTypes();
        RegisterIo();
        RegisterDistributed();
        RegisterCuda();
        RegisterCompile();
        RegisterComposites();
        RegisterSpecial();
        RegisterScans();
    }

    static void Add(string name, Op fn)
    {
        Ids.Add(name, Ops.Count);
        Ops.Add((name, fn));
    }

    public static int Id(string name) =>
        Ids.TryGetValue(name, out int id) ? id : throw new NotImplementedException($"bridge has no op named '{name}'");

    public static Value Call(int id, ReadOnlySpan<Value> args)
    {
        if ((uint)id >= (uint)Ops.Count) throw new ArgumentOutOfRangeException(nameof(id), $"no op with id {id} (there are {Ops.Count})");
        var (name, fn) = Ops[id];
        return fn(new Args(name, args));
    }

    static Value T(Tensor t) => Value.Of(t);
}

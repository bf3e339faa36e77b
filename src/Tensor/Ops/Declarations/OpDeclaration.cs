namespace Bridge.Ops;

/// <summary>How an op is called, which decides how the C ABI, the facades and the generic tests drive it.</summary>
public enum OpFamily
{
    /// <summary>f(Tensor) -> Tensor, elementwise.</summary>
    Unary,

    /// <summary>f(Tensor, Tensor) -> Tensor, elementwise with broadcasting and type promotion.</summary>
    Binary,

    /// <summary>f(Tensor, Tensor) -> bool Tensor, elementwise with broadcasting.</summary>
    Comparison,

    /// <summary>f(Tensor) -> 0-d Tensor over all elements.</summary>
    Reduction,
}

/// <summary>Which tensors a backward formula reads; they are saved with the node and version-checked before it runs.</summary>
public enum Saves
{
    /// <summary>The backward reads nothing saved (e.g. neg: <c>-grad</c>).</summary>
    Nothing,
    /// <summary>The backward reads the input <c>x</c> (self).</summary>
    Input,
    /// <summary>The backward reads the result <c>y</c>.</summary>
    Result,
}

/// <summary>
/// An op's derivative, derivatives.yaml-style: torch's backward node name and the formula as text, or an explicit
/// "not differentiable" with the reason. There is no third state: a declaration without one does not compile.
/// </summary>
public sealed class Gradient
{
    Gradient(string? node, string formula, bool inForward)
    {
        Node = node;
        Formula = formula;
        IsWrittenInForward = inForward;
    }

    /// <summary>torch's backward node name (<c>TanhBackward0</c>); null when the op is not differentiable.</summary>
    public string? Node { get; }

    /// <summary>The formula in derivatives.yaml's notation (<c>grad * (1 - result^2)</c>), or why there is none.</summary>
    public string Formula { get; }

    /// <summary>False for ops declared <see cref="NotDifferentiable"/>: autograd records no node for them.</summary>
    public bool IsDifferentiable => Node is not null;

    /// <summary>True when the rule is written beside the op's forward (multi-input ops) rather than in the declaration.</summary>
    public bool IsWrittenInForward { get; }

    /// <summary>The rule is the declaration's own <c>backward</c> delegate.</summary>
    public static Gradient Declared(string node, string formula) => new(node, formula, inForward: false);

    /// <summary>The rule is recorded by the forward method the declaration points at (binary ops, reductions).</summary>
    public static Gradient InForward(string node, string formula) => new(node, formula, inForward: true);

    /// <summary>The op has no gradient (integer or boolean results); autograd records nothing.</summary>
    public static Gradient NotDifferentiable(string why) => new(null, why, inForward: false);

    /// <summary><c>Node: formula</c>, or <c>not differentiable: why</c>.</summary>
    public override string ToString() => Node is null ? $"not differentiable: {Formula}" : $"{Node}: {Formula}";
}

/// <summary>
/// One op, declared once (native_functions.yaml + derivatives.yaml in one entry): its torch and .NET names,
/// signature, dtypes, kernel, gradient and one-line doc. The C ABI registers from it, the facades and the
/// Python binding are generated from it, and the test registry requires samples for it.
/// </summary>
public abstract class OpDeclaration
{
    private protected OpDeclaration(string torchName, string dotNetName, OpFamily family, string signature, DType[] dtypes, string? kernel, Gradient gradient, string doc, Surface surface)
    {
        TorchName = torchName;
        DotNetName = dotNetName;
        Family = family;
        Signature = signature;
        DTypes = dtypes;
        Kernel = kernel;
        Gradient = gradient;
        Doc = doc;
        Surface = surface;
    }

    /// <summary>The name in torch and in the C ABI (<c>tanh</c>).</summary>
    public string TorchName { get; }

    /// <summary>The .NET name (<c>Tanh</c>): <c>Tensor.Tanh()</c>, <c>Torch.Tanh(x)</c>.</summary>
    public string DotNetName { get; }

    /// <summary>How the op is called (unary, binary, comparison, reduction).</summary>
    public OpFamily Family { get; }

    /// <summary>torch's schema (<c>tanh(Tensor self) -&gt; Tensor</c>).</summary>
    public string Signature { get; }

    /// <summary>Input dtypes the op accepts; others are promoted first (int64 to float32 for float-only ops) or rejected.</summary>
    public IReadOnlyList<DType> DTypes { get; }

    /// <summary>The operator's declared kernel name (<c>tanh</c>: CPU struct <c>Name</c>, CUDA <c>un_tanh_f32</c>), or null for composite ops.</summary>
    public string? Kernel { get; }

    /// <summary>The op's derivative, or the reason it has none.</summary>
    public Gradient Gradient { get; }

    /// <summary>One line for docs, IntelliSense and Python's help().</summary>
    public string Doc { get; }

    /// <summary>Where the op appears besides the C ABI.</summary>
    public Surface Surface { get; }

    /// <summary>torch's schema, e.g. <c>tanh(Tensor self) -&gt; Tensor</c>.</summary>
    public override string ToString() => Signature;
}

/// <summary>The API surfaces an op is published on (the C ABI always).</summary>
[Flags]
public enum Surface
{
    /// <summary>C ABI only (the facades are hand-written operators or overloads).</summary>
    Abi = 0,

    /// <summary>Generated <c>Tensor.X()</c>, <c>Torch.X(x)</c> and the Python method and function.</summary>
    Tensor = 1,

    /// <summary>Also <c>Functional.X</c> and <c>bridge.nn.functional.x</c>.</summary>
    Functional = 2,

    /// <summary>Also the in-place form: <c>Tensor.X_()</c>, the ABI's <c>x_</c> and <c>bridge.Tensor.x_</c>.</summary>
    InPlace = 4,
}

/// <summary>An elementwise op of one tensor.</summary>
public sealed class UnaryOp : OpDeclaration
{
    readonly Func<Tensor, Tensor> _forward;
    readonly Func<Tensor, Func<Tensor, Tensor>, Tensor> _inPlace;

    internal UnaryOp(string torchName, string dotNetName, DType[] dtypes, string? kernel, Gradient gradient, string doc, Surface surface,
        Func<Tensor, Tensor> forward, Func<Tensor, Func<Tensor, Tensor>, Tensor> inPlace)
        : base(torchName, dotNetName, OpFamily.Unary, $"{torchName}(Tensor self) -> Tensor", dtypes, kernel, gradient, doc, surface)
    {
        _forward = forward;
        _inPlace = inPlace;
    }

    /// <summary>Runs the op (with autograd recording).</summary>
    public Tensor Apply(Tensor x) => _forward(x);

    /// <summary>Runs the op in place on <paramref name="x"/> and returns it (recorded out of place and written back under autograd).</summary>
    public Tensor ApplyInPlace(Tensor x) => _inPlace(x, _forward);
}

/// <summary>An elementwise op of two tensors (broadcast, promoted), or a comparison.</summary>
public sealed class BinaryOp : OpDeclaration
{
    readonly Func<Tensor, Tensor, Tensor> _forward;

    internal BinaryOp(string torchName, string dotNetName, OpFamily family, DType[] dtypes, string? kernel, Gradient gradient, string doc, Func<Tensor, Tensor, Tensor> forward)
        : base(torchName, dotNetName, family, $"{torchName}(Tensor self, Tensor other) -> Tensor", dtypes, kernel, gradient, doc, Surface.Abi) => _forward = forward;

    /// <summary>
    /// Runs the op on <paramref name="a"/> and <paramref name="b"/> (broadcast, promoted; with autograd recording).
    /// </summary>
    public Tensor Apply(Tensor a, Tensor b) => _forward(a, b);
}

/// <summary>A reduction of a whole tensor to a 0-d result.</summary>
public sealed class ReductionOp : OpDeclaration
{
    readonly Func<Tensor, Tensor> _forward;

    internal ReductionOp(string torchName, string dotNetName, DType[] dtypes, string? kernel, Gradient gradient, string doc, Func<Tensor, Tensor> forward)
        : base(torchName, dotNetName, OpFamily.Reduction, $"{torchName}(Tensor self) -> Tensor", dtypes, kernel, gradient, doc, Surface.Abi) => _forward = forward;

    /// <summary>
    /// Runs the reduction over every element of <paramref name="x"/> to a 0-d tensor (with autograd recording).
    /// </summary>
    public Tensor Apply(Tensor x) => _forward(x);
}

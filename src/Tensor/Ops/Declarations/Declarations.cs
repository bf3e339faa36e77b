namespace Bridge.Ops;

/// <summary>
/// Every declared op, one entry each, in one file per family (Unary.cs, Binary.cs, Reductions.cs). An entry is
/// a field initialised through <see cref="Declare{T}"/>, which also lists it in <see cref="All"/>: one place to
/// add an op, no reflection. Ops composed from declared ops (reciprocal = 1 / x) need no entry, as in ATen.
/// </summary>
public static partial class Declarations
{
    // No initializer: the fields of the family files may initialise (and call Declare) before this one would.
    static List<OpDeclaration>? s_all;

    // Properties, not fields: the family files' initializers may run before any field initializer of this file.
    internal static DType[] Floating => [DType.Float32, DType.Float64];
    internal static DType[] Numeric => [DType.Float32, DType.Float64, DType.Int64];
    internal static DType[] Any => [DType.Float32, DType.Float64, DType.Int64, DType.Bool];

    /// <summary>All declared ops, in declaration order.</summary>
    public static IReadOnlyList<OpDeclaration> All
    {
        get
        {
            // Touching one field runs every initializer of the class, in all partial files.
            _ = Neg;
            return s_all!;
        }
    }

    /// <summary>The op with torch name <paramref name="torchName"/>, or null.</summary>
    public static OpDeclaration? Find(string torchName) => All.FirstOrDefault(d => d.TorchName == torchName);

    static T Declare<T>(T declaration) where T : OpDeclaration
    {
        (s_all ??= []).Add(declaration);
        return declaration;
    }
}

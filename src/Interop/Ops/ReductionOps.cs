namespace Bridge.Interop;

// Reductions along dims, sorting and selection, running sums and products, and the math ops that take more
// than tensors (lerp, nan_to_num, matmul's out=). Optional dims arrive as None (all dims).
static partial class OpTable
{
    static void RegisterReductions()
    {
        Add("var", a => T(a.Tensor(0).Var(a.IsNone(1) ? null : a.Ints(1), a.Double(2), a.Bool(3))));
        Add("std", a => T(a.Tensor(0).Std(a.IsNone(1) ? null : a.Ints(1), a.Double(2), a.Bool(3))));
        Add("logsumexp", a => T(a.Tensor(0).Logsumexp(a.Ints(1), a.Bool(2))));
        Add("amax", a => T(a.Tensor(0).Amax(a.Ints(1), a.Bool(2))));
        Add("amin", a => T(a.Tensor(0).Amin(a.Ints(1), a.Bool(2))));
        Add("any_dims", a => T(a.Tensor(0).Any(a.IsNone(1) ? [] : a.Ints(1), a.Bool(2))));
        Add("all_dims", a => T(a.Tensor(0).All(a.IsNone(1) ? [] : a.Ints(1), a.Bool(2))));
        Add("norm", a => T(a.Tensor(0).Norm(a.Double(1), a.IsNone(2) ? null : a.Ints(2), a.Bool(3))));
        Add("prod", a => T(a.Tensor(0).Prod(a.OptionalDType(1))));
        Add("prod_dim", a => T(a.Tensor(0).Prod(a.Int(1), a.Bool(2), a.OptionalDType(3))));
        Add("cumsum", a => T(a.Tensor(0).Cumsum(a.Int(1), a.OptionalDType(2))));
        Add("cumprod", a => T(a.Tensor(0).Cumprod(a.Int(1), a.OptionalDType(2))));
        Add("sort", a => { var (v, i) = a.Tensor(0).Sort(a.Int(1), a.Bool(2)); return Results.Tensors(v, i); });
        Add("argsort", a => T(a.Tensor(0).Argsort(a.Int(1), a.Bool(2))));
        Add("topk", a => { var (v, i) = a.Tensor(0).Topk(a.Int(1), a.Int(2), a.Bool(3), a.Bool(4)); return Results.Tensors(v, i); });
        Add("kthvalue", a => { var (v, i) = a.Tensor(0).Kthvalue(a.Int(1), a.Int(2), a.Bool(3)); return Results.Tensors(v, i); });
        Add("median", a => T(a.Tensor(0).Median()));
        Add("median_dim", a => { var (v, i) = a.Tensor(0).Median(a.Int(1), a.Bool(2)); return Results.Tensors(v, i); });
        Add("unique", a => { var (v, i, c) = a.Tensor(0).Unique(); return Results.Tensors(v, i, c); });
        Add("lerp", a => T(Tensor.Lerp(a.Tensor(0), a.Tensor(1), a.Tensor(2))));
        Add("lerp_scalar", a => T(Tensor.Lerp(a.Tensor(0), a.Tensor(1), a.Double(2))));
        Add("nan_to_num", a => T(a.Tensor(0).NanToNum(a.Double(1), a.OptionalDouble(2), a.OptionalDouble(3))));
        InPlace("matmul_out", a => Tensor.MatMul(a.Tensor(0), a.Tensor(1), a.Tensor(2)));
    }
}

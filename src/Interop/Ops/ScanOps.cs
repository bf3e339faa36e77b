namespace Bridge.Interop;

// Running extremes, logcumsumexp, the binary searches and quantiles (Tensor.Scans.cs, Tensor.Quantile.cs).
static partial class OpTable
{
    static void RegisterScans()
    {
        Add("cummax", a => { var (v, i) = a.Tensor(0).Cummax(a.Int(1)); return Results.Tensors(v, i); });
        Add("cummin", a => { var (v, i) = a.Tensor(0).Cummin(a.Int(1)); return Results.Tensors(v, i); });
        Add("logcumsumexp", a => T(a.Tensor(0).Logcumsumexp(a.Int(1))));
        Add("searchsorted", a => T(Tensor.SearchSorted(a.Tensor(0), a.Tensor(1), a.Bool(2), a.Bool(3))));
        Add("quantile", a => T(a.Tensor(0).Quantile(a.Tensor(1), a.OptionalInt(2), a.Bool(3), a.String(4))));
        Add("nanquantile", a => T(a.Tensor(0).Nanquantile(a.Tensor(1), a.OptionalInt(2), a.Bool(3), a.String(4))));
    }
}

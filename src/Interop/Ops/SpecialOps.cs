namespace Bridge.Interop;

// torch.polygamma, torch.mvlgamma and the torch.special functions composed in Torch.Special (the declared special
// ops, erfc/lgamma/digamma/i0/special_i0e/special_i1/special_i1e, register with the other declarations).
static partial class OpTable
{
    static void RegisterSpecial()
    {
        Add("polygamma", a => T(a.Tensor(1).Polygamma(a.Int(0))));
        InPlace("polygamma_", a => a.Tensor(0).Polygamma_(a.Int(1)));
        Add("mvlgamma", a => T(a.Tensor(0).Mvlgamma(a.Int(1))));
        InPlace("mvlgamma_", a => a.Tensor(0).Mvlgamma_(a.Int(1)));
        Add("special_xlog1py", a => T(Torch.Special.Xlog1py(a.Tensor(0), a.Tensor(1))));
        Add("special_ndtr", a => T(Torch.Special.Ndtr(a.Tensor(0))));
    }
}

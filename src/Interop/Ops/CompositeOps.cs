namespace Bridge.Interop;

// The composite ops of Tensor.Composites.cs (short compositions of existing ops), one entry each.
static partial class OpTable
{
    static void RegisterComposites()
    {
        Add("addcmul", a => T(a.Tensor(0).Addcmul(a.Tensor(1), a.Tensor(2), a.Double(3))));
        Add("addcdiv", a => T(a.Tensor(0).Addcdiv(a.Tensor(1), a.Tensor(2), a.Double(3))));
        Add("xlogy", a => T(a.Tensor(0).Xlogy(a.Tensor(1))));
        Add("sinc", a => T(a.Tensor(0).Sinc()));
        Add("logit", a => T(a.Tensor(0).Logit(a.OptionalDouble(1))));
        Add("signbit", a => T(a.Tensor(0).SignBit()));
        Add("copysign", a => T(a.Tensor(0).Copysign(a.Tensor(1))));
        Add("heaviside", a => T(a.Tensor(0).Heaviside(a.Tensor(1))));
        Add("float_power", a => T(a.IsTensor(1) ? a.Tensor(0).FloatPower(a.Tensor(1)) : a.Tensor(0).FloatPower(a.Double(1))));
        Add("nansum", a => T(a.Tensor(0).Nansum(a.IsNone(1) ? null : a.Ints(1), a.Bool(2))));
        Add("nanmean", a => T(a.Tensor(0).Nanmean(a.IsNone(1) ? null : a.Ints(1), a.Bool(2))));
        Add("diff", a => T(a.Tensor(0).Diff(a.Int(1), a.Int(2), a.OptionalTensor(3), a.OptionalTensor(4))));
        Add("inner", a => T(a.Tensor(0).Inner(a.Tensor(1))));
        Add("vdot", a => T(a.Tensor(0).Vdot(a.Tensor(1))));
        Add("kron", a => T(a.Tensor(0).Kron(a.Tensor(1))));
        Add("addmv", a => T(a.Tensor(0).Addmv(a.Tensor(1), a.Tensor(2), a.Double(3), a.Double(4))));
        Add("addr", a => T(a.Tensor(0).Addr(a.Tensor(1), a.Tensor(2), a.Double(3), a.Double(4))));
        Add("addbmm", a => T(a.Tensor(0).Addbmm(a.Tensor(1), a.Tensor(2), a.Double(3), a.Double(4))));
        Add("cross", a => T(a.Tensor(0).Cross(a.Tensor(1), a.OptionalInt(2))));
        Add("aminmax", a => { var (min, max) = a.Tensor(0).Aminmax(a.OptionalInt(1), a.Bool(2)); return Results.Tensors(min, max); });
        Add("narrow_copy", a => T(a.Tensor(0).NarrowCopy(a.Int(1), a.Long(2), a.Long(3))));
        Add("vstack", a => T(Torch.Vstack(a.Tensors(0))));
        Add("hstack", a => T(Torch.Hstack(a.Tensors(0))));
        Add("dstack", a => T(Torch.Dstack(a.Tensors(0))));
        Add("column_stack", a => T(Torch.ColumnStack(a.Tensors(0))));
    }
}

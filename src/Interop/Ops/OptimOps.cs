using Bridge.Autograd;
using Bridge.Optim;

namespace Bridge.Interop;

// torch.optim's per-parameter updates (Bridge.Optim.Updates): Python keeps the groups and the state dict, as torch
// does, and hands each parameter's tensors here, so both languages run one implementation of every update.
static partial class OpTable
{
    static void RegisterOptim()
    {
        Add("optim_sgd", a =>
        {
            using var off = GradMode.Set(false); return Value.Of(Updates.Sgd(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Double(3), a.Double(4),
            a.Double(5), a.Double(6), a.Bool(7), a.Bool(8)));
        });
        Add("optim_adam", a =>
        {
            using var off = GradMode.Set(false); Updates.Adam(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3), a.OptionalTensor(4), a.Tensor(5),
            a.Double(6), a.Double(7), a.Double(8), a.Double(9), a.Double(10), a.Bool(11), a.Bool(12), a.Bool(13)); return Value.None;
        });
        Add("optim_rmsprop", a =>
        {
            using var off = GradMode.Set(false); Updates.RmsProp(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.OptionalTensor(3), a.OptionalTensor(4),
            a.Double(5), a.Double(6), a.Double(7), a.Double(8), a.Double(9), a.Bool(10), a.Bool(11)); return Value.None;
        });
        Add("optim_adagrad", a =>
        {
            using var off = GradMode.Set(false); Updates.Adagrad(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3),
            a.Double(4), a.Double(5), a.Double(6), a.Double(7), a.Bool(8)); return Value.None;
        });
        Add("optim_adadelta", a =>
        {
            using var off = GradMode.Set(false); Updates.Adadelta(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3),
            a.Double(4), a.Double(5), a.Double(6), a.Double(7), a.Bool(8)); return Value.None;
        });
        Add("optim_adamax", a =>
        {
            using var off = GradMode.Set(false); Updates.Adamax(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3), a.Tensor(4),
            a.Double(5), a.Double(6), a.Double(7), a.Double(8), a.Double(9), a.Bool(10)); return Value.None;
        });
        Add("optim_nadam", a =>
        {
            using var off = GradMode.Set(false); Updates.NAdam(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3), a.Tensor(4), a.Tensor(5),
            a.Double(6), a.Double(7), a.Double(8), a.Double(9), a.Double(10), a.Double(11)); return Value.None;
        });
        Add("optim_radam", a =>
        {
            using var off = GradMode.Set(false); Updates.RAdam(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Tensor(3), a.Tensor(4),
            a.Double(5), a.Double(6), a.Double(7), a.Double(8), a.Double(9)); return Value.None;
        });
    }
}

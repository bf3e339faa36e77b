using Bridge.Autograd;

namespace Bridge.Interop;

// Autograd state of tensors and the thread's grad mode.
static partial class OpTable
{
    static void RegisterAutograd()
    {
        Add("backward", a => { a.Tensor(0).Backward(a.OptionalTensor(1), a.Bool(2)); return Value.None; });
        Add("grad", a => Value.Of(a.Tensor(0).Grad));
        Add("set_grad", a => { a.Tensor(0).Grad = a.OptionalTensor(1); return Value.None; });
        InPlace("requires_grad_", a => a.Tensor(0).RequiresGrad_(a.Bool(1, true)));
        Add("grad_fn", a => a.Tensor(0).GradFn is Node n ? Results.String(n.Name) : Value.None);
        Add("format", a => Results.String(a.Tensor(0).ToString()));
    }
}

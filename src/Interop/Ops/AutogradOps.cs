using Bridge.Autograd;

namespace Bridge.Interop;

// Autograd state of tensors and the thread's grad mode; autograd.grad, tensor hooks and custom functions
// (whose Python callbacks go through PythonCallbacks).
static partial class OpTable
{
    static void RegisterAutograd()
    {
        // backward(t, gradient, retain_graph (None: = create_graph), create_graph)
        Add("backward", a =>
        {
            a.Tensor(0).Backward(a.OptionalTensor(1), a.IsNone(2) ? null : a.Bool(2), a.Bool(3));
            return Value.None;
        });
        Add("grad", a => Value.Of(a.Tensor(0).Grad));
        Add("set_grad", a => { a.Tensor(0).Grad = a.OptionalTensor(1); return Value.None; });
        InPlace("requires_grad_", a => a.Tensor(0).RequiresGrad_(a.Bool(1, true)));
        Add("grad_fn", a => a.Tensor(0).GradFn is Node n ? Results.String(n.Name) : Value.None);
        // The node itself (grad_fn objects that walk the graph), its name, and its next_functions as the nodes (None
        // where an input needs no gradient) and their input slots.
        Add("grad_fn_node", a => a.Tensor(0).GradFn is Node n ? Value.Object(n) : Value.None);
        Add("node_name", a => Results.String(a.Object<Node>(0).Name));
        Add("node_next_function", a => a.Object<Node>(0).NextFunctions[a.Int(1)].Function is Node n ? Value.Object(n) : Value.None);
        Add("node_variable", a => a.Object<Node>(0) is AccumulateGrad acc ? Value.Of(acc.Leaf) : Value.None);
        Add("node_next_input_nrs", a => Results.Ints([.. a.Object<Node>(0).NextFunctions.Select(e => e.InputNr)]));
        Add("format", a => Results.String(a.Tensor(0).ToString()));
        // autograd_grad(outputs, inputs, grad_outputs, retain_graph (None: = create_graph), create_graph, allow_unused)
        Add("autograd_grad", a =>
        {
            var grads = Torch.Autograd.Grad(a.Tensors(0), a.Tensors(1), a.Tensors(2), a.IsNone(3) ? null : a.Bool(3), a.Bool(4), a.Bool(5));
            return Results.Tensors(grads);
        });
        InPlace("detach_", a => a.Tensor(0).Detach_());
        Add("retain_grad", a => { a.Tensor(0).RetainGrad(); return Value.None; });
        Add("retains_grad", a => Value.Bool(a.Tensor(0).RetainsGrad));
        Add("set_python_callback", a => { PythonCallbacks.Set(a.Long(0)); return Value.None; });
        // register_hook(t, token): the hook object stays in the caller's table under token until the node dies.
        Add("register_hook", a => Value.Object(PythonCallbacks.RegisterHook(a.Tensor(0), a.Long(1))));
        Add("hook_remove", a => { a.Object<IDisposable>(0).Dispose(); return Value.None; });
        // custom_function(name, token, inputs, input_positions, nargs, outputs, saved, saved_positions, nsaved, dirty, non_differentiable, materialize)
        Add("custom_function", a => Results.Tensors(PythonCallbacks.ApplyFunction(a.String(0), a.Long(1), a.Tensors(2), a.Ints(3), a.Int(4),
            a.Tensors(5), a.Tensors(6), a.Ints(7), a.Int(8), a.Ints(9), a.Ints(10), a.Bool(11))));
    }
}

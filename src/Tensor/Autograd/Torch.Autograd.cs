using Bridge.Autograd;

namespace Bridge;

public static partial class Torch
{
    /// <summary>
    /// torch.inference_mode: no recording until the scope is disposed (<paramref name="mode"/> false leaves grad mode as
    /// it is). Tensors made inside are ordinary tensors: Bridge does not mark inference tensors.
    /// </summary>
    public static GradMode.Scope InferenceMode(bool mode = true) => GradMode.Set(!mode && GradMode.IsEnabled);

    /// <summary>torch.autograd: gradients of chosen outputs with respect to chosen inputs, and higher-order tools.</summary>
    public static class Autograd
    {
        /// <summary>
        /// Σ over <paramref name="outputs"/> of grad_output·∂output/∂input, for each of <paramref name="inputs"/>, without
        /// touching any .grad (torch.autograd.grad). A null grad output means ones (for one-element outputs); with
        /// <paramref name="createGraph"/> the result is differentiable (the graph is then kept unless
        /// <paramref name="retainGraph"/> is false); with <paramref name="allowUnused"/> an input the outputs do not depend on
        /// gets null instead of an error.
        /// </summary>
        public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null, bool? retainGraph = null,
            bool createGraph = false, bool allowUnused = false)
        {
            ArgumentNullException.ThrowIfNull(outputs);
            ArgumentNullException.ThrowIfNull(inputs);
            if (outputs.Length == 0) throw new ArgumentException("grad requires at least one output");
            return Engine.Run(outputs, gradOutputs ?? new Tensor?[outputs.Length], retainGraph ?? createGraph, createGraph, inputs, allowUnused);
        }

        /// <summary>The one-output, one-input form of <see cref="Grad(Tensor[], Tensor[], Tensor?[], bool?, bool, bool)"/>.</summary>
        public static Tensor Grad(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false) =>
            Grad([output], [input], [gradOutput], retainGraph, createGraph)[0]!;

        /// <summary>torch.autograd.functional: Jacobians and Hessians of functions of tensors.</summary>
        public static class Functional
        {
            /// <summary>
            /// ∂f(x)/∂x with shape f(x).shape + x.shape, one backward pass per output element (torch.autograd.functional.jacobian).
            /// With <paramref name="createGraph"/> the result is differentiable with respect to x.
            /// </summary>
            public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x, bool createGraph = false)
            {
                ArgumentNullException.ThrowIfNull(f);
                var input = createGraph && x.RequiresGrad ? x : x.Detach().RequiresGrad_(x.DType.IsFloatingPoint());
                Tensor output;
                using (GradMode.Set(true)) output = f(input);
                var flat = output.Reshape(-1);
                int n = flat.Numel32;
                var rows = new Tensor[n];
                for (int i = 0; i < n; i++)
                {
                    Tensor? g = null;
                    if (output.RequiresGrad)
                    {
                        var onehot = Zeros([n], output.DType, output.Device);
                        onehot.Detach()[i].Fill_(1);
                        g = Grad([flat], [input], [onehot], retainGraph: true, createGraph: createGraph, allowUnused: true)[0];
                    }
                    rows[i] = g ?? ZerosLike(input);
                }
                var jac = n == 0 ? Zeros([.. output.ShapeArray, .. x.ShapeArray], x.DType, x.Device) : Stack(rows).Reshape([.. output.ShapeArray, .. x.ShapeArray]);
                return createGraph ? jac : jac.Detach();
            }

            /// <summary>∂²f(x)/∂x² of a scalar function, shape x.shape + x.shape (torch.autograd.functional.hessian).</summary>
            public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor x, bool createGraph = false)
            {
                ArgumentNullException.ThrowIfNull(f);
                return Jacobian(v =>
                {
                    var y = f(v);
                    if (y.Numel() != 1) throw new InvalidOperationException("The function given to hessian should return a single element Tensor");
                    var g = Grad([y], [v], null, retainGraph: true, createGraph: true, allowUnused: true)[0];
                    return g ?? ZerosLike(v);
                }, x, createGraph);
            }
        }
    }
}

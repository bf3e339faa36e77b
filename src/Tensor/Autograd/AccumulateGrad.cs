using Bridge.Backends;

namespace Bridge.Autograd;

/// <summary>
/// The sink of a leaf that requires grad (torch's <c>AccumulateGrad</c>): every gradient edge into the leaf ends here,
/// so the engine sums them first, runs the leaf's tensor hooks on the sum, then adds it to <see cref="Tensor.Grad"/>
/// once, and runs the post-accumulate hooks. It runs as soon as it is ready (torch gives it the largest sequence number).
/// </summary>
internal sealed class AccumulateGrad : Node
{
    internal Tensor Leaf { get; }

    internal AccumulateGrad(Tensor leaf) : base("AccumulateGrad", [], 1, [])
    {
        Leaf = leaf;
        Sequence = long.MaxValue;
    }

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        if (gradOutputs[0] is not Tensor g) return [];
        Accumulate(Leaf, g);
        if (Leaf.HasGradHooks) Leaf.RunGradHooks();
        return [];
    }

    /// <summary>
    /// leaf.grad += g: a private copy the first time, in place afterwards so the grad tensor keeps its identity; under
    /// create_graph the sum is recorded (out of place) so that the gradient itself can be differentiated.
    /// Locked per leaf: backward passes on several threads may reach one leaf at once, and none may lose its share.
    /// </summary>
    internal static void Accumulate(Tensor leaf, Tensor g)
    {
        lock (leaf)
        {
            var grad = leaf.Grad;
            if (GradMode.IsEnabled)
            {
                leaf.Grad = grad is null ? (g.RequiresGrad ? g : Copy(leaf, g)) : grad + g;
                return;
            }
            if (grad is null)
            {
                var copy = Copy(leaf, g);
                leaf.Grad = copy;
                copy.Dispose(); // the grad slot's reference is the only one left
            }
            else if (grad.RequiresGrad)
            {
                leaf.Grad = grad.Detach() + g; // a grad made under create_graph is not overwritten in place
            }
            else
            {
                grad.Add_(g);
            }
        }
    }

    static Tensor Copy(Tensor leaf, Tensor g)
    {
        var copy = leaf.Fits32 ? Tensor.Allocate(leaf.ShapeArray, leaf.DType, leaf.Device, zero: false)
            : Tensor.Allocate64(leaf.Shape64, leaf.DType, leaf.Device, zero: false);
        Backend.Copy(g, copy);
        return copy;
    }
}

using Bridge.Autograd;

namespace Bridge;

// Where a tensor sits in the graph (its producer's output number, a leaf's accumulator) and the tensor hooks of torch:
// register_hook (may replace the gradient) and retain_grad (keeps a non-leaf's gradient in .grad).
public sealed partial class Tensor
{
    AccumulateGrad? _accumulator;

    /// <summary>Which output of <see cref="GradFn"/> this tensor is (0 except for custom functions with several outputs).</summary>
    internal int OutputNr;

    // Edges keep int sizes: a tensor past int.MaxValue elements still has each size in range (its offsets are not).
    int[] EdgeShape => _shape32 ?? (ShapeMath.AllFitInt32(_shape) ? ShapeMath.Narrow(_shape) : throw TensorTooLargeException.For(this));

    /// <summary>The node that receives this tensor's gradient: its producer, or for a leaf that requires grad its accumulator.</summary>
    internal Edge GradientEdge()
    {
        if (GradFn is Node f) return new Edge(f, OutputNr, EdgeShape);
        if (!RequiresGrad) return new Edge(null, 0, EdgeShape);
        if (_accumulator is null) Interlocked.CompareExchange(ref _accumulator, new AccumulateGrad(this), null);
        return new Edge(_accumulator, 0, EdgeShape);
    }

    /// <summary>
    /// Runs <paramref name="hook"/>(grad) each time a gradient for this tensor is computed, before it is used; a
    /// non-null result replaces the gradient (torch's <c>register_hook</c>). Dispose the result to remove it.
    /// </summary>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        var node = GradientEdge().Function!;
        var key = new object();
        node.AddPreHook(OutputNr, hook, key);
        return new PreHookRemoval(node, key);
    }

    /// <summary>Runs <paramref name="hook"/>(grad) on each gradient computed for this tensor (the gradient is kept).</summary>
    public IDisposable RegisterHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterHook(g => { hook(g); return null; });
    }

    /// <summary>Cuts this tensor from the graph in place (torch's <c>detach_</c>): it becomes a leaf that does not require grad.</summary>
    public Tensor Detach_()
    {
        if (ViewBase is not null && GradFn is not null)
            throw new InvalidOperationException("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
        GradFn = null;
        OutputNr = 0;
        RequiresGrad = false;
        return this;
    }

    /// <summary>True when this non-leaf keeps its gradient in <see cref="Grad"/> (<see cref="RetainGrad"/>).</summary>
    public bool RetainsGrad { get; private set; }

    /// <summary>Makes this non-leaf tensor keep the gradient backward computes for it in <see cref="Grad"/> (a leaf always does).</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || RetainsGrad) return;
        RetainsGrad = true;
        var self = new WeakReference<Tensor>(this); // the graph must not keep the tensor alive
        GradFn!.AddPreHook(OutputNr, g =>
        {
            if (!self.TryGetTarget(out var t)) return null;
            lock (t)
            {
                if (t.Grad is null)
                {
                    var copy = g.RequiresGrad ? g : g.Detach().Clone();
                    t.Grad = copy;
                    if (!ReferenceEquals(copy, g)) copy.Dispose(); // the slot holds it
                }
                else t.Grad = t.Grad + g;
            }
            return null;
        }, new object());
    }

    sealed class PreHookRemoval(Node node, object key) : IDisposable
    {
        public void Dispose() => node.RemovePreHook(key);
    }
}

using Bridge.Autograd;
using Bridge.Backends;

using static Bridge.Torch;

namespace Bridge;

// In-place writes and views as torch's autograd sees them. A view remembers its base (the tensor that owns the
// memory's history); an in-place op on the view rewrites the base's history (torch's CopySlices: the base's new
// gradient is the old one outside the written region, and the op's gradient inside it), and every view of the base
// then derives its gradient from the base's new history (torch's AsStridedBackward, regenerated lazily).
public sealed partial class Tensor
{
    Node? _gradFn;

    /// <summary>The tensor whose memory this view shows, for autograd (the root: never itself a view); null if not a view.</summary>
    internal Tensor? ViewBase { get; private set; }

    // Times this tensor's history was rewritten by an in-place op (as a base), and the count a view last derived from.
    int _rebases;
    int _seenRebases;

    /// <summary>The node that produced this tensor; null for leaves.</summary>
    public Node? GradFn
    {
        get
        {
            if (ViewBase is Tensor b && b._rebases != _seenRebases) RegenerateViewGradFn(b);
            return _gradFn;
        }
        internal set
        {
            _gradFn = value;
            if (ViewBase is Tensor b) _seenRebases = b._rebases;
        }
    }

    /// <summary>Marks <paramref name="view"/> as showing this tensor's memory (called for every view op).</summary>
    internal Tensor AsViewOf(Tensor view)
    {
        var root = ViewBase ?? this;
        view.ViewBase = root;
        view._seenRebases = root._rebases;
        return view;
    }

    /// <summary>A view whose history is the base's newest (after the base was rewritten through another view).</summary>
    void RegenerateViewGradFn(Tensor b)
    {
        lock (this)
        {
            if (b._rebases == _seenRebases) return;
            _seenRebases = b._rebases;
            if (!b.RequiresGrad)
            {
                _gradFn = null;
                return;
            }
            var geometry = ViewGeometry.Of(b, this);
            _gradFn = new Node("AsStridedBackward0", [b.GradientEdge()], g => [geometry.Embed(g)], []);
            OutputNr = 0;
        }
    }

    /// <summary>
    /// Writes <paramref name="result"/> (the op computed out of place, recorded when autograd is on) into this tensor and
    /// makes it this tensor's history: through the base when this is a view.
    /// </summary>
    internal void CommitInPlace(Tensor result)
    {
        Backend.Copy(result, this);
        BumpVersion();
        if (!GradMode.IsEnabled || !result.RequiresGrad) return;
        if (ViewBase is not Tensor b)
        {
            GradFn = result.GradFn;
            OutputNr = result.OutputNr;
            _rebases++;
            return;
        }
        var geometry = ViewGeometry.Of(b, this);
        var copySlices = new Node("CopySlices", [b.GradientEdge(), result.GradientEdge()], g => geometry.Split(g), []);
        b.GradFn = copySlices;
        b.OutputNr = 0;
        b._rebases++;
        _seenRebases = b._rebases;
        _gradFn = new Node("AsStridedBackward0", [b.GradientEdge()], g => [geometry.Embed(g)], []);
        OutputNr = 0;
    }

    /// <summary>torch's checks before an in-place write under autograd: not a leaf that requires grad, nor a view of one.</summary>
    internal void CheckLeafWrite()
    {
        if (!GradMode.IsEnabled) return;
        if (IsLeaf && RequiresGrad)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
        if (ViewBase is { RequiresGrad: true } b && b.IsLeaf)
            throw new InvalidOperationException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        CheckCustomFunctionAliasWrite();
    }

    /// <summary>torch refuses writes where one memory location is several elements (an expanded tensor): the result would depend on order.</summary>
    internal void CheckInternalOverlap()
    {
        for (int d = 0; d < _shape.Length; d++)
            if (_strides[d] == 0 && _shape[d] > 1)
                throw new InvalidOperationException("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
    }

    /// <summary>
    /// A view over the same memory at <paramref name="offset"/> elements from this tensor's first one (this tensor must be
    /// contiguous); its gradient is scattered back into zeros. Used by the view machinery in terms of a base's layout.
    /// </summary>
    internal Tensor AsStridedView(int[] shape, int[] strides, int offset)
    {
        var input = ShapeArray;
        var source = IsContiguous() ? this : Detach().Contiguous(); // the offsets count in a contiguous layout
        var view = new Tensor(source.Storage, DType, shape, strides, source.Offset32 + offset);
        if (!Recording.Needed(this)) return view;
        return Recording.Record(view, "AsStridedBackward0", [this], g => [ScatterIntoZeros(input, g, z => z.AsStridedView(shape, strides, offset))]);
    }

    /// <summary>Where a view sits in its base's memory, and the two maps between their gradients.</summary>
    sealed class ViewGeometry
    {
        int[] _order = [];    // the base's dims from outermost to innermost in memory
        int[] _inverse = [];
        int[] _layoutShape = [];
        int[] _shape = [];
        int[] _strides = [];
        int _offset;

        public static ViewGeometry Of(Tensor b, Tensor view)
        {
            var order = Enumerable.Range(0, b.Dim()).OrderByDescending(d => b.StridesArray[d]).ThenBy(d => d).ToArray();
            var layoutShape = order.Select(d => b.ShapeArray[d]).ToArray();
            var layoutStrides = order.Select(d => b.StridesArray[d]).ToArray();
            if (!ShapeMath.IsContiguous(layoutShape, layoutStrides))
                throw new NotSupportedException($"an in-place write through a view of a tensor whose memory has gaps or overlaps (strides {ShapeMath.FormatList(b.StridesArray)}) is not supported under autograd; clone() the base first");
            var inverse = new int[order.Length];
            for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
            return new ViewGeometry
            {
                _order = order,
                _inverse = inverse,
                _layoutShape = layoutShape,
                _shape = (int[])view.ShapeArray.Clone(),
                _strides = (int[])view.StridesArray.Clone(),
                _offset = view.Offset32 - b.Offset32,
            };
        }

        /// <summary>A base-shaped gradient laid out as the base's memory (contiguous), so view strides index it.</summary>
        Tensor Layout(Tensor g) => g.Permute(_order).Contiguous();

        /// <summary>CopySlices' backward: (the base gradient with the written region zeroed, the region for the op that wrote it).</summary>
        public Tensor?[] Split(Tensor g)
        {
            var layout = Layout(g);
            var mask = Ones(_layoutShape, g.DType, g.Device);
            using (GradMode.Set(false)) mask.AsStridedView(_shape, _strides, _offset).Fill_(0);
            return [(layout * mask).Permute(_inverse), layout.AsStridedView(_shape, _strides, _offset)];
        }

        /// <summary>A view's gradient placed into zeros of the base's shape (AsStridedBackward).</summary>
        public Tensor Embed(Tensor g) =>
            ScatterIntoZeros(_layoutShape, g, z => z.AsStridedView(_shape, _strides, _offset)).Permute(_inverse);
    }
}

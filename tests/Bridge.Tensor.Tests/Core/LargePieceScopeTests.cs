using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// The piecewise paths past 2^31 elements dispose each piece's temporaries with the piece (issue 16): under an
/// enclosing dispose scope (the C ABI opens one around every Python call) they used to pile up until the call ended,
/// 16 GiB for the sum of a 2 GiB uint8 tensor. Counted on <see cref="LargeTensorSupport.Far"/> views with lowered
/// piece sizes: the scope keeps a handful of tensors, not a few per piece.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargePieceScopeTests : OnTheCpu
{
    static int Kept(Func<Tensor, Tensor> op, Tensor far)
    {
        using var scope = Torch.NewDisposeScope();
        op(far);
        return scope.Count;
    }

    [TestMethod]
    public void PiecewiseOps_KeepNoPerPieceTemporariesInTheEnclosingScope()
    {
        Torch.ManualSeed(3);
        using var small = (Torch.Rand(6, 4, 40) * 5).To(DType.UInt8);
        var far = Far(small);
        using var _ = SmallPieces(8);
        using var __ = Lowered(typeof(Tensor), "IndexPiece", 8);
        var ops = new (string Name, Func<Tensor, Tensor> Op)[]
        {
            ("cumsum along a long line", x => x.Cumsum(2)),
            ("sum along a dim", x => x.Sum(2)),
            ("sort of short lines", x => x[.., .., 0..8].Sort(2).Values),
            ("nonzero", x => x.Nonzero()),
        };
        foreach (var (name, op) in ops)
        {
            int kept = Kept(op, far);
            // 240 lines or 120 pieces: a few temporaries each would be hundreds.
            Assert.IsTrue(kept <= 12, $"{name}: the scope kept {kept} tensors");
        }
    }
}

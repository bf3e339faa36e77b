using System.Numerics;
using Bridge.Autograd;

namespace Bridge.Nn;

/// <summary>
/// One time step of LSTM and GRU with the gate arithmetic fused: the caller does the two GEMMs (input and hidden
/// projections, biases included), the rest is one pass over the gates and one autograd node. CPU kernels; other
/// devices take the same math from differentiable ops.
/// </summary>
internal static partial class RecurrentCells
{
    /// <summary>
    /// LSTM step from projected gates xg + hg = [i | f | g | o] (each [B, H]) and c: c' = σf·c + σi·tanh g,
    /// h' = σo·tanh c'. Returns [B, 2H] = [h' | c'] (one node for two outputs; callers take the two halves as views).
    /// </summary>
    public static Tensor Lstm(Tensor xg, Tensor hg, Tensor c)
    {
        int b = c.Size32(0), h = c.Size32(1);
        if (xg.Device.IsCuda || !(xg.DType is DType.Float32 or DType.Float64)) return LstmComposed(xg, hg, c);
        var xs = xg.Contiguous();
        var hs = hg.Contiguous();
        var cs = c.Contiguous();
        Tensor hc, act;
        using (GradMode.Set(false))
        {
            hc = Tensor.Allocate([b, 2 * h], c.DType, Device.Cpu, zero: false);
            act = Tensor.Allocate([b, 5 * h], c.DType, Device.Cpu, zero: false); // σi, σf, tanh g, σo, tanh c'
            if (TorchExact(c.DType)) LstmForwardExact(xs, hs, cs, hc, act, b, h);
            else if (c.DType == DType.Float64) LstmForward(xs.ContiguousSpan<double>(), hs.ContiguousSpan<double>(), cs.ContiguousSpan<double>(), hc.ContiguousSpan<double>(), act.ContiguousSpan<double>(), b, h);
            else LstmForward(xs.ContiguousSpan<float>(), hs.ContiguousSpan<float>(), cs.ContiguousSpan<float>(), hc.ContiguousSpan<float>(), act.ContiguousSpan<float>(), b, h);
        }
        if (!GradMode.IsEnabled || !(xg.RequiresGrad || hg.RequiresGrad || c.RequiresGrad)) return hc;
        return Recording.Record(hc, "LstmCellBackward0", [xg, hg, c], g =>
        {
            if (GradMode.IsEnabled) return LstmBackwardRecorded(xg, hg, c, g); // create_graph
            var gc = g.Contiguous();
            var dGates = Tensor.Allocate([b, 4 * h], c.DType, Device.Cpu, zero: false);
            if (TorchExact(c.DType)) return LstmBackwardExact(gc, act, cs, b, h, xg.RequiresGrad, hg.RequiresGrad, c.RequiresGrad);
            var dC = Tensor.Allocate([b, h], c.DType, Device.Cpu, zero: false);
            if (c.DType == DType.Float64) LstmBackward(gc.ContiguousSpan<double>(), act.ContiguousSpan<double>(), cs.ContiguousSpan<double>(), dGates.ContiguousSpan<double>(), dC.ContiguousSpan<double>(), b, h);
            else LstmBackward(gc.ContiguousSpan<float>(), act.ContiguousSpan<float>(), cs.ContiguousSpan<float>(), dGates.ContiguousSpan<float>(), dC.ContiguousSpan<float>(), b, h);
            return [xg.RequiresGrad ? dGates : null, hg.RequiresGrad ? dGates : null, c.RequiresGrad ? dC : null];
        }, act, cs, xg, hg, c); // the gates too, as torch's fused cell saves them: create_graph recomputes from them
    }

    static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    static void LstmForward<T>(ReadOnlySpan<T> xg, ReadOnlySpan<T> hg, ReadOnlySpan<T> c, Span<T> hc, Span<T> act, int b, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < b; r++)
        {
            int gRow = r * 4 * h, aRow = r * 5 * h;
            for (int j = 0; j < h; j++)
            {
                T i = Sigmoid(xg[gRow + j] + hg[gRow + j]);
                T f = Sigmoid(xg[gRow + h + j] + hg[gRow + h + j]);
                T g = T.Tanh(xg[gRow + 2 * h + j] + hg[gRow + 2 * h + j]);
                T o = Sigmoid(xg[gRow + 3 * h + j] + hg[gRow + 3 * h + j]);
                T cNew = f * c[r * h + j] + i * g;
                T tc = T.Tanh(cNew);
                hc[r * 2 * h + j] = o * tc;
                hc[r * 2 * h + h + j] = cNew;
                act[aRow + j] = i;
                act[aRow + h + j] = f;
                act[aRow + 2 * h + j] = g;
                act[aRow + 3 * h + j] = o;
                act[aRow + 4 * h + j] = tc;
            }
        }
    }

    // dc = gc' + gh'·o·(1 - tanh²c'); di = dc·g·σ'(i), df = dc·c·σ'(f), dg = dc·i·(1 - g²), do = gh'·tanh c'·σ'(o); dc_prev = dc·f.
    static void LstmBackward<T>(ReadOnlySpan<T> ghc, ReadOnlySpan<T> act, ReadOnlySpan<T> c, Span<T> dGates, Span<T> dC, int b, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < b; r++)
        {
            int aRow = r * 5 * h, gRow = r * 4 * h;
            for (int j = 0; j < h; j++)
            {
                T i = act[aRow + j], f = act[aRow + h + j], g = act[aRow + 2 * h + j], o = act[aRow + 3 * h + j], tc = act[aRow + 4 * h + j];
                T gh = ghc[r * 2 * h + j], gcNext = ghc[r * 2 * h + h + j];
                T dc = gcNext + gh * o * (T.One - tc * tc);
                dGates[gRow + j] = dc * g * i * (T.One - i);
                dGates[gRow + h + j] = dc * c[r * h + j] * f * (T.One - f);
                dGates[gRow + 2 * h + j] = dc * i * (T.One - g * g);
                dGates[gRow + 3 * h + j] = gh * tc * o * (T.One - o);
                dC[r * h + j] = dc * f;
            }
        }
    }

    // The fused kernels' gradients from recorded ops, for create_graph: the same formulas, differentiable again.
    static Tensor?[] LstmBackwardRecorded(Tensor xg, Tensor hg, Tensor c, Tensor grad)
    {
        int h = c.Size32(1);
        var gates = xg + hg;
        var i = gates.Narrow(1, 0, h).Sigmoid();
        var f = gates.Narrow(1, h, h).Sigmoid();
        var g = gates.Narrow(1, 2 * h, h).Tanh();
        var o = gates.Narrow(1, 3 * h, h).Sigmoid();
        var tc = (f * c + i * g).Tanh();
        var gh = grad.Narrow(1, 0, h);
        var dc = grad.Narrow(1, h, h) + gh * o * (1.0 - tc * tc);
        var dGates = Tensor.Cat([dc * g * i * (1.0 - i), dc * c * f * (1.0 - f), dc * i * (1.0 - g * g), gh * tc * o * (1.0 - o)], 1);
        return [xg.RequiresGrad ? dGates : null, hg.RequiresGrad ? dGates : null, c.RequiresGrad ? dc * f : null];
    }

    static Tensor?[] GruBackwardRecorded(Tensor xg, Tensor hg, Tensor hPrev, Tensor grad)
    {
        int h = hPrev.Size32(1);
        var r = (xg.Narrow(1, 0, h) + hg.Narrow(1, 0, h)).Sigmoid();
        var z = (xg.Narrow(1, h, h) + hg.Narrow(1, h, h)).Sigmoid();
        var hn = hg.Narrow(1, 2 * h, h);
        var n = (xg.Narrow(1, 2 * h, h) + r * hn).Tanh();
        var dn = grad * (1.0 - z) * (1.0 - n * n);
        var dr = dn * hn * r * (1.0 - r);
        var dz = grad * (hPrev - n) * z * (1.0 - z);
        return [xg.RequiresGrad ? Tensor.Cat([dr, dz, dn], 1) : null, hg.RequiresGrad ? Tensor.Cat([dr, dz, dn * r], 1) : null,
            hPrev.RequiresGrad ? grad * z : null];
    }

    static Tensor LstmComposed(Tensor xg, Tensor hg, Tensor c)
    {
        int h = c.Size32(1);
        var gates = xg + hg;
        var i = gates.Narrow(1, 0, h).Sigmoid();
        var f = gates.Narrow(1, h, h).Sigmoid();
        var g = gates.Narrow(1, 2 * h, h).Tanh();
        var o = gates.Narrow(1, 3 * h, h).Sigmoid();
        var cNew = f * c + i * g;
        return Tensor.Cat([o * cNew.Tanh(), cNew], 1);
    }

    /// <summary>
    /// GRU step (torch's gate order r, z, n; hg includes b_hh): r = σ(xr + hr), z = σ(xz + hz),
    /// n = tanh(xn + r·hn), h' = (1 - z)·n + z·h.
    /// </summary>
    public static Tensor Gru(Tensor xg, Tensor hg, Tensor hPrev)
    {
        int b = hPrev.Size32(0), h = hPrev.Size32(1);
        if (xg.Device.IsCuda || !(xg.DType is DType.Float32 or DType.Float64)) return GruComposed(xg, hg, hPrev);
        var xs = xg.Contiguous();
        var hs = hg.Contiguous();
        var hp = hPrev.Contiguous();
        Tensor hNew, act;
        using (GradMode.Set(false))
        {
            hNew = Tensor.Allocate([b, h], hPrev.DType, Device.Cpu, zero: false);
            act = Tensor.Allocate([b, 4 * h], hPrev.DType, Device.Cpu, zero: false); // r, z, n, hn
            if (TorchExact(hPrev.DType)) GruForwardExact(xs, hs, hp, hNew, act, b, h);
            else if (hPrev.DType == DType.Float64) GruForward(xs.ContiguousSpan<double>(), hs.ContiguousSpan<double>(), hp.ContiguousSpan<double>(), hNew.ContiguousSpan<double>(), act.ContiguousSpan<double>(), b, h);
            else GruForward(xs.ContiguousSpan<float>(), hs.ContiguousSpan<float>(), hp.ContiguousSpan<float>(), hNew.ContiguousSpan<float>(), act.ContiguousSpan<float>(), b, h);
        }
        if (!GradMode.IsEnabled || !(xg.RequiresGrad || hg.RequiresGrad || hPrev.RequiresGrad)) return hNew;
        return Recording.Record(hNew, "GruCellBackward0", [xg, hg, hPrev], g =>
        {
            if (GradMode.IsEnabled) return GruBackwardRecorded(xg, hg, hPrev, g); // create_graph
            var gc = g.Contiguous();
            var dx = Tensor.Allocate([b, 3 * h], hPrev.DType, Device.Cpu, zero: false);
            var dh = Tensor.Allocate([b, 3 * h], hPrev.DType, Device.Cpu, zero: false);
            var dPrev = Tensor.Allocate([b, h], hPrev.DType, Device.Cpu, zero: false);
            if (TorchExact(hPrev.DType)) GruBackwardExact(gc, act, hp, dx, dh, dPrev, b, h);
            else if (hPrev.DType == DType.Float64) GruBackward(gc.ContiguousSpan<double>(), act.ContiguousSpan<double>(), hp.ContiguousSpan<double>(), dx.ContiguousSpan<double>(), dh.ContiguousSpan<double>(), dPrev.ContiguousSpan<double>(), b, h);
            else GruBackward(gc.ContiguousSpan<float>(), act.ContiguousSpan<float>(), hp.ContiguousSpan<float>(), dx.ContiguousSpan<float>(), dh.ContiguousSpan<float>(), dPrev.ContiguousSpan<float>(), b, h);
            return [xg.RequiresGrad ? dx : null, hg.RequiresGrad ? dh : null, hPrev.RequiresGrad ? dPrev : null];
        }, act, hp, xg, hg, hPrev); // the gates too, as torch's fused cell saves them: create_graph recomputes from them
    }

    static void GruForward<T>(ReadOnlySpan<T> xg, ReadOnlySpan<T> hg, ReadOnlySpan<T> hPrev, Span<T> hNew, Span<T> act, int b, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = 0; row < b; row++)
        {
            int gRow = row * 3 * h, aRow = row * 4 * h;
            for (int j = 0; j < h; j++)
            {
                T r = Sigmoid(xg[gRow + j] + hg[gRow + j]);
                T z = Sigmoid(xg[gRow + h + j] + hg[gRow + h + j]);
                T hn = hg[gRow + 2 * h + j];
                T n = T.Tanh(xg[gRow + 2 * h + j] + r * hn);
                T hp = hPrev[row * h + j];
                hNew[row * h + j] = n + z * (hp - n);
                act[aRow + j] = r;
                act[aRow + h + j] = z;
                act[aRow + 2 * h + j] = n;
                act[aRow + 3 * h + j] = hn;
            }
        }
    }

    // dn = g·(1 - z)·(1 - n²); dz = g·(h - n)·σ'(z); dr = dn·hn·σ'(r); ∂xn = dn, ∂hn = dn·r; ∂h = g·z.
    static void GruBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> act, ReadOnlySpan<T> hPrev, Span<T> dx, Span<T> dh, Span<T> dPrev, int b, int h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = 0; row < b; row++)
        {
            int gRow = row * 3 * h, aRow = row * 4 * h;
            for (int j = 0; j < h; j++)
            {
                T r = act[aRow + j], z = act[aRow + h + j], n = act[aRow + 2 * h + j], hn = act[aRow + 3 * h + j];
                T gy = g[row * h + j], hp = hPrev[row * h + j];
                T dn = gy * (T.One - z) * (T.One - n * n);
                T dz = gy * (hp - n) * z * (T.One - z);
                T dr = dn * hn * r * (T.One - r);
                dx[gRow + j] = dr;
                dx[gRow + h + j] = dz;
                dx[gRow + 2 * h + j] = dn;
                dh[gRow + j] = dr;
                dh[gRow + h + j] = dz;
                dh[gRow + 2 * h + j] = dn * r;
                dPrev[row * h + j] = gy * z;
            }
        }
    }

    static Tensor GruComposed(Tensor xg, Tensor hg, Tensor hPrev)
    {
        int h = hPrev.Size32(1);
        var r = (xg.Narrow(1, 0, h) + hg.Narrow(1, 0, h)).Sigmoid();
        var z = (xg.Narrow(1, h, h) + hg.Narrow(1, h, h)).Sigmoid();
        var n = (xg.Narrow(1, 2 * h, h) + r * hg.Narrow(1, 2 * h, h)).Tanh();
        return n + z * (hPrev - n);
    }
}

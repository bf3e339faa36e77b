using System.Runtime.CompilerServices;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// nn.LSTMCell / nn.GRUCell (and the step functions) over the row kernels the fused LSTM/GRU layers use
/// (<see cref="RecurrentKernels"/>): torch 1.13's LSTMCell/GRUCell run the same gate ops per step as its layers, so the
/// same SLEEF sigmoid/tanh loops and rounding order make the cells bit for bit torch's on the CPU.
/// </summary>
internal static partial class RecurrentCells
{
    /// <summary>Whether the torch-exact row kernels run here for <paramref name="dtype"/>.</summary>
    static bool TorchExact(DType dtype) =>
        dtype == DType.Float32 ? RecurrentKernels.Applies<float>() : dtype == DType.Float64 && RecurrentKernels.Applies<double>();

    static unsafe T* P<T>(Tensor t) where T : unmanaged => (T*)Unsafe.AsPointer(ref t.Ref<T>(t.StorageOffset));

    /// <summary>[h' | c'] into <paramref name="hc"/> and the activations into <paramref name="act"/>; all contiguous.</summary>
    static void LstmForwardExact(Tensor xg, Tensor hg, Tensor c, Tensor hc, Tensor act, int b, int h)
    {
        var hOut = Tensor.Allocate([b, h], c.DType, Device.Cpu, zero: false);
        var cOut = Tensor.Allocate([b, h], c.DType, Device.Cpu, zero: false);
        if (c.DType == DType.Float32) LstmForward<float>(xg, hg, c, hOut, cOut, act, b, h);
        else LstmForward<double>(xg, hg, c, hOut, cOut, act, b, h);
        hc.Narrow(1, 0, h).Copy_(hOut);
        hc.Narrow(1, h, h).Copy_(cOut);
    }

    static unsafe void LstmForward<T>(Tensor xg, Tensor hg, Tensor c, Tensor hOut, Tensor cOut, Tensor act, int b, int h) where T : unmanaged =>
        RecurrentKernels.LstmForward(P<T>(xg), P<T>(hg), P<T>(c), P<T>(hOut), P<T>(cOut), P<T>(act), b, h);

    /// <summary>The gates' gradient (for both projections) and c's, from the [B, 2H] gradient of [h' | c'].</summary>
    static Tensor?[] LstmBackwardExact(Tensor grad, Tensor act, Tensor c, int b, int h, bool wantX, bool wantH, bool wantC)
    {
        var gh = Tensor.Allocate([b, h], c.DType, Device.Cpu, zero: false).Copy_(grad.Narrow(1, 0, h));
        var gc = Tensor.Allocate([b, h], c.DType, Device.Cpu, zero: false).Copy_(grad.Narrow(1, h, h)); // becomes c's gradient
        var dGates = Tensor.Allocate([b, 4 * h], c.DType, Device.Cpu, zero: false);
        if (c.DType == DType.Float32) LstmBackward<float>(gh, gc, act, c, dGates, b, h);
        else LstmBackward<double>(gh, gc, act, c, dGates, b, h);
        return [wantX ? dGates : null, wantH ? dGates : null, wantC ? gc : null];
    }

    static unsafe void LstmBackward<T>(Tensor gh, Tensor gc, Tensor act, Tensor c, Tensor dGates, int b, int h) where T : unmanaged =>
        RecurrentKernels.LstmBackward(P<T>(gh), P<T>(gc), P<T>(act), P<T>(c), P<T>(dGates), b, h);

    static void GruForwardExact(Tensor xg, Tensor hg, Tensor hPrev, Tensor hNew, Tensor act, int b, int h)
    {
        if (hPrev.DType == DType.Float32) GruForward<float>(xg, hg, hPrev, hNew, act, b, h);
        else GruForward<double>(xg, hg, hPrev, hNew, act, b, h);
    }

    static unsafe void GruForward<T>(Tensor xg, Tensor hg, Tensor hPrev, Tensor hNew, Tensor act, int b, int h) where T : unmanaged =>
        RecurrentKernels.GruForward(P<T>(xg), P<T>(hg), P<T>(hPrev), P<T>(hNew), P<T>(act), b, h);

    static void GruBackwardExact(Tensor grad, Tensor act, Tensor hPrev, Tensor dx, Tensor dh, Tensor dPrev, int b, int h)
    {
        if (hPrev.DType == DType.Float32) GruBackward<float>(grad, act, hPrev, dx, dh, dPrev, b, h);
        else GruBackward<double>(grad, act, hPrev, dx, dh, dPrev, b, h);
    }

    static unsafe void GruBackward<T>(Tensor grad, Tensor act, Tensor hPrev, Tensor dx, Tensor dh, Tensor dPrev, int b, int h) where T : unmanaged =>
        RecurrentKernels.GruBackward(P<T>(grad), P<T>(act), P<T>(hPrev), P<T>(dx), P<T>(dh), P<T>(dPrev), b, h);
}

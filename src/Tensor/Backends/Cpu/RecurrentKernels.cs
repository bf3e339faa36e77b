// The gate arithmetic of torch 1.13's CPU LSTM and GRU cells (aten/src/ATen/native/RNN.cpp, LSTMCell / GRUCell), one
// row of the batch at a time, in the order torch's separate ops round it: the gates' sigmoid_ (cpu_kernel_vec: two
// vectors per step, libm's 1 / (1 + exp(-x)) in the row's tail) and tanh_ (vml: SLEEF on every element, the last
// vector padded) run over each row of H, because the chunks of the [B, 4H] gate matrix are strided views whose
// rows TensorIterator cannot coalesce. Products and sums are separate roundings (no FMA), as in torch's kernels.
// The backward formulas follow the autograd nodes torch records for those ops (SigmoidBackward: g·(1 - y)·y,
// TanhBackward: g·(1 - y²) with 1 - y² one FMA as GCC built it, MulBackward, AddBackward, SubBackward) so that each
// product rounds in torch's order.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bridge.Backends.Cpu.TorchMath;

namespace Bridge.Backends.Cpu;

/// <summary>Row kernels of the fused LSTM and GRU layers: forward over the gate pre-activations, backward to the gates' gradients.</summary>
internal static unsafe class RecurrentKernels
{
    /// <summary>Whether the torch-exact vector functions run on this CPU (AVX2 + FMA) for <typeparamref name="T"/>.</summary>
    public static bool Applies<T>() => TorchMathOps.Applies<T>(hasDouble: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Load<T>(T* p) where T : unmanaged => Vector256.Load(p);

    /// <summary>y = a + b over n elements.</summary>
    static void Add<T>(T* a, T* b, T* y, int n) where T : unmanaged
    {
        int lanes = Vector256<T>.Count, j = 0;
        for (; j <= n - lanes; j += lanes) (Load(a + j) + Load(b + j)).Store(y + j);
        for (; j < n; j++) y[j] = Scalar.Add(a[j], b[j]);
    }

    /// <summary>
    /// One LSTM step over <paramref name="rows"/> rows: pre = xg + hg ([rows, 4H], gates i, f, g, o); c' = σf·c + σi·tanh g;
    /// h' = σo·tanh c'. Writes h' and c' ([rows, H]) and act = [σi, σf, tanh g, σo, tanh c'] ([rows, 5H]) for the backward.
    /// </summary>
    public static void LstmForward<T>(T* xg, T* hg, T* c, T* hOut, T* cOut, T* act, int rows, int h) where T : unmanaged
    {
        int lanes = Vector256<T>.Count;
        for (int r = 0; r < rows; r++)
        {
            T* a = act + (long)r * 5 * h;
            T* cr = c + (long)r * h, hr = hOut + (long)r * h, cn = cOut + (long)r * h;
            Add(hg + (long)r * 4 * h, xg + (long)r * 4 * h, a, 4 * h);
            TorchLoops.BodyAndTail<T, SigmoidKernel>(a, a, h);
            TorchLoops.BodyAndTail<T, SigmoidKernel>(a + h, a + h, h);
            TorchLoops.Map<T, TanhKernel>(a + 2 * h, a + 2 * h, h);
            TorchLoops.BodyAndTail<T, SigmoidKernel>(a + 3 * h, a + 3 * h, h);
            T* i = a, f = a + h, g = a + 2 * h, o = a + 3 * h, tc = a + 4 * h;
            int j = 0;
            for (; j <= h - lanes; j += lanes) (Load(f + j) * Load(cr + j) + Load(i + j) * Load(g + j)).Store(cn + j);
            for (; j < h; j++) cn[j] = Scalar.Add(Scalar.Mul(f[j], cr[j]), Scalar.Mul(i[j], g[j]));
            TorchLoops.Map<T, TanhKernel>(cn, tc, h);
            for (j = 0; j <= h - lanes; j += lanes) (Load(o + j) * Load(tc + j)).Store(hr + j);
            for (; j < h; j++) hr[j] = Scalar.Mul(o[j], tc[j]);
        }
    }

    /// <summary>
    /// The LSTM step's backward from gh (grad of h', [rows, H]), gc (grad of c', [rows, H], overwritten with the grad of c),
    /// act and c: writes the gates' gradient [rows, 4H].
    /// </summary>
    public static void LstmBackward<T>(T* gh, T* gc, T* act, T* c, T* dGates, int rows, int h) where T : unmanaged
    {
        int lanes = Vector256<T>.Count;
        var one = Vector256<T>.One;
        for (int r = 0; r < rows; r++)
        {
            T* a = act + (long)r * 5 * h, d = dGates + (long)r * 4 * h;
            T* i = a, f = a + h, g = a + 2 * h, o = a + 3 * h, tc = a + 4 * h;
            T* ghr = gh + (long)r * h, gcr = gc + (long)r * h, cr = c + (long)r * h;
            int j = 0;
            for (; j <= h - lanes; j += lanes)
            {
                var vi = Load(i + j); var vf = Load(f + j); var vg = Load(g + j); var vo = Load(o + j); var vtc = Load(tc + j);
                var vgh = Load(ghr + j);
                var dc = Load(gcr + j) + vgh * vo * OneMinusSquare(vtc);
                (vgh * vtc * (one - vo) * vo).Store(d + 3 * h + j);
                (dc * vg * (one - vi) * vi).Store(d + j);
                (dc * Load(cr + j) * (one - vf) * vf).Store(d + h + j);
                (dc * vi * OneMinusSquare(vg)).Store(d + 2 * h + j);
                (dc * vf).Store(gcr + j);
            }
            for (; j < h; j++)
            {
                T dc = Scalar.Add(gcr[j], Scalar.Mul(Scalar.Mul(ghr[j], o[j]), Scalar.OneMinusSquare(tc[j])));
                d[3 * h + j] = Scalar.Mul(Scalar.Mul(Scalar.Mul(ghr[j], tc[j]), Scalar.OneMinus(o[j])), o[j]);
                d[j] = Scalar.Mul(Scalar.Mul(Scalar.Mul(dc, g[j]), Scalar.OneMinus(i[j])), i[j]);
                d[h + j] = Scalar.Mul(Scalar.Mul(Scalar.Mul(dc, cr[j]), Scalar.OneMinus(f[j])), f[j]);
                d[2 * h + j] = Scalar.Mul(Scalar.Mul(dc, i[j]), Scalar.OneMinusSquare(g[j]));
                gcr[j] = Scalar.Mul(dc, f[j]);
            }
        }
    }

    /// <summary>
    /// One GRU step (gates r, z, n; hg includes b_hh): r = σ(hr + xr), z = σ(hz + xz), n = tanh(xn + hn·r),
    /// h' = (h - n)·z + n. Writes h' ([rows, H]) and act = [r, z, n, hn] ([rows, 4H]).
    /// </summary>
    public static void GruForward<T>(T* xg, T* hg, T* hPrev, T* hOut, T* act, int rows, int h) where T : unmanaged
    {
        int lanes = Vector256<T>.Count;
        for (int row = 0; row < rows; row++)
        {
            T* a = act + (long)row * 4 * h, x = xg + (long)row * 3 * h, hgr = hg + (long)row * 3 * h;
            T* hp = hPrev + (long)row * h, y = hOut + (long)row * h;
            Add(hgr, x, a, 2 * h);
            TorchLoops.BodyAndTail<T, SigmoidKernel>(a, a, h);
            TorchLoops.BodyAndTail<T, SigmoidKernel>(a + h, a + h, h);
            T* r = a, z = a + h, n = a + 2 * h, hn = a + 3 * h;
            int j = 0;
            for (; j <= h - lanes; j += lanes)
            {
                var vhn = Load(hgr + 2 * h + j);
                vhn.Store(hn + j);
                (Load(x + 2 * h + j) + vhn * Load(r + j)).Store(n + j);
            }
            for (; j < h; j++)
            {
                hn[j] = hgr[2 * h + j];
                n[j] = Scalar.Add(x[2 * h + j], Scalar.Mul(hn[j], r[j]));
            }
            TorchLoops.Map<T, TanhKernel>(n, n, h);
            for (j = 0; j <= h - lanes; j += lanes)
            {
                var vn = Load(n + j);
                ((Load(hp + j) - vn) * Load(z + j) + vn).Store(y + j);
            }
            for (; j < h; j++) y[j] = Scalar.Add(Scalar.Mul(Scalar.Sub(hp[j], n[j]), z[j]), n[j]);
        }
    }

    /// <summary>
    /// The GRU step's backward from g (grad of h', [rows, H]): writes the input gates' gradient dx [rows, 3H], the hidden
    /// gates' gradient dh [rows, 3H] and the direct part of h's gradient, g·z, into <paramref name="dPrev"/> [rows, H].
    /// </summary>
    public static void GruBackward<T>(T* grad, T* act, T* hPrev, T* dx, T* dh, T* dPrev, int rows, int h) where T : unmanaged
    {
        int lanes = Vector256<T>.Count;
        var one = Vector256<T>.One;
        for (int row = 0; row < rows; row++)
        {
            T* a = act + (long)row * 4 * h, gx = dx + (long)row * 3 * h, gH = dh + (long)row * 3 * h;
            T* r = a, z = a + h, n = a + 2 * h, hn = a + 3 * h;
            T* g = grad + (long)row * h, hp = hPrev + (long)row * h, dp = dPrev + (long)row * h;
            int j = 0;
            for (; j <= h - lanes; j += lanes)
            {
                var vg = Load(g + j); var vz = Load(z + j); var vn = Load(n + j); var vr = Load(r + j);
                var gz = vg * vz;
                var dn = (vg - gz) * OneMinusSquare(vn);
                var dz = vg * (Load(hp + j) - vn) * (one - vz) * vz;
                var dr = dn * Load(hn + j) * (one - vr) * vr;
                dr.Store(gx + j); dz.Store(gx + h + j); dn.Store(gx + 2 * h + j);
                dr.Store(gH + j); dz.Store(gH + h + j); (dn * vr).Store(gH + 2 * h + j);
                gz.Store(dp + j);
            }
            for (; j < h; j++)
            {
                T gz = Scalar.Mul(g[j], z[j]);
                T dn = Scalar.Mul(Scalar.Sub(g[j], gz), Scalar.OneMinusSquare(n[j]));
                T dz = Scalar.Mul(Scalar.Mul(Scalar.Mul(g[j], Scalar.Sub(hp[j], n[j])), Scalar.OneMinus(z[j])), z[j]);
                T dr = Scalar.Mul(Scalar.Mul(Scalar.Mul(dn, hn[j]), Scalar.OneMinus(r[j])), r[j]);
                gx[j] = dr; gx[h + j] = dz; gx[2 * h + j] = dn;
                gH[j] = dr; gH[h + j] = dz; gH[2 * h + j] = Scalar.Mul(dn, r[j]);
                dp[j] = gz;
            }
        }
    }

    /// <summary>Scalar arithmetic on float or double, one rounding per operation (the vector loops' tails).</summary>
    static class Scalar
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Add<T>(T a, T b) where T : unmanaged =>
            typeof(T) == typeof(float) ? (T)(object)((float)(object)a + (float)(object)b) : (T)(object)((double)(object)a + (double)(object)b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Sub<T>(T a, T b) where T : unmanaged =>
            typeof(T) == typeof(float) ? (T)(object)((float)(object)a - (float)(object)b) : (T)(object)((double)(object)a - (double)(object)b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Mul<T>(T a, T b) where T : unmanaged =>
            typeof(T) == typeof(float) ? (T)(object)((float)(object)a * (float)(object)b) : (T)(object)((double)(object)a * (double)(object)b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T OneMinus<T>(T a) where T : unmanaged =>
            typeof(T) == typeof(float) ? (T)(object)(1f - (float)(object)a) : (T)(object)(1.0 - (double)(object)a);

        /// <summary>1 − y² in one rounding: tanh_backward's scalar lambda, a·(1 − b·b), whose 1 − b·b GCC fused.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T OneMinusSquare<T>(T y) where T : unmanaged =>
            typeof(T) == typeof(float)
                ? (T)(object)MathF.FusedMultiplyAdd(-(float)(object)y, (float)(object)y, 1f)
                : (T)(object)Math.FusedMultiplyAdd(-(double)(object)y, (double)(object)y, 1.0);
    }

    /// <summary>1 − y² per lane in one rounding, as GCC fused tanh_backward's vector lambda (one_vec − b·b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> OneMinusSquare<T>(Vector256<T> y) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(-y.AsSingle(), y.AsSingle(), Vector256<float>.One).As<float, T>()
            : Vector256.FusedMultiplyAdd(-y.AsDouble(), y.AsDouble(), Vector256<double>.One).As<double, T>();
}

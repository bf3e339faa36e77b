// Nn.cu - convolution columns (im2col, col2im), pooling and exact/tanh GELU: the device twins of
// Backends/Cpu/Im2Col.cs, ConvKernels.cs, PoolKernels.cs and GeluKernels.cs. Every backward is a gather (each
// output element sums its own contributions, in the CPU loop's order, starting from zero): no atomics, the
// result is deterministic and bit-identical to the CPU's scatter. The GEMMs of a convolution go through the
// backend's gemm (Gemm.cu or cuBLAS), called from CudaNn.cs.
#include "Common.cuh"

// One window sweep, the fields of ConvGeometry (pooling leaves channels at 1). Matches CudaWindow in CudaNn.cs.
struct Window {
  int channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// col[s·colSample + r·colRow + p·colPos] = x[s·xSample + c, oy·sh − ph + i·dh, ox·sw − pw + j·dw] (0 outside),
// r = (c·kh + i)·kw + j, p = oy·ow + ox: one thread per column element. The three column strides give the
// layouts the callers need: [rows, samples·cols] (conv forward), [samples·cols, rows] (weight gradient) and
// [samples, rows, cols] (unfold).
template <class T>
static __device__ __forceinline__ void im2col(const T* x, T* col, const Window& g, int samples, i64 xSample, i64 colSample, i64 colRow, i64 colPos) {
  i64 cols = (i64)g.oh * g.ow, rows = (i64)g.channels * g.kh * g.kw, n = samples * rows * cols;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 p = e % cols, t = e / cols, r = t % rows, s = t / rows;
    int c = (int)(r / (g.kh * g.kw)), i = (int)(r / g.kw % g.kh), j = (int)(r % g.kw);
    int oy = (int)(p / g.ow), ox = (int)(p % g.ow);
    int iy = oy * g.sh - g.ph + i * g.dh, ix = ox * g.sw - g.pw + j * g.dw;
    T v = (T)0;
    if ((unsigned)iy < (unsigned)g.height && (unsigned)ix < (unsigned)g.width) v = x[s * xSample + ((i64)c * g.height + iy) * g.width + ix];
    col[s * colSample + r * colRow + p * colPos] = v;
  }
}

// x[s, c, iy, ix] = Σ of the column entries im2col took from there, over kernel taps (i, j) in ascending order
// (Im2Col.Scatter's order into a cleared plane): one thread per input element, overwriting it.
template <class T>
static __device__ __forceinline__ void col2im(const T* col, T* x, const Window& g, int samples, i64 xSample, i64 colSample, i64 colRow, i64 colPos) {
  i64 plane = (i64)g.height * g.width, n = samples * g.channels * plane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    int ix = (int)(e % g.width), iy = (int)(e / g.width % g.height);
    i64 t = e / plane;
    int c = (int)(t % g.channels);
    i64 s = t / g.channels;
    const T* cs = col + s * colSample;
    T acc = (T)0;
    for (int i = 0; i < g.kh; i++) {
      int ty = iy + g.ph - i * g.dh;
      if (ty < 0) break;                        // later taps sit further up
      if (ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
      int oy = ty / g.sh;
      for (int j = 0; j < g.kw; j++) {
        int tx = ix + g.pw - j * g.dw;
        if (tx < 0) break;
        if (tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
        i64 r = ((i64)c * g.kh + i) * g.kw + j, p = (i64)oy * g.ow + tx / g.sw;
        acc = acc + cs[r * colRow + p * colPos];
      }
    }
    x[s * xSample + (i64)c * plane + (i64)iy * g.width + ix] = acc;
  }
}

// block[o, j·L + p] = y[j, c0 + o, p] for nb samples of oc channels (y starts at the block's first sample).
template <class T>
static __device__ __forceinline__ void conv_to_block(T* block, const T* y, int nb, int ocg, int L, int oc, int c0) {
  i64 n = (i64)ocg * nb * L;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 p = e % L, t = e / L;
    int j = (int)(t % nb), o = (int)(t / nb);
    block[e] = y[((i64)j * oc + c0 + o) * L + p];
  }
}

// y[j, c0 + o, p] = block[o, j·L + p] (+ bias[c0 + o]): the product's copy, then the bias, as ConvKernels.Forward.
template <class T>
static __device__ __forceinline__ void conv_from_block(T* y, const T* block, const T* bias, int nb, int ocg, int L, int oc, int c0, int hasBias) {
  i64 n = (i64)ocg * nb * L;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 p = e % L, t = e / L;
    int j = (int)(t % nb), o = (int)(t / nb);
    T v = block[e];
    if (hasBias) v = v + bias[c0 + o];
    y[((i64)j * oc + c0 + o) * L + p] = v;
  }
}

// gb[o] = Σ_s Σ_p gy[s, o, p] in that order (ConvKernels.BackwardBias): a thread per channel.
template <class T>
static __device__ __forceinline__ void conv_bias_grad(T* gb, const T* gy, int batch, int oc, int positions) {
  for (i64 o = grid_start(); o < oc; o += grid_step()) {
    T total = (T)0;
    for (int s = 0; s < batch; s++) {
      const T* row = gy + ((i64)s * oc + o) * positions;
      for (int p = 0; p < positions; p++) total = total + row[p];
    }
    gb[o] = total;
  }
}

// Max pooling: the maximum of each dilated window and its flat index ih·W + iw (NaN wins, first maximum wins ties).
template <class T>
static __device__ __forceinline__ void max_pool(const T* x, T* y, i64* idx, const Window& g, int planes) {
  i64 outPlane = (i64)g.oh * g.ow, n = planes * outPlane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    int ox = (int)(e % g.ow), oy = (int)(e / g.ow % g.oh);
    const T* plane = x + e / outPlane * g.height * g.width;
    int ih0 = oy * g.sh - g.ph, ih1 = ih0 + (g.kh - 1) * g.dh + 1;
    if (ih1 > g.height) ih1 = g.height;
    while (ih0 < 0) ih0 += g.dh;
    int iw0 = ox * g.sw - g.pw, iw1 = iw0 + (g.kw - 1) * g.dw + 1;
    if (iw1 > g.width) iw1 = g.width;
    while (iw0 < 0) iw0 += g.dw;
    i64 maxIndex = (i64)ih0 * g.width + iw0;
    T maxValue = -(T)__builtin_inf();
    for (int ih = ih0; ih < ih1; ih += g.dh)
      for (int iw = iw0; iw < iw1; iw += g.dw) {
        i64 at = (i64)ih * g.width + iw;
        T v = plane[at];
        if (v > maxValue || is_nan(v)) { maxValue = v; maxIndex = at; }
      }
    y[e] = maxValue;
    idx[e] = maxIndex;
  }
}

// [lo, hi] of the outputs whose window [o·stride − pad, o·stride − pad + extent) may hold input position i.
static __device__ __forceinline__ void covering(int i, int stride, int pad, int extent, int outSize, int* lo, int* hi) {
  int t = i + pad - extent + 1;
  *lo = t <= 0 ? 0 : (t + stride - 1) / stride;
  int h = (i + pad) / stride;
  *hi = h < outSize - 1 ? h : outSize - 1;
}

// ∂x[at] = Σ ∂y[o] over the outputs o (in order) whose recorded index is at: the gather form of MaxBackward.
template <class T>
static __device__ __forceinline__ void max_pool_backward(const T* gy, const i64* idx, T* gx, const Window& g, int planes) {
  i64 plane = (i64)g.height * g.width, outPlane = (i64)g.oh * g.ow, n = planes * plane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 at = e % plane, base = e / plane * outPlane;
    int ih = (int)(at / g.width), iw = (int)(at % g.width);
    int oy0, oy1, ox0, ox1;
    covering(ih, g.sh, g.ph, (g.kh - 1) * g.dh + 1, g.oh, &oy0, &oy1);
    covering(iw, g.sw, g.pw, (g.kw - 1) * g.dw + 1, g.ow, &ox0, &ox1);
    T acc = (T)0;
    for (int oy = oy0; oy <= oy1; oy++)
      for (int ox = ox0; ox <= ox1; ox++) {
        i64 o = base + (i64)oy * g.ow + ox;
        if (idx[o] == at) acc = acc + gy[o];
      }
    gx[e] = acc;
  }
}

// PoolKernels.AvgWindow: the window clipped to the input, and its divisor; false when it holds nothing.
template <class T>
static __device__ __forceinline__ bool avg_window(const Window& g, int oy, int ox, int countIncludePad, int divisorOverride,
                                                  int* ih0, int* ih1, int* iw0, int* iw1, T* divisor) {
  int h0 = oy * g.sh - g.ph, w0 = ox * g.sw - g.pw;
  int h1 = h0 + g.kh < g.height + g.ph ? h0 + g.kh : g.height + g.ph;
  int w1 = w0 + g.kw < g.width + g.pw ? w0 + g.kw : g.width + g.pw;
  int poolSize = (h1 - h0) * (w1 - w0);
  if (h0 < 0) h0 = 0;
  if (w0 < 0) w0 = 0;
  if (h1 > g.height) h1 = g.height;
  if (w1 > g.width) w1 = g.width;
  *divisor = (T)(divisorOverride != 0 ? divisorOverride : countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
  *ih0 = h0; *ih1 = h1; *iw0 = w0; *iw1 = w1;
  return h0 < h1 && w0 < w1;
}

template <class T>
static __device__ __forceinline__ void avg_pool(const T* x, T* y, const Window& g, int planes, int countIncludePad, int divisorOverride) {
  i64 outPlane = (i64)g.oh * g.ow, n = planes * outPlane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    int ox = (int)(e % g.ow), oy = (int)(e / g.ow % g.oh);
    const T* plane = x + e / outPlane * g.height * g.width;
    int ih0, ih1, iw0, iw1;
    T divisor;
    if (!avg_window<T>(g, oy, ox, countIncludePad, divisorOverride, &ih0, &ih1, &iw0, &iw1, &divisor)) { y[e] = (T)0; continue; }
    T sum = (T)0;
    for (int ih = ih0; ih < ih1; ih++)
      for (int iw = iw0; iw < iw1; iw++) sum = sum + plane[(i64)ih * g.width + iw];
    y[e] = sum / divisor;
  }
}

// ∂x[ih, iw] = Σ ∂y[oy, ox] / divisor over the windows holding it, outputs in row-major order (AvgBackward's order).
template <class T>
static __device__ __forceinline__ void avg_pool_backward(const T* gy, T* gx, const Window& g, int planes, int countIncludePad, int divisorOverride) {
  i64 plane = (i64)g.height * g.width, outPlane = (i64)g.oh * g.ow, n = planes * plane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 at = e % plane, base = e / plane * outPlane;
    int ih = (int)(at / g.width), iw = (int)(at % g.width);
    int oy0, oy1, ox0, ox1;
    covering(ih, g.sh, g.ph, g.kh, g.oh, &oy0, &oy1);
    covering(iw, g.sw, g.pw, g.kw, g.ow, &ox0, &ox1);
    T acc = (T)0;
    for (int oy = oy0; oy <= oy1; oy++)
      for (int ox = ox0; ox <= ox1; ox++) {
        int h0, h1, w0, w1;
        T divisor;
        if (!avg_window<T>(g, oy, ox, countIncludePad, divisorOverride, &h0, &h1, &w0, &w1, &divisor)) continue;
        if (ih < h0 || ih >= h1 || iw < w0 || iw >= w1) continue;
        acc = acc + gy[base + (i64)oy * g.ow + ox] / divisor;
      }
    gx[e] = acc;
  }
}

// Adaptive window of output o over n inputs: [⌊o·n/out⌋, ⌈(o+1)·n/out⌉).
static __device__ __forceinline__ int adaptive_start(int o, int size, int out) { return (int)((i64)o * size / out); }
static __device__ __forceinline__ int adaptive_end(int o, int size, int out) { return (int)(((i64)(o + 1) * size + out - 1) / out); }

template <class T>
static __device__ __forceinline__ void adaptive_avg_pool(const T* x, T* y, int planes, int h, int w, int oh, int ow) {
  i64 outPlane = (i64)oh * ow, n = planes * outPlane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    int ox = (int)(e % ow), oy = (int)(e / ow % oh);
    const T* plane = x + e / outPlane * h * w;
    int h0 = adaptive_start(oy, h, oh), h1 = adaptive_end(oy, h, oh), w0 = adaptive_start(ox, w, ow), w1 = adaptive_end(ox, w, ow);
    T sum = (T)0;
    for (int ih = h0; ih < h1; ih++)
      for (int iw = w0; iw < w1; iw++) sum = sum + plane[(i64)ih * w + iw];
    y[e] = sum / (T)((h1 - h0) * (w1 - w0));
  }
}

// The outputs whose adaptive window holds input i are [⌊i·out/n⌋, ⌈(i+1)·out/n⌉); each is checked again.
template <class T>
static __device__ __forceinline__ void adaptive_avg_pool_backward(const T* gy, T* gx, int planes, int h, int w, int oh, int ow) {
  i64 plane = (i64)h * w, outPlane = (i64)oh * ow, n = planes * plane;
  for (i64 e = grid_start(); e < n; e += grid_step()) {
    i64 at = e % plane, base = e / plane * outPlane;
    int ih = (int)(at / w), iw = (int)(at % w);
    int oy0 = (int)((i64)ih * oh / h), oy1 = (int)(((i64)(ih + 1) * oh + h - 1) / h);
    int ox0 = (int)((i64)iw * ow / w), ox1 = (int)(((i64)(iw + 1) * ow + w - 1) / w);
    if (oy1 > oh) oy1 = oh;
    if (ox1 > ow) ox1 = ow;
    T acc = (T)0;
    for (int oy = oy0; oy < oy1; oy++) {
      int h0 = adaptive_start(oy, h, oh), h1 = adaptive_end(oy, h, oh);
      if (ih < h0 || ih >= h1) continue;
      for (int ox = ox0; ox < ox1; ox++) {
        int w0 = adaptive_start(ox, w, ow), w1 = adaptive_end(ox, w, ow);
        if (iw < w0 || iw >= w1) continue;
        acc = acc + gy[base + (i64)oy * ow + ox] / (T)((h1 - h0) * (w1 - w0));
      }
    }
    gx[e] = acc;
  }
}

// GELU in the element type as GeluKernels.cs computes it; erf, exp and tanh in double, rounded back to T.
#define GELU_ROOT 0.70710678118654752440      // 1/√2
#define GELU_BETA 0.79788456080286535588      // √(2/π)
#define GELU_ALPHA 0.39894228040143267794     // 1/√(2π)
#define GELU_KAPPA 0.044715
template <class T>
static __device__ __forceinline__ void gelu(T* y, const T* x, i64 n, int tanhForm) {
  T half = (T)0.5, beta = (T)GELU_BETA, kappa = (T)GELU_KAPPA, root = (T)GELU_ROOT, one = (T)1;
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    T v = x[i];
    if (tanhForm) {
      T inner = beta * (v + kappa * v * v * v);
      y[i] = half * v * (one + (T)dm_tanh((double)inner));
    } else {
      y[i] = v * half * (one + (T)dm_erf((double)(v * root)));
    }
  }
}

// ∂x = ∂y·(Φ(x) + x·φ(x)), or the tanh form's product rule (ATen's GeluBackward).
template <class T>
static __device__ __forceinline__ void gelu_backward(T* dx, const T* gy, const T* x, i64 n, int tanhForm) {
  T half = (T)0.5, beta = (T)GELU_BETA, kappa = (T)GELU_KAPPA, root = (T)GELU_ROOT, one = (T)1;
  T alpha = (T)GELU_ALPHA, three = (T)3.0, minusHalf = (T)-0.5;
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    T v = x[i];
    if (tanhForm) {
      T xSq = v * v;
      T inner = beta * (v + kappa * xSq * v);
      T t = (T)dm_tanh((double)inner);
      T left = half * v, right = one + t;
      T leftDerivative = half * right;
      T rightDerivative = left * (one - t * t) * beta * (one + three * kappa * xSq);
      dx[i] = gy[i] * (leftDerivative + rightDerivative);
    } else {
      T cdf = half * (one + (T)dm_erf((double)(v * root)));
      T pdf = alpha * (T)dm_exp((double)(v * v * minusHalf));
      dx[i] = gy[i] * (cdf + v * pdf);
    }
  }
}

#define NN_KERNELS(sfx, T)                                                                                                  \
  extern "C" __global__ void im2col_##sfx(const T* x, T* col, Window g, int samples, i64 xs, i64 cs, i64 cr, i64 cp) {        \
    im2col<T>(x, col, g, samples, xs, cs, cr, cp); }                                                                         \
  extern "C" __global__ void col2im_##sfx(const T* col, T* x, Window g, int samples, i64 xs, i64 cs, i64 cr, i64 cp) {        \
    col2im<T>(col, x, g, samples, xs, cs, cr, cp); }                                                                         \
  extern "C" __global__ void conv_to_block_##sfx(T* block, const T* y, int nb, int ocg, int L, int oc, int c0) {             \
    conv_to_block<T>(block, y, nb, ocg, L, oc, c0); }                                                                        \
  extern "C" __global__ void conv_from_block_##sfx(T* y, const T* block, const T* bias, int nb, int ocg, int L, int oc,      \
                                                   int c0, int hasBias) { conv_from_block<T>(y, block, bias, nb, ocg, L, oc, c0, hasBias); } \
  extern "C" __global__ void conv_bias_grad_##sfx(T* gb, const T* gy, int batch, int oc, int positions) {                    \
    conv_bias_grad<T>(gb, gy, batch, oc, positions); }                                                                       \
  extern "C" __global__ void max_pool_##sfx(const T* x, T* y, i64* idx, Window g, int planes) { max_pool<T>(x, y, idx, g, planes); } \
  extern "C" __global__ void max_pool_backward_##sfx(const T* gy, const i64* idx, T* gx, Window g, int planes) {             \
    max_pool_backward<T>(gy, idx, gx, g, planes); }                                                                          \
  extern "C" __global__ void avg_pool_##sfx(const T* x, T* y, Window g, int planes, int cip, int div) {                      \
    avg_pool<T>(x, y, g, planes, cip, div); }                                                                                \
  extern "C" __global__ void avg_pool_backward_##sfx(const T* gy, T* gx, Window g, int planes, int cip, int div) {           \
    avg_pool_backward<T>(gy, gx, g, planes, cip, div); }                                                                     \
  extern "C" __global__ void adaptive_avg_pool_##sfx(const T* x, T* y, int planes, int h, int w, int oh, int ow) {           \
    adaptive_avg_pool<T>(x, y, planes, h, w, oh, ow); }                                                                      \
  extern "C" __global__ void adaptive_avg_pool_backward_##sfx(const T* gy, T* gx, int planes, int h, int w, int oh, int ow) { \
    adaptive_avg_pool_backward<T>(gy, gx, planes, h, w, oh, ow); }                                                           \
  extern "C" __global__ void gelu_##sfx(T* y, const T* x, i64 n, int tanhForm) { gelu<T>(y, x, n, tanhForm); }              \
  extern "C" __global__ void gelu_backward_##sfx(T* dx, const T* gy, const T* x, i64 n, int tanhForm) {                      \
    gelu_backward<T>(dx, gy, x, n, tanhForm); }
NN_KERNELS(f32, float)
NN_KERNELS(f64, double)

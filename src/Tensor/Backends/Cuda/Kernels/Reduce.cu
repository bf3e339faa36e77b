// Reduce.cu - sums and max/min (with index) over the last dim of a strided view, the contract of
// Backends/Cpu/ReduceKernels. Results are contiguous, one per row. Float sums replay the CPU's order
// (Backends/Cpu/CascadeSum: torch's cascade_sum) one row per thread, so they are bit-identical to the CPU
// backend; integer sums (exact in any order) keep the blocked pairwise tree.
#include "Common.cuh"

#define LEAF 32
// Row r's first element: rows are the view's leading ndim-1 dims (operand 0 strides); cols is the last dim.
static __device__ __forceinline__ i64 row_base(const Strided& s, i64 row) {
  unsigned r = (unsigned)row;
  i64 off = 0;
  for (int d = s.ndim - 2; d >= 0; d--) {
    unsigned c = r % (unsigned)s.shape[d];
    r /= (unsigned)s.shape[d];
    off += (i64)c * s.stride[0][d];
  }
  return off;
}

template <class T> static __device__ __forceinline__ T leaf_sum(const T* p, i64 start, int n, i64 step) {
  T acc = 0;
  for (int i = 0; i < n; i++) acc += p[(start + i) * step];
  return acc;
}

// ReduceKernels.PairwiseSum without recursion: the same tree (split at n/2 rounded down to a multiple of
// 32, at least 32; leaves of <= 32 summed left to right), walked with an explicit stack (depth <= 27).
template <class T> static __device__ T pairwise_sum(const T* p, i64 start, int n, i64 step) {
  i64 st_start[32];
  int st_n[32], st_half[32], st_phase[32];
  T st_left[32];
  int sp = 1;
  st_start[0] = start; st_n[0] = n; st_phase[0] = 0;
  T ret = 0;
  bool returned = false;
  while (sp > 0) {
    int f = sp - 1;
    if (returned) {                       // a child finished with ret
      if (st_phase[f] == 1) {
        st_left[f] = ret; st_phase[f] = 2; returned = false;
        st_start[sp] = st_start[f] + st_half[f]; st_n[sp] = st_n[f] - st_half[f]; st_phase[sp] = 0; sp++;
      } else {
        ret = st_left[f] + ret; sp--;
      }
      continue;
    }
    if (st_n[f] <= LEAF) { ret = leaf_sum(p, st_start[f], st_n[f], step); sp--; returned = true; continue; }
    int half = st_n[f] / 2 / LEAF * LEAF;
    st_half[f] = half == 0 ? LEAF : half;
    st_phase[f] = 1;
    st_start[sp] = st_start[f]; st_n[sp] = st_half[f]; st_phase[sp] = 0; sp++;
  }
  return ret;
}

// One thread per row: the common case (many short rows).
template <class T> static __device__ __forceinline__ void sum_rows(T* out, const T* in, const Strided& s, int rows, int cols) {
  i64 step = s.stride[0][s.ndim - 1];
  for (i64 r = grid_start(); r < rows; r += grid_step()) out[r] = pairwise_sum(in + row_base(s, r), 0, cols, step);
}

// One 256-thread block per row (few long rows): thread t owns the subtree reached by following the bits
// of t (MSB first) down 8 levels of the same tree; a leaf reached early continues as the left child with
// empty right siblings (adding +0 is exact), then the partials combine in tree order.
#define SUM_THREADS 256
template <class T> static __device__ __forceinline__ void sum_rows_block(T* out, const T* in, const Strided& s, int rows, int cols, T* buf) {
  int r = blockIdx.x, t = threadIdx.x;
  if (r >= rows) return;                  // uniform per block
  const T* p = in + row_base(s, r);
  i64 step = s.stride[0][s.ndim - 1];
  i64 start = 0;
  int n = cols;
  for (int bit = SUM_THREADS >> 1; bit > 0; bit >>= 1) {
    if (n <= LEAF) { if (t & bit) n = 0; continue; }
    int half = n / 2 / LEAF * LEAF;
    if (half == 0) half = LEAF;
    if (t & bit) { start += half; n -= half; } else n = half;
  }
  buf[t] = pairwise_sum(p, start, n, step);
  __syncthreads();
  for (int w = 1; w < SUM_THREADS; w <<= 1) {
    if ((t & (2 * w - 1)) == 0) buf[t] = buf[t] + buf[t + w];
    __syncthreads();
  }
  if (t == 0) out[r] = buf[0];
}

// One huge row (whole-tensor sums): 2^levels threads over many blocks each own one subtree, found by the
// bits of the global thread id as above, and write a partial; one block then combines the partials in tree
// order: each thread folds its run of adjacent partials (deepest siblings first), then the 256 results as above.
template <class T> static __device__ __forceinline__ void sum_tree_partials(T* partials, const T* in, int step, int n, int levels) {
  i64 t = grid_start();
  if (t >= ((i64)1 << levels)) return;
  i64 start = 0;
  int len = n;
  for (int level = levels - 1; level >= 0; level--) {
    bool right = (t >> level) & 1;
    if (len <= LEAF) { if (right) len = 0; continue; }
    int half = len / 2 / LEAF * LEAF;
    if (half == 0) half = LEAF;
    if (right) { start += half; len -= half; } else len = half;
  }
  partials[t] = pairwise_sum(in, start, len, step);
}
template <class T> static __device__ __forceinline__ void sum_tree_combine(T* out, T* partials, int levels, T* buf) {
  int t = threadIdx.x, run = (1 << levels) / SUM_THREADS;   // levels >= 8
  T* p = partials + (i64)t * run;
  for (int w = 1; w < run; w <<= 1)
    for (int j = 0; j < run; j += 2 * w) p[j] = p[j] + p[j + w];
  buf[t] = p[0];
  __syncthreads();
  for (int w = 1; w < SUM_THREADS; w <<= 1) {
    if ((t & (2 * w - 1)) == 0) buf[t] = buf[t] + buf[t + w];
    __syncthreads();
  }
  if (t == 0) out[0] = buf[0];
}

#define SUM(sfx, T) \
  extern "C" __global__ void sum_tree_partials_##sfx(T* partials, const T* in, int step, int n, int levels) { \
    sum_tree_partials<T>(partials, in, step, n, levels); } \
  extern "C" __global__ void __launch_bounds__(SUM_THREADS) sum_tree_combine_##sfx(T* out, T* partials, int levels) { \
    __shared__ T buf[SUM_THREADS]; sum_tree_combine<T>(out, partials, levels, buf); } \
  extern "C" __global__ void sum_rows_##sfx(T* out, const T* in, Strided s, int rows, int cols) { sum_rows<T>(out, in, s, rows, cols); } \
  extern "C" __global__ void __launch_bounds__(SUM_THREADS) sum_rows_block_##sfx(T* out, const T* in, Strided s, int rows, int cols) { \
    __shared__ T buf[SUM_THREADS]; sum_rows_block<T>(out, in, s, rows, cols, buf); }
SUM(f32, float)
SUM(f64, double)
SUM(i64, i64)
#define SUM_INT(sfx, T, _) SUM(sfx, T)
FOR_SMALL_INTS(SUM_INT, _)

// Backends/Cpu/CascadeSum.Cascade: torch's multi_row_sum for one column, 4 accumulator levels.
template <class T> static __device__ T cascade_sum(const T* p, i64 n, i64 stride) {
  int log2n = 0;
  while (((i64)1 << log2n) < n) log2n++;
  int lp = log2n / 4 < 4 ? 4 : log2n / 4;
  i64 step = (i64)1 << lp, mask = step - 1;
  T a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  i64 i = 0;
  while (i + step <= n) {
    for (i64 k = 0; k < step; k++, i++) a0 += p[i * stride];
    a1 += a0; a0 = 0;
    if ((i & (mask << lp)) != 0) continue;
    a2 += a1; a1 = 0;
    if ((i & (mask << (2 * lp))) != 0) continue;
    a3 += a2; a2 = 0;
  }
  for (; i < n; i++) a0 += p[i * stride];
  return ((a0 + a1) + a2) + a3;
}

// CascadeSum.RowSum: 4 interleaved cascades, the tail into the first, then the four in order.
template <class T> static __device__ T cascade_row_sum(const T* p, i64 n, i64 stride) {
  i64 q = n / 4;
  T p0 = cascade_sum(p, q, 4 * stride), p1 = cascade_sum(p + stride, q, 4 * stride);
  T p2 = cascade_sum(p + 2 * stride, q, 4 * stride), p3 = cascade_sum(p + 3 * stride, q, 4 * stride);
  for (i64 i = q * 4; i < n; i++) p0 += p[i * stride];
  return ((p0 + p1) + p2) + p3;
}

// CascadeSum.InnerSum (contiguous rows): each of `lanes` lanes a row_sum, the tail first, then the lanes.
template <class T> static __device__ T cascade_inner_sum(const T* p, i64 n, int lanes) {
  i64 vectors = n / lanes;
  T total = 0;
  for (i64 k = vectors * lanes; k < n; k++) total += p[k];
  for (int l = 0; l < lanes; l++) total += cascade_row_sum(p + l, vectors, lanes);
  return total;
}

// One thread per output row, the mode chosen as CascadeSum's SumPlan does: inner, else the plain cascade for
// the row's column (row / divisor) % columns below cascade_columns, else row_sum.
template <class T> static __device__ __forceinline__ void sum_rows_cascade(T* out, const T* in, const Strided& s, int rows, int cols,
    int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns) {
  i64 step = s.stride[0][s.ndim - 1];
  for (i64 r = grid_start(); r < rows; r += grid_step()) {
    const T* p = in + row_base(s, r);
    T v = inner ? cascade_inner_sum(p, cols, lanes)
        : (r / divisor) % columns < cascade_columns ? cascade_sum(p, (i64)cols, (i64)step)
        : cascade_row_sum(p, (i64)cols, (i64)step);
    out[r] = (T)0 + v;
  }
}

#define SUM_CASCADE(sfx, T) \
  extern "C" __global__ void sum_rows_cascade_##sfx(T* out, const T* in, Strided s, int rows, int cols, int inner, int lanes, \
      i64 divisor, i64 columns, i64 cascade_columns) { \
    sum_rows_cascade<T>(out, in, s, rows, cols, inner, lanes, divisor, columns, cascade_columns); }
SUM_CASCADE(f32, float)
SUM_CASCADE(f64, double)

// The same sums for long rows, spread over threads with every addition kept in its place. A row's sum is a fixed
// combination of chains (cascade_sum calls: 4 per lane when inner, 1 for a cascade column, 4 for row_sum); inside
// a chain of step s = 2^lp, each level-2 block (s chunks of s elements) is one thread's, so blocks run in parallel
// and finishing the cascade from them repeats cascade_sum's additions exactly.
struct Chains { int count; i64 length, stride; int lanes; int mode; };   // mode: 0 inner, 1 cascade, 2 row_sum
static __device__ __forceinline__ Chains chains_of(int mode, i64 cols, int lanes, i64 step) {
  if (mode == 0) return Chains{4 * lanes, (cols / lanes) / 4, 4 * (i64)lanes, lanes, 0};
  if (mode == 1) return Chains{1, cols, step, lanes, 1};
  return Chains{4, cols / 4, 4 * step, lanes, 2};
}
// Chain c's first element: inner chain c = lane c/4, quarter c%4 (cascade_row_sum(p + lane, ...)); row_sum quarter c.
static __device__ __forceinline__ i64 chain_start(const Chains& ch, int c, i64 step) {
  return ch.mode == 0 ? (i64)(c / 4) + (i64)(c % 4) * ch.lanes : ch.mode == 1 ? 0 : (i64)c * step;
}
static __device__ __forceinline__ int cascade_lp(i64 n) {
  int log2n = 0;
  while (((i64)1 << log2n) < n) log2n++;
  return log2n / 4 < 4 ? 4 : log2n / 4;
}
static __device__ __forceinline__ int row_mode(int inner, i64 r, i64 divisor, i64 columns, i64 cascade_columns) {
  return inner ? 0 : (r / divisor) % columns < cascade_columns ? 1 : 2;
}

// partials[r][b * count + c] = chain c's level-2 block b of row r (blockIdx.y = row).
template <class T> static __device__ __forceinline__ void sum_cascade_blocks(T* partials, const T* in, const Strided& s, int cols,
    int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns, i64 row_partials) {
  i64 r = blockIdx.y, step = s.stride[0][s.ndim - 1];
  Chains ch = chains_of(row_mode(inner, r, divisor, columns, cascade_columns), cols, lanes, step);
  int lp = cascade_lp(ch.length);
  i64 w = (i64)1 << lp, total = (ch.length >> (2 * lp)) * ch.count;
  const T* p = in + row_base(s, r);
  for (i64 idx = grid_start(); idx < total; idx += grid_step()) {
    int c = (int)(idx % ch.count);
    const T* q = p + chain_start(ch, c, step) + (idx / ch.count) * w * w * ch.stride;
    T block = 0;
    for (i64 j = 0; j < w; j++) {
      T chunk = 0;
      for (i64 e = 0; e < w; e++) chunk += q[(j * w + e) * ch.stride];
      block += chunk;
    }
    partials[r * row_partials + idx] = block;
  }
}

// chain_sums[r][c]: cascade_sum of chain c from its level-2 blocks, then the chunks and elements after them.
template <class T> static __device__ __forceinline__ void sum_cascade_chains(T* chain_sums, const T* partials, const T* in, const Strided& s,
    int rows, int cols, int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns, i64 row_partials) {
  i64 r = blockIdx.y, step = s.stride[0][s.ndim - 1];
  Chains ch = chains_of(row_mode(inner, r, divisor, columns, cascade_columns), cols, lanes, step);
  int c = (int)grid_start();
  if (r >= rows || c >= ch.count) return;
  int lp = cascade_lp(ch.length);
  i64 w = (i64)1 << lp, blocks = ch.length >> (2 * lp), top = blocks >> lp;
  const T* P = partials + r * row_partials + c;
  T a3 = 0, a2, a1 = 0, a0 = 0;
  for (i64 k = 0; k < top; k++) {
    a2 = 0;
    for (i64 j = 0; j < w; j++) a2 += P[(k * w + j) * ch.count];
    a3 += a2;
  }
  a2 = 0;
  for (i64 b = top * w; b < blocks; b++) a2 += P[b * ch.count];
  const T* q = in + row_base(s, r) + chain_start(ch, c, step);
  i64 i = blocks * w * w;
  for (; i + w <= ch.length; i += w) {
    a0 = 0;
    for (i64 e = 0; e < w; e++) a0 += q[(i + e) * ch.stride];
    a1 += a0;
  }
  a0 = 0;
  for (; i < ch.length; i++) a0 += q[i * ch.stride];
  chain_sums[r * 64 + c] = ((a0 + a1) + a2) + a3;
}

// out[r]: the chains combined as cascade_inner_sum / cascade_row_sum combine them (one thread per row).
template <class T> static __device__ __forceinline__ void sum_cascade_finish(T* out, const T* chain_sums, const T* in, const Strided& s,
    int rows, int cols, int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns) {
  i64 step = s.stride[0][s.ndim - 1];
  for (i64 r = grid_start(); r < rows; r += grid_step()) {
    const T* p = in + row_base(s, r);
    const T* C = chain_sums + r * 64;
    int mode = row_mode(inner, r, divisor, columns, cascade_columns);
    T v;
    if (mode == 0) {
      i64 vectors = cols / lanes, q4 = vectors / 4;
      v = 0;
      for (i64 k = vectors * lanes; k < cols; k++) v += p[k];
      for (int l = 0; l < lanes; l++) {
        T p0 = C[4 * l];
        for (i64 i = q4 * 4; i < vectors; i++) p0 += p[l + i * lanes];
        v += ((p0 + C[4 * l + 1]) + C[4 * l + 2]) + C[4 * l + 3];
      }
    } else if (mode == 1) {
      v = C[0];
    } else {
      T p0 = C[0];
      for (i64 i = (cols / 4) * 4; i < cols; i++) p0 += p[i * step];
      v = ((p0 + C[1]) + C[2]) + C[3];
    }
    out[r] = (T)0 + v;
  }
}

#define SUM_CASCADE_PARALLEL(sfx, T) \
  extern "C" __global__ void sum_cascade_blocks_##sfx(T* partials, const T* in, Strided s, int cols, int inner, int lanes, \
      i64 divisor, i64 columns, i64 cascade_columns, i64 row_partials) { \
    sum_cascade_blocks<T>(partials, in, s, cols, inner, lanes, divisor, columns, cascade_columns, row_partials); } \
  extern "C" __global__ void sum_cascade_chains_##sfx(T* chain_sums, const T* partials, const T* in, Strided s, int rows, int cols, \
      int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns, i64 row_partials) { \
    sum_cascade_chains<T>(chain_sums, partials, in, s, rows, cols, inner, lanes, divisor, columns, cascade_columns, row_partials); } \
  extern "C" __global__ void sum_cascade_finish_##sfx(T* out, const T* chain_sums, const T* in, Strided s, int rows, int cols, \
      int inner, int lanes, i64 divisor, i64 columns, i64 cascade_columns) { \
    sum_cascade_finish<T>(out, chain_sums, in, s, rows, cols, inner, lanes, divisor, columns, cascade_columns); }
SUM_CASCADE_PARALLEL(f32, float)
SUM_CASCADE_PARALLEL(f64, double)

// max/min with index: the first NaN wins, else the first extreme (ReduceKernels.Extreme).
template <class T> static __device__ __forceinline__ bool better(T v, i64 i, T bv, i64 bi, int is_max) {
  bool vn = is_nan(v), bn = is_nan(bv);
  if (vn || bn) return vn && (!bn || i < bi);
  if (is_max ? v > bv : v < bv) return true;
  return v == bv && i < bi;
}
template <class T> static __device__ __forceinline__ void extreme_rows(T* vals, i64* idx, const T* in, const Strided& s, int rows, int cols, int is_max) {
  i64 step = s.stride[0][s.ndim - 1];
  for (i64 r = grid_start(); r < rows; r += grid_step()) {
    const T* p = in + row_base(s, r);
    T best = p[0];
    i64 bi = 0;
    for (int i = 1; i < cols && !is_nan(best); i++) {
      T v = p[(i64)i * step];
      if (is_nan(v) || (is_max ? v > best : v < best)) { best = v; bi = i; }
    }
    vals[r] = best;
    idx[r] = bi;
  }
}
template <class T> static __device__ __forceinline__ void extreme_rows_block(T* vals, i64* idx, const T* in, const Strided& s, int rows, int cols, int is_max, T* bv, i64* bix) {
  int r = blockIdx.x, t = threadIdx.x;
  if (r >= rows) return;
  const T* p = in + row_base(s, r);
  i64 step = s.stride[0][s.ndim - 1];
  T best = p[0];
  i64 bi = 0;
  for (int i = t; i < cols; i += SUM_THREADS) {
    T v = p[(i64)i * step];
    if (better(v, (i64)i, best, bi, is_max)) { best = v; bi = i; }
  }
  bv[t] = best; bix[t] = bi;
  __syncthreads();
  for (int w = SUM_THREADS / 2; w > 0; w >>= 1) {
    if (t < w && better(bv[t + w], bix[t + w], bv[t], bix[t], is_max)) { bv[t] = bv[t + w]; bix[t] = bix[t + w]; }
    __syncthreads();
  }
  if (t == 0) { vals[r] = bv[0]; idx[r] = bix[0]; }
}
#define EXTREME(sfx, T) \
  extern "C" __global__ void ext_rows_##sfx(T* vals, i64* idx, const T* in, Strided s, int rows, int cols, int is_max) { \
    extreme_rows<T>(vals, idx, in, s, rows, cols, is_max); } \
  extern "C" __global__ void __launch_bounds__(SUM_THREADS) ext_rows_block_##sfx(T* vals, i64* idx, const T* in, Strided s, int rows, int cols, int is_max) { \
    __shared__ T bv[SUM_THREADS]; __shared__ i64 bix[SUM_THREADS]; extreme_rows_block<T>(vals, idx, in, s, rows, cols, is_max, bv, bix); }
EXTREME(f32, float)
EXTREME(f64, double)
EXTREME(i64, i64)
#define EXTREME_INT(sfx, T, _) EXTREME(sfx, T)
FOR_SMALL_INTS(EXTREME_INT, _)

// scatter along dim (max/min backward): out[.., index[..], ..] = src[..]; operands out (dim stride in
// 'dimstride'), index, src share the index tensor's shape.
template <class T> static __device__ __forceinline__ void scatter(T* o, const i64* index, const T* src, const Strided& s, i64 n, i64 dimstride) {
  for (i64 i = grid_start(); i < n; i += grid_step())
    o[offset_of(s, 0, i) + index[offset_of(s, 1, i)] * dimstride] = src[offset_of(s, 2, i)];
}
extern "C" __global__ void scatter_b4(unsigned* o, const i64* index, const unsigned* src, Strided s, i64 n, i64 dimstride) { scatter<unsigned>(o, index, src, s, n, dimstride); }
extern "C" __global__ void scatter_b8(i64* o, const i64* index, const i64* src, Strided s, i64 n, i64 dimstride) { scatter<i64>(o, index, src, s, n, dimstride); }

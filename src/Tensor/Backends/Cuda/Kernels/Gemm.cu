// Gemm.cu - C = (accumulate ? C : 0) + A·B, row-major contiguous. Each C[i,j] adds its k products strictly in
// order with a separate multiply and add, the order and rounding of Backends/Cpu/Gemm.cs, so the result is
// bit-identical to the CPU backend (cuBLAS, used for large products when present, is not).
// 64x64 tile per 16x16-thread block, 4x4 outputs per thread (rows ty+16i, cols tx+16j: coalesced), k in
// steps of 16 through shared memory; register tiling changes nothing about each output's summation order.
#include "Common.cuh"

#define GT 64   // block tile (rows and cols)
#define GK 16   // k step
template <class T>
static __device__ __forceinline__ void gemm(int M, int N, int K, const T* A, const T* B, T* C, int accumulate, T (*as)[GT + 1], T (*bs)[GT + 1]) {
  int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
  int row0 = blockIdx.y * GT, col0 = blockIdx.x * GT;
  T acc[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      int r = row0 + ty + 16 * i, c = col0 + tx + 16 * j;
      acc[i][j] = (accumulate && r < M && c < N) ? C[(i64)r * N + c] : (T)0;
    }
  for (int k0 = 0; k0 < K; k0 += GK) {
    for (int e = tid; e < GT * GK; e += 256) {   // A tile 64x16 stored transposed (as[k][row]); B tile 16x64
      int ar = e / GK, ak = e % GK;
      as[ak][ar] = (row0 + ar < M && k0 + ak < K) ? A[(i64)(row0 + ar) * K + k0 + ak] : (T)0;
      int bk = e / GT, bc = e % GT;
      bs[bk][bc] = (k0 + bk < K && col0 + bc < N) ? B[(i64)(k0 + bk) * N + col0 + bc] : (T)0;
    }
    __syncthreads();
    int kend = K - k0 < GK ? K - k0 : GK;
    for (int k = 0; k < kend; k++) {
      T a[4], b[4];
      for (int i = 0; i < 4; i++) a[i] = as[k][ty + 16 * i];
      for (int j = 0; j < 4; j++) b[j] = bs[k][tx + 16 * j];
      for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
          T prod = a[i] * b[j];
          acc[i][j] = acc[i][j] + prod;
        }
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      int r = row0 + ty + 16 * i, c = col0 + tx + 16 * j;
      if (r < M && c < N) C[(i64)r * N + c] = acc[i][j];
    }
}
#define GEMM(sfx, T) \
  extern "C" __global__ void __launch_bounds__(256) gemm_##sfx(int M, int N, int K, const T* A, const T* B, T* C, int accumulate) { \
    __shared__ T as[GK][GT + 1]; __shared__ T bs[GK][GT + 1]; gemm<T>(M, N, K, A, B, C, accumulate, as, bs); }
GEMM(f32, float)
GEMM(f64, double)
GEMM(i64, i64)

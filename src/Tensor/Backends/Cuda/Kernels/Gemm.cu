// Gemm.cu - C = (accumulate ? C : 0) + A·B, row-major contiguous, 16x16 shared-memory tiles. Each C[i,j]
// adds its k products strictly in order with a separate multiply and add, the order and rounding of
// Backends/Cpu/Gemm.cs, so the result is bit-identical to the CPU backend (cuBLAS, when used, is not).
#include "Common.cuh"

#define TS 16
template <class T>
static __device__ __forceinline__ void gemm(int M, int N, int K, const T* A, const T* B, T* C, int accumulate, T (*as)[TS], T (*bs)[TS + 1]) {
  int tx = threadIdx.x, ty = threadIdx.y;
  int row = blockIdx.y * TS + ty, col = blockIdx.x * TS + tx;
  T acc = (accumulate && row < M && col < N) ? C[(i64)row * N + col] : (T)0;
  for (int k0 = 0; k0 < K; k0 += TS) {
    as[ty][tx] = (row < M && k0 + tx < K) ? A[(i64)row * K + k0 + tx] : (T)0;
    bs[ty][tx] = (k0 + ty < K && col < N) ? B[(i64)(k0 + ty) * N + col] : (T)0;
    __syncthreads();
    int kend = K - k0 < TS ? K - k0 : TS;   // padded products would add +0: exact, but skip them anyway
    for (int k = 0; k < kend; k++) {
      T prod = as[ty][k] * bs[k][tx];
      acc = acc + prod;
    }
    __syncthreads();
  }
  if (row < M && col < N) C[(i64)row * N + col] = acc;
}
#define GEMM(sfx, T) \
  extern "C" __global__ void __launch_bounds__(TS * TS) gemm_##sfx(int M, int N, int K, const T* A, const T* B, T* C, int accumulate) { \
    __shared__ T as[TS][TS]; __shared__ T bs[TS][TS + 1]; gemm<T>(M, N, K, A, B, C, accumulate, as, bs); }
GEMM(f32, float)
GEMM(f64, double)
GEMM(i64, i64)

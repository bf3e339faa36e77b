// emu.h - host-side replacements for CUDA device builtins; kernels run on fibers (see emu_sched.cpp).
#pragma once
struct dim3 { unsigned x, y, z; };
typedef dim3 uint3;
extern "C" {
extern dim3 threadIdx, blockIdx, blockDim, gridDim;   // set by the scheduler before each fiber resumes
void emu_syncthreads(void);
float emu_shfl_f32(unsigned mask, float v, int arg, int width, int mode);   // mode: 0 idx, 1 down, 2 up, 3 xor
void* emu_dynamic_smem(void);
}
static const int warpSize = 32;
#define __global__
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline
#define __launch_bounds__(...)
// Blocks run one at a time, so a function-static is exactly "one copy per block". The section lets the
// emulator poison shared memory with NaNs before every block (catches reads of unwritten shared memory).
#define __shared__ static __attribute__((section("emu_shared"), aligned(16)))
#define DYNAMIC_SHARED(T, name) T* name = (T*)emu_dynamic_smem()
#define __syncthreads() emu_syncthreads()
static inline float __shfl_sync(unsigned m, float v, int l, int w = 32) { return emu_shfl_f32(m, v, l, w, 0); }
static inline float __shfl_down_sync(unsigned m, float v, unsigned d, int w = 32) { return emu_shfl_f32(m, v, (int)d, w, 1); }
static inline float __shfl_xor_sync(unsigned m, float v, int l, int w = 32) { return emu_shfl_f32(m, v, l, w, 3); }
// Fibers switch only at barriers/shuffles, so plain read-modify-write is atomic here.
static inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
static inline int atomicAdd(int* p, int v) { int o = *p; *p = o + v; return o; }
static inline void __threadfence() {}

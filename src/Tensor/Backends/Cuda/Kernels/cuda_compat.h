// cuda_compat.h - lets the kernels compile (a) to PTX with clang-14 -x cuda and no CUDA toolkit,
// (b) for the host against the fiber emulator in native/cuda-emu (the same source runs in CPU-only CI).
#pragma once
#if defined(__CUDA_ARCH__)  // device: clang-14 -x cuda --cuda-device-only -nocudainc -nocudalib
#include "__clang_cuda_builtin_vars.h"   // threadIdx/blockIdx/blockDim/gridDim (clang resource dir)
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __host__ __attribute__((host))
#define __shared__ __attribute__((shared))
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
// __syncthreads() is a clang builtin (bar.sync 0).
#else                       // host emulation
#include "emu.h"
#endif
#include "devmath.h"

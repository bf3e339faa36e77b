// Kernels.cu - the one translation unit compiled to PTX (embedded in Bridge.Tensor.dll) and, for the
// host emulator, to x86: every kernel of the CUDA backend.
#include "Elementwise.cu"
#include "Modulo.cu"
#include "Copy.cu"
#include "Reduce.cu"
#include "Gemm.cu"
#include "Nn.cu"

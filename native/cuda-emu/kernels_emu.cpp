// Host build of the CUDA backend's kernels for the emulator: the same Kernels.cu, plus a registry whose
// list (kernels_list.inc) is generated from the PTX .entry lines, so host and device builds cannot drift.
#include "Kernels.cu"
#include "emu_registry.h"
static const EmuKernel kernel_table[] = {
#include "kernels_list.inc"
};
EMU_MODULE(kernel_table)

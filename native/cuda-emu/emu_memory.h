// emu_memory.h - the emulated device's fixed-capacity memory (emu_memory.cpp). Callers hold the driver lock.
#pragma once
#include <cstddef>
#include <cstdint>
size_t emu_mem_capacity();                       // bytes; EMU_DEVICE_MEMORY or 4 GiB
size_t emu_mem_used();                           // bytes held by live blocks (rounded, with redzones)
void* emu_mem_alloc(size_t n);                   // nullptr when the device is full
int emu_mem_free(void* p, bool* overrun);        // -1: not a block start; *overrun: its redzone was written
bool emu_mem_contains(uintptr_t p, size_t n);    // [p, p+n) inside one live block
// If p points into a live block whose redzone was overwritten: that block's start (and *block_size); else null.
const char* emu_mem_check_overrun(uintptr_t p, size_t* block_size);

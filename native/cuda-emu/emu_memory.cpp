// emu_memory.cpp - the emulated device's memory: one fixed-capacity arena, best-fit with coalescing.
//
// Why an arena: a real GPU has a fixed capacity and allocating costs the host kernel nothing. The first
// emulator mapped every allocation separately (plus a guard page), so a test run holding ~30k small device
// blocks ran out of vm.max_map_count before anything ran out of memory. Here the whole device is one
// MAP_NORESERVE mapping made at first use; past its capacity cuMemAlloc answers CUDA_ERROR_OUT_OF_MEMORY,
// so the engine's own out-of-memory path is what runs.
//
// Out-of-bounds writes: each block is followed by a 256-byte redzone holding a known pattern; after every
// launch the driver checks the redzones of the blocks the launch's pointer arguments point into, and every
// free checks its block's redzone. Out-of-bounds reads are left to the AddressSanitizer build.
//
// Capacity: EMU_DEVICE_MEMORY (bytes, or with a K/M/G suffix), default 4 GiB. All calls hold the driver's lock.
#include <sys/mman.h>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include "emu_memory.h"

namespace {
constexpr size_t kAlign = 256, kRedzone = 256;
constexpr unsigned char kRedzoneByte = 0xA5;
constexpr size_t kReleaseRss = (size_t)2 << 20;       // free runs this large give their pages back to the host

struct Block { size_t size, span; };                 // size: what the caller asked; span: size rounded + redzone
char* base = nullptr;
size_t capacity = 0, used = 0;
std::map<uintptr_t, Block> live;                     // start -> block
std::map<uintptr_t, size_t> free_by_addr;            // start -> length
std::multimap<size_t, uintptr_t> free_by_size;       // length -> start (best fit)

size_t parse_capacity() {
  const char* s = getenv("EMU_DEVICE_MEMORY");
  if (!s || !*s) return (size_t)4 << 30;
  char* end = nullptr;
  unsigned long long v = strtoull(s, &end, 10);
  switch (end && *end ? *end : 0) {
    case 'k': case 'K': v <<= 10; break;
    case 'm': case 'M': v <<= 20; break;
    case 'g': case 'G': v <<= 30; break;
    default: break;
  }
  return v < ((size_t)1 << 20) ? ((size_t)1 << 20) : (size_t)v;   // at least 1 MiB
}
void add_free(uintptr_t at, size_t len) { free_by_addr[at] = len; free_by_size.emplace(len, at); }
void remove_free(std::map<uintptr_t, size_t>::iterator it) {
  auto range = free_by_size.equal_range(it->second);
  for (auto s = range.first; s != range.second; ++s)
    if (s->second == it->first) { free_by_size.erase(s); break; }
  free_by_addr.erase(it);
}
bool ensure_arena() {
  if (base) return true;
  capacity = (parse_capacity() + kAlign - 1) / kAlign * kAlign;
  void* m = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return false;
  base = (char*)m;
  add_free((uintptr_t)base, capacity);
  return true;
}
bool redzone_intact(uintptr_t at, const Block& b) {
  const unsigned char* z = (const unsigned char*)at + b.size;
  size_t n = b.span - b.size;
  for (size_t i = 0; i < n; i++) if (z[i] != kRedzoneByte) return false;
  return true;
}
}  // namespace

size_t emu_mem_capacity() { ensure_arena(); return capacity; }
size_t emu_mem_used() { return used; }

void* emu_mem_alloc(size_t n) {
  if (n == 0 || n > ((size_t)1 << 48) || !ensure_arena()) return nullptr;
#ifdef __SANITIZE_ADDRESS__
  // ASan build: heap memory with byte-exact redzones catches any out-of-bounds access; the arena only counts.
  if (used + n > capacity) return nullptr;
  void* mem = nullptr;
  if (posix_memalign(&mem, kAlign, n)) return nullptr;
  live[(uintptr_t)mem] = Block{n, n};
  used += n;
  memset(mem, 0xFF, n);
  return mem;
#endif
  size_t span = (n + kAlign - 1) / kAlign * kAlign + kRedzone;
  auto fit = free_by_size.lower_bound(span);
  if (fit == free_by_size.end()) return nullptr;       // out of device memory
  uintptr_t at = fit->second;
  auto it = free_by_addr.find(at);
  size_t len = it->second;
  remove_free(it);
  if (len > span) add_free(at + span, len - span);
  live[at] = Block{n, span};
  used += span;
  memset((void*)at, 0xFF, n);                          // "uninitialised" = NaN pattern
  memset((char*)at + n, kRedzoneByte, span - n);
  return (void*)at;
}

int emu_mem_free(void* p, bool* overrun) {
  auto it = live.find((uintptr_t)p);
  if (it == live.end()) return -1;
  *overrun = !redzone_intact(it->first, it->second);
#ifdef __SANITIZE_ADDRESS__
  used -= it->second.span;
  free((void*)it->first);
  live.erase(it);
  return 0;
#endif
  uintptr_t at = it->first;
  size_t len = it->second.span;
  used -= len;
  live.erase(it);
  auto next = free_by_addr.find(at + len);             // coalesce with the neighbours
  if (next != free_by_addr.end()) { len += next->second; remove_free(next); }
  auto prev = free_by_addr.lower_bound(at);
  if (prev != free_by_addr.begin()) {
    --prev;
    if (prev->first + prev->second == at) { at = prev->first; len += prev->second; remove_free(prev); }
  }
  if (len >= kReleaseRss) {                            // keep host RSS near what is live, without splitting the mapping
    uintptr_t a = (at + 4095) & ~(uintptr_t)4095, e = (at + len) & ~(uintptr_t)4095;
    if (e > a) madvise((void*)a, e - a, MADV_DONTNEED);
  }
  add_free(at, len);
  return 0;
}

bool emu_mem_contains(uintptr_t p, size_t n) {
  auto it = live.upper_bound(p);
  if (it == live.begin()) return false;
  --it;
  return p >= it->first && p + n <= it->first + it->second.size;
}

const char* emu_mem_check_overrun(uintptr_t p, size_t* block_size) {
  auto it = live.upper_bound(p);
  if (it == live.begin()) return nullptr;
  --it;
  if (p >= it->first + it->second.span) return nullptr;   // not a device pointer of ours
  if (redzone_intact(it->first, it->second)) return nullptr;
  *block_size = it->second.size;
  memset((char*)it->first + it->second.size, kRedzoneByte, it->second.span - it->second.size);   // report once
  return (const char*)it->first;
}

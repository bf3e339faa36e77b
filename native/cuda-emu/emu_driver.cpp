// emu_driver.cpp - a fake libcuda.so (Driver API subset, same symbol names/signatures) + fake cublasSgemm_v2,
// backed by the CPU emulator. Lets a host program (e.g. the C# backend) run its real CUDA code path on a CPU-only box.
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <cmath>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include "emu_internal.h"
#include "emu_memory.h"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void* CUcontext; typedef void* CUmodule; typedef void* CUfunction; typedef void* CUstream;
enum { CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2, CUDA_ERROR_NOT_INITIALIZED = 3,
       CUDA_ERROR_INVALID_DEVICE = 101, CUDA_ERROR_INVALID_IMAGE = 200, CUDA_ERROR_INVALID_CONTEXT = 201,
       CUDA_ERROR_INVALID_PTX = 218, CUDA_ERROR_INVALID_HANDLE = 400, CUDA_ERROR_NOT_FOUND = 500,
       CUDA_ERROR_ILLEGAL_ADDRESS = 700, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701, CUDA_ERROR_LAUNCH_FAILED = 719,
       CUDA_ERROR_NOT_SUPPORTED = 801 };

namespace {
std::mutex mu;                                         // launches are serialized (shared memory = statics)
bool inited = false;
std::string last_err;
// function-local statics: modules register from constructors that may run before this TU's globals are built
std::vector<const EmuKernel*>& registry() { static std::vector<const EmuKernel*> r; return r; }
std::vector<std::pair<char*, char*>>& smem_sections() { static std::vector<std::pair<char*, char*>> s; return s; }
struct PtxEntry { std::vector<unsigned> params; bool needs_fibers; unsigned static_smem; };
struct Module { std::map<std::string, PtxEntry> entries; bool has_ptx; };
struct Func { const EmuKernel* k; const PtxEntry* e; int max_dyn_smem; };
int ctx_dummy, stream_dummy;

CUresult fail(CUresult r, const std::string& m) { last_err = m; return r; }
bool find_alloc(CUdeviceptr p, size_t n) { return emu_mem_contains((uintptr_t)p, n); }   // [p, p+n) inside one block
const EmuKernel* find_kernel(const char* name) {
  for (auto k : registry()) if (!strcmp(k->name, name)) return k;
  return nullptr;
}
// Minimal PTX scan: .entry names, .param sizes, static .shared sizes used, and whether barriers/shuffles occur.
bool parse_ptx(const std::string& s, Module& m, std::string& why) {
  if (s.find(".version") == std::string::npos || s.find(".target") == std::string::npos) { why = "no .version/.target: not PTX"; return false; }
  std::map<std::string, unsigned> shared;                // module-level .shared variables
  for (size_t p = 0; (p = s.find(".shared .align", p)) != std::string::npos; p++) {
    size_t b = s.find(".b8 ", p), lb = s.find('[', b), rb = s.find(']', lb);
    if (b == std::string::npos || lb == std::string::npos || rb == std::string::npos) continue;
    shared[s.substr(b + 4, lb - b - 4)] = (unsigned)strtoul(s.c_str() + lb + 1, nullptr, 10);
  }
  for (size_t p = 0; (p = s.find(".entry ", p)) != std::string::npos; p++) {
    size_t np = p + 7, lp = s.find('(', np), rp = s.find(')', lp), body = s.find('{', rp);
    if (lp == std::string::npos || rp == std::string::npos || body == std::string::npos) { why = "malformed .entry"; return false; }
    std::string name = s.substr(np, lp - np);
    while (!name.empty() && isspace((unsigned char)name.back())) name.pop_back();
    PtxEntry e{{}, false, 0};
    std::string params = s.substr(lp, rp - lp);
    for (size_t q = 0; (q = params.find(".param ", q)) != std::string::npos; q++) {
      size_t eol = params.find_first_of(",)\n", q);
      std::string d = params.substr(q, eol == std::string::npos ? std::string::npos : eol - q);
      // Size from the type token only: the parameter's name embeds the kernel name, which may contain "64".
      unsigned sz = 0;
      size_t t = d.find(" .", 6);
      while (t != std::string::npos && d.compare(t + 1, 6, ".align") == 0) t = d.find(" .", t + 7);
      if (t == std::string::npos) { why = "malformed .param in " + name; return false; }
      unsigned bits = (unsigned)strtoul(d.c_str() + t + 3, nullptr, 10);
      size_t lb = d.find('[', t);
      sz = lb != std::string::npos ? (unsigned)strtoul(d.c_str() + lb + 1, nullptr, 10) * bits / 8 : bits / 8;
      e.params.push_back(sz);
    }
    int depth = 0; size_t end = body;
    for (; end < s.size(); end++) { if (s[end] == '{') depth++; else if (s[end] == '}' && --depth == 0) break; }
    std::string b = s.substr(body, end - body);
    e.needs_fibers = b.find("bar.sync") != std::string::npos || b.find("barrier") != std::string::npos ||
                     b.find("shfl.") != std::string::npos || b.find("vote.") != std::string::npos || b.find("call") != std::string::npos;
    for (auto& v : shared) if (b.find(v.first) != std::string::npos) e.static_smem += v.second;
    m.entries[name] = e;
  }
  return true;
}
}  // namespace

extern "C" {
const char* emu_last_error(void) { return last_err.c_str(); }
void emu_register_module(const EmuKernel* k, int n, char* b, char* e) {
  for (int i = 0; i < n; i++) registry().push_back(&k[i]);
  if (b && e && e > b) smem_sections().push_back({b, e});
}

CUresult cuInit(unsigned flags) { (void)flags; inited = true; return CUDA_SUCCESS; }
CUresult cuDriverGetVersion(int* v) { if (!v) return CUDA_ERROR_INVALID_VALUE; *v = 12000; return CUDA_SUCCESS; }
CUresult cuDeviceGetCount(int* c) { if (!inited) return CUDA_ERROR_NOT_INITIALIZED; *c = 1; return CUDA_SUCCESS; }
CUresult cuDeviceGet(CUdevice* d, int ord) { if (!inited) return CUDA_ERROR_NOT_INITIALIZED; if (ord != 0) return CUDA_ERROR_INVALID_DEVICE; *d = 0; return CUDA_SUCCESS; }
CUresult cuDeviceGetName(char* name, int len, CUdevice d) { if (d != 0) return CUDA_ERROR_INVALID_DEVICE; snprintf(name, len, "Bridge CUDA emulator (CPU)"); return CUDA_SUCCESS; }
CUresult cuDeviceTotalMem_v2(size_t* b, CUdevice d) {
  if (d != 0) return CUDA_ERROR_INVALID_DEVICE;
  std::lock_guard<std::mutex> g(mu);
  *b = emu_mem_capacity(); return CUDA_SUCCESS;
}
CUresult cuDeviceGetAttribute(int* v, int attr, CUdevice d) {
  if (d != 0) return CUDA_ERROR_INVALID_DEVICE;
  switch (attr) {
    case 1: *v = 1024; break;  case 2: *v = 1024; break;  case 3: *v = 1024; break;  case 4: *v = 64; break;
    case 5: *v = 2147483647; break;  case 6: *v = 65535; break;  case 7: *v = 65535; break;
    case 8: *v = 49152; break;  case 10: *v = 32; break;  case 16: *v = 1; break;
    case 75: *v = 8; break;  case 76: *v = 0; break;  case 97: *v = 101376; break;
    default: return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}
CUresult cuCtxCreate_v2(CUcontext* c, unsigned flags, CUdevice d) { (void)flags; if (!inited) return CUDA_ERROR_NOT_INITIALIZED; if (d != 0) return CUDA_ERROR_INVALID_DEVICE; *c = &ctx_dummy; return CUDA_SUCCESS; }
CUresult cuCtxDestroy_v2(CUcontext) { return CUDA_SUCCESS; }
CUresult cuDevicePrimaryCtxRetain(CUcontext* c, CUdevice d) { return cuCtxCreate_v2(c, 0, d); }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice) { return CUDA_SUCCESS; }
// The current context is per thread, as in the driver, so the engine's check for a context switched by another
// library (CudaDevice.MakeCurrent) runs against real bookkeeping.
static thread_local CUcontext current_ctx = nullptr;
CUresult cuCtxSetCurrent(CUcontext c) { current_ctx = c; return CUDA_SUCCESS; }
CUresult cuCtxGetCurrent(CUcontext* c) { if (!c) return CUDA_ERROR_INVALID_VALUE; *c = current_ctx; return CUDA_SUCCESS; }
CUresult cuCtxSynchronize(void) { return CUDA_SUCCESS; }            // launches are synchronous
CUresult cuStreamCreate(CUstream* s, unsigned) { *s = &stream_dummy; return CUDA_SUCCESS; }
CUresult cuStreamDestroy_v2(CUstream) { return CUDA_SUCCESS; }
CUresult cuStreamSynchronize(CUstream) { return CUDA_SUCCESS; }

CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t n) {
  if (!p || n == 0) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> g(mu);
  void* m = emu_mem_alloc(n);
  if (!m) return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc: " + std::to_string(n) + " bytes do not fit: " +
                      std::to_string(emu_mem_used()) + " of " + std::to_string(emu_mem_capacity()) + " bytes in use");
  *p = (CUdeviceptr)(uintptr_t)m;
  return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  std::lock_guard<std::mutex> g(mu);
  bool overrun = false;
  if (emu_mem_free((void*)(uintptr_t)p, &overrun)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree: not an allocation");
  if (overrun) return fail(CUDA_ERROR_ILLEGAL_ADDRESS, "cuMemFree: something wrote past the end of this allocation");
  return CUDA_SUCCESS;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (!find_alloc(dst, n)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyHtoD: destination range not inside an allocation");
  memcpy((void*)(uintptr_t)dst, src, n); return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (!find_alloc(src, n)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoH: source range not inside an allocation");
  memcpy(dst, (void*)(uintptr_t)src, n); return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (!find_alloc(src, n) || !find_alloc(dst, n)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpyDtoD: range not inside an allocation");
  memmove((void*)(uintptr_t)dst, (void*)(uintptr_t)src, n); return CUDA_SUCCESS;
}
CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char v, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (n && !find_alloc(dst, n)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemsetD8: range not inside an allocation");
  memset((void*)(uintptr_t)dst, v, n); return CUDA_SUCCESS;
}
CUresult cuMemGetInfo_v2(size_t* free_b, size_t* total) {
  if (!free_b || !total) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> g(mu);
  *total = emu_mem_capacity(); *free_b = *total - emu_mem_used(); return CUDA_SUCCESS;
}
CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned v, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (!find_alloc(dst, n * 4)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemsetD32: range not inside an allocation");
  unsigned* p = (unsigned*)(uintptr_t)dst; for (size_t i = 0; i < n; i++) p[i] = v; return CUDA_SUCCESS;
}

CUresult cuModuleLoadData(CUmodule* mod, const void* image) {
  if (!mod || !image) return CUDA_ERROR_INVALID_VALUE;
  Module* m = new Module();
  const char* s = (const char*)image;
  m->has_ptx = memcmp(s, "\x7f" "ELF", 4) != 0;                    // cubin/fatbin: cannot be checked, trust registry
  if (m->has_ptx) {
    std::string why;
    if (!parse_ptx(std::string(s), *m, why)) { delete m; return fail(CUDA_ERROR_INVALID_PTX, "cuModuleLoadData: " + why); }
  }
  *mod = m; return CUDA_SUCCESS;
}
// JIT options (error log buffers) are accepted and ignored: the emulator's PTX scan reports through emu_last_error.
CUresult cuModuleLoadDataEx(CUmodule* mod, const void* image, unsigned n, int* opts, void** vals) {
  (void)n; (void)opts; (void)vals; return cuModuleLoadData(mod, image);
}
CUresult cuModuleUnload(CUmodule m) { delete (Module*)m; return CUDA_SUCCESS; }
CUresult cuModuleGetFunction(CUfunction* f, CUmodule mod, const char* name) {
  Module* m = (Module*)mod;
  if (!m || !f || !name) return CUDA_ERROR_INVALID_VALUE;
  const PtxEntry* e = nullptr;
  if (m->has_ptx) {
    auto it = m->entries.find(name);
    if (it == m->entries.end()) return fail(CUDA_ERROR_NOT_FOUND, std::string("no .entry ") + name + " in PTX");
    e = &it->second;
  }
  const EmuKernel* k = find_kernel(name);
  if (!k) return fail(CUDA_ERROR_NOT_FOUND, std::string("kernel ") + name + " not compiled into the emulator");
  if (e) {                                                          // host build and PTX must agree on the ABI
    bool same = (int)e->params.size() == k->nargs;
    for (int i = 0; same && i < k->nargs; i++) same = e->params[i] == k->argsizes[i];
    if (!same) return fail(CUDA_ERROR_INVALID_IMAGE, std::string("parameter list of ") + name + " differs between PTX and host build");
  }
  *f = new Func{k, e, 0};
  return CUDA_SUCCESS;
}
CUresult cuFuncSetAttribute(CUfunction f, int attr, int v) {       // 8 = CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  if (attr == 8) { ((Func*)f)->max_dyn_smem = v; return CUDA_SUCCESS; }
  return CUDA_ERROR_NOT_SUPPORTED;
}
CUresult cuLaunchKernel(CUfunction fh, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned smem, CUstream, void** params, void** extra) {
  Func* f = (Func*)fh;
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  if (extra) return fail(CUDA_ERROR_NOT_SUPPORTED, "emulator: 'extra' launch parameters not supported");
  if (!gx || !gy || !gz || !bx || !by || !bz || gy > 65535 || gz > 65535 || bx > 1024 || by > 1024 || bz > 64 ||
      (unsigned long long)bx * by * bz > 1024)
    return fail(CUDA_ERROR_INVALID_VALUE, "invalid grid/block dimensions");
  unsigned static_smem = f->e ? f->e->static_smem : 0;
  unsigned limit = f->max_dyn_smem > 0 ? (unsigned)f->max_dyn_smem + static_smem : 49152;
  if (static_smem + smem > limit) return fail(CUDA_ERROR_INVALID_VALUE, "too much shared memory requested");
  if (f->k->nargs && !params) return fail(CUDA_ERROR_INVALID_VALUE, "kernelParams is NULL");
  std::lock_guard<std::mutex> g(mu);
  std::string err;
  bool fibers = f->e ? f->e->needs_fibers : true;
  if (getenv("EMU_ALWAYS_FIBERS")) fibers = true;
  int rc = emu_run_grid(f->k, params, dim3{gx, gy, gz}, dim3{bx, by, bz}, smem, fibers, smem_sections(), &err);
  if (rc) return fail(CUDA_ERROR_LAUNCH_FAILED, err);
  // A write past the end of a block shows in its redzone: check the blocks this launch's pointers point into.
  for (int i = 0; i < f->k->nargs; i++) {
    if (f->k->argsizes[i] != 8) continue;
    uintptr_t v; memcpy(&v, params[i], 8);
    size_t size = 0;
    if (const char* blk = emu_mem_check_overrun(v, &size))
      return fail(CUDA_ERROR_ILLEGAL_ADDRESS, std::string(f->k->name) + " wrote past the end of a " + std::to_string(size) +
                  "-byte allocation at " + std::to_string((uintptr_t)blk) + " (argument " + std::to_string(i) + ")");
  }
  return CUDA_SUCCESS;
}
CUresult cuGetErrorName(CUresult r, const char** s) {
  static std::map<int, const char*> names = {{0, "CUDA_SUCCESS"}, {1, "CUDA_ERROR_INVALID_VALUE"}, {2, "CUDA_ERROR_OUT_OF_MEMORY"},
    {3, "CUDA_ERROR_NOT_INITIALIZED"}, {101, "CUDA_ERROR_INVALID_DEVICE"}, {200, "CUDA_ERROR_INVALID_IMAGE"}, {218, "CUDA_ERROR_INVALID_PTX"},
    {400, "CUDA_ERROR_INVALID_HANDLE"}, {500, "CUDA_ERROR_NOT_FOUND"}, {700, "CUDA_ERROR_ILLEGAL_ADDRESS"}, {719, "CUDA_ERROR_LAUNCH_FAILED"},
    {801, "CUDA_ERROR_NOT_SUPPORTED"}};
  auto it = names.find(r);
  if (it == names.end()) { *s = nullptr; return CUDA_ERROR_INVALID_VALUE; }
  *s = it->second; return CUDA_SUCCESS;
}
CUresult cuGetErrorString(CUresult r, const char** s) { return cuGetErrorName(r, s); }

// ---- fake cuBLAS: column-major SGEMM with the cublasSgemm_v2 signature (host pointer mode for alpha/beta)
typedef void* cublasHandle_t;
int cublasCreate_v2(cublasHandle_t* h) { static int dummy; *h = &dummy; return 0; }
int cublasDestroy_v2(cublasHandle_t) { return 0; }
int cublasSetStream_v2(cublasHandle_t, CUstream) { return 0; }
int cublasSgemm_v2(cublasHandle_t h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                   const float* B, int ldb, const float* beta, float* C, int ldc) {
  if (!h) return 1;                                                  // CUBLAS_STATUS_NOT_INITIALIZED
  if (m < 0 || n < 0 || k < 0 || lda < (ta == 0 ? (m > 1 ? m : 1) : (k > 1 ? k : 1)) ||
      ldb < (tb == 0 ? (k > 1 ? k : 1) : (n > 1 ? n : 1)) || ldc < (m > 1 ? m : 1)) return 7;   // INVALID_VALUE
  std::lock_guard<std::mutex> g(mu);
  if (m && n && (!find_alloc((CUdeviceptr)(uintptr_t)C, ((size_t)(n - 1) * ldc + m) * 4))) { last_err = "cublasSgemm: C out of range"; return 13; }
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      float acc = 0.0f;
      for (int p = 0; p < k; p++) {
        float a = ta == 0 ? A[i + (size_t)p * lda] : A[p + (size_t)i * lda];
        float b = tb == 0 ? B[p + (size_t)j * ldb] : B[j + (size_t)p * ldb];
        acc = fmaf(a, b, acc);
      }
      float* c = &C[i + (size_t)j * ldc];
      *c = *beta == 0.0f ? *alpha * acc : *alpha * acc + *beta * *c;
    }
  return 0;
}
}  // extern "C"

/* bridge.h: the C ABI of libbridge.so (Bridge's C# engine, compiled with NativeAOT). ABI version 1.
 *
 * Conventions
 *  - Functions return int32 status: 0 ok; otherwise the kind of error, named after the Python exception a
 *    binding should raise (1 RuntimeError, 2 ValueError, 3 TypeError, 4 IndexError, 5 NotImplementedError,
 *    6 MemoryError, 7 OSError, 8 FileNotFoundError). bridge_last_error() then holds the engine's message for the calling thread
 *    (UTF-8, NUL-terminated, owned by the library, valid until that thread's next failure).
 *  - Objects are int64 handles. 0 is never a handle. Every handle a call returns is owned by the caller and
 *    freed exactly once with bridge_handle_free (or bridge_handles_free). A freed or made-up handle is
 *    reported as error 2, never dereferenced. Bit 62 is set in handles of tensors whose storage holds 64 KiB
 *    or more, or that end an autograd graph (which holds saved tensors): a caller that batches its frees should free those at once.
 *  - Results that are lists, strings or bytes point into a thread-local buffer of the library, valid until
 *    the same thread's next call: copy what you keep.
 *  - Nothing is thrown across this boundary; any thread may call; the grad mode is per thread.
 */
#ifndef BRIDGE_H
#define BRIDGE_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bridge_dtype { BRIDGE_FLOAT32 = 0, BRIDGE_FLOAT64 = 1, BRIDGE_INT64 = 2, BRIDGE_BOOL = 3 };

enum bridge_value_kind {
    BRIDGE_NONE = 0, BRIDGE_TENSOR = 1 /* i: handle */, BRIDGE_INT = 2 /* i */, BRIDGE_FLOAT = 3 /* d */,
    BRIDGE_BOOL_VALUE = 4 /* i: 0/1 */, BRIDGE_INT_LIST = 5 /* p: int64[i] */, BRIDGE_TENSOR_LIST = 6 /* p: handle[i] */,
    BRIDGE_STRING = 7 /* p: UTF-8 bytes[i] */, BRIDGE_OBJECT = 8 /* i: handle of an optimizer */,
    BRIDGE_BYTES = 9 /* p: bytes[i] */, BRIDGE_FLOAT_LIST = 10 /* p: double[i] */
};

/* One argument or result: 32 bytes. */
typedef struct bridge_value { int32_t kind; int32_t reserved; int64_t i; double d; const void* p; } bridge_value;

int32_t bridge_abi_version(void);
const char* bridge_last_error(void);
int32_t bridge_last_status(void);  /* status of the calling thread's last failure */

/* Ops by name (torch's Python names: "add", "sum_dim", "index", ...): resolve once, call by id.
 * Ops that work in place return BRIDGE_NONE.
 * Distributed ops (Open MPI bound at run time; src/Interop/Ops/DistributedOps.cs): "dist_init"(backend, timeout_s)
 * returns the default process group as an object; collectives ("dist_all_reduce", "dist_broadcast", ...) take a group
 * (BRIDGE_NONE: the default one) and end with async_op: true returns a work object ("work_wait"), false waits.
 * "dist_abort" ends every process of the job; "dist_shutdown" is for the end of a process. */
int32_t bridge_op_id(const char* name, int32_t* id);
int32_t bridge_call(int32_t op, const bridge_value* args, int32_t nargs, bridge_value* result);

/* Fast forms for the hottest signatures (tensor), (tensor, tensor), (tensor, double), (tensor, int64).
 * They return the new result's handle, -1 when the op returned None (in-place ops), 0 on failure. */
int64_t bridge_call_t(int32_t op, int64_t a);
int64_t bridge_call_tt(int32_t op, int64_t a, int64_t b);
int64_t bridge_call_ts(int32_t op, int64_t a, double s);
int64_t bridge_call_ti(int32_t op, int64_t a, int64_t i);

/* Sets the calling thread's grad mode (0 = no_grad); returns the previous mode. */
int32_t bridge_grad_mode_set(int32_t enabled);

int32_t bridge_handle_free(int64_t handle);
int32_t bridge_handles_free(const int64_t* handles, int32_t count); /* stops at the first bad handle */
int64_t bridge_handles_live(void);  /* handles issued and not freed (for leak tests) */
int32_t bridge_gc_collect(void);    /* runs the .NET GC and finalizers: dead storages release now */

/* Memory. */
enum bridge_tensor_flags { BRIDGE_REQUIRES_GRAD = 1, BRIDGE_IS_LEAF = 2, BRIDGE_WRITABLE = 4,
                           BRIDGE_IS_PARAMETER = 8, BRIDGE_CONTIGUOUS = 16, BRIDGE_HAS_GRAD_FN = 32 };
typedef struct bridge_tensor_meta {
    int32_t dtype, ndim, device_type /* 1 cpu, 2 cuda */, device_index, flags, version;
    int64_t numel;
    void* data;            /* address of element [0, ..., 0] */
    void* storage;         /* start of the (64-byte aligned) storage */
    int64_t storage_bytes;
} bridge_tensor_meta;

/* Fills meta, and shape and strides (in elements) up to capacity entries; either may be NULL. */
int32_t bridge_tensor_meta(int64_t tensor, bridge_tensor_meta* meta, int64_t* shape, int64_t* strides, int32_t capacity);

/* Wraps caller memory without copying (strides in elements, NULL for row-major; negative strides and
 * misaligned data are refused). When the last tensor over it dies, release(context) runs, on any thread.
 * With release NULL, context is queued instead for bridge_released_take, so that a caller that must
 * release on its own thread (Python, under its GIL) can do so. */
int32_t bridge_tensor_from_buffer(void* data, int32_t dtype, int32_t ndim, const int64_t* shape,
                                  const int64_t* strides, int32_t writable, void (*release)(void*),
                                  void* context, int64_t* result);
int32_t bridge_released_take(int64_t* tokens, int32_t capacity, int32_t* count);

/* DLPack (dlpack.h, the 0.x DLManagedTensor). to_dlpack: the consumer calls the deleter once; read-only
 * tensors are refused. from_dlpack: Bridge calls the producer's deleter when done (on the finalizer
 * thread), or queues release_token for bridge_released_take when it is non-zero. */
struct DLManagedTensor;
int32_t bridge_tensor_to_dlpack(int64_t tensor, struct DLManagedTensor** result);
int32_t bridge_tensor_from_dlpack(struct DLManagedTensor* managed, int64_t release_token, int64_t* result);
int64_t bridge_dlpack_exported_live(void); /* DLManagedTensors handed out and not yet deleted */

/* For Python bindings: a PyCapsule destructor for "dltensor" capsules (deletes the tensor unless a consumer
 * renamed the capsule), after being given PyCapsule_IsValid and PyCapsule_GetPointer. It is native because
 * a consumer that failed can leave a Python exception set while the capsule dies. */
void bridge_dlpack_set_capsule_api(int (*is_valid)(void*, const char*), void* (*get_pointer)(void*, const char*));
void bridge_dlpack_capsule_destructor(void* capsule);

#ifdef __cplusplus
}
#endif
#endif

"""bridge.cuda: the engine's CUDA backend (driver API through P/Invoke) as torch.cuda presents it.

Memory follows torch: a tensor's device memory goes back to the caching allocator as soon as its last
reference (Python object, view, export, autograd save) is gone; ``empty_cache`` gives unused cached
segments back to the driver."""

from ._core import call
from ._dtype import device as _device


def is_available():
    """True when a CUDA driver and device are there (or the host emulator, selected by BRIDGE_CUDA_DRIVER)."""
    return call("cuda_available")


def device_count():
    """The number of CUDA devices (0 when CUDA is not available)."""
    return call("cuda_device_count")


def status():
    """Why CUDA is or is not available, in the engine's words."""
    return call("cuda_status")


def _index(device=None):
    """The device ordinal meant by None (the current device), an int, "cuda", "cuda:N" or a device object."""
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    d = _device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return current_device() if d.index is None else d.index


def current_device():
    """The index of the device that "cuda" without an index means on this thread."""
    return call("cuda_current_device")


def set_device(device):
    """Makes ``device`` the one that "cuda" without an index means on this thread."""
    call("cuda_set_device", _index(device))


def get_device_name(device=None):
    """The device's name as the driver reports it (``device``: an index, "cuda:N" or a device; the current one if None)."""
    return call("cuda_device_name", _index(device))


def synchronize(device=None):
    """Waits until every kernel queued on ``device`` has finished."""
    call("cuda_synchronize", _index(device))


def empty_cache():
    """Returns the cached, unused device segments to the driver (tensors still alive keep theirs)."""
    call("cuda_empty_cache", current_device())


def memory_allocated(device=None):
    """Bytes of device memory held by tensors (sizes rounded as the allocator hands them out)."""
    return call("cuda_memory_stat", _index(device), "allocated")


def max_memory_allocated(device=None):
    """Peak of memory_allocated since the start or the last reset_peak_memory_stats."""
    return call("cuda_memory_stat", _index(device), "peak_allocated")


def memory_reserved(device=None):
    """Bytes the caching allocator holds from the driver, in use or cached."""
    return call("cuda_memory_stat", _index(device), "reserved")


def max_memory_reserved(device=None):
    """Peak of memory_reserved since the start or the last reset_peak_memory_stats."""
    return call("cuda_memory_stat", _index(device), "peak_reserved")


def reset_peak_memory_stats(device=None):
    """Starts the peaks of max_memory_allocated and max_memory_reserved again from the current values."""
    call("cuda_reset_peak_memory_stats", _index(device))


_STATS = ("allocated", "peak_allocated", "reserved", "peak_reserved", "requests", "cache_hits",
          "driver_allocations", "driver_frees", "oom_collections")


def memory_stats(device=None):
    """The allocator's counters as a dict (Bridge's names; torch's memory_stats has many more keys)."""
    index = _index(device)
    return {name: call("cuda_memory_stat", index, name) for name in _STATS}


def gemm_engine(device=None):
    """Which GEMM runs large matrix products on ``device``: the cuBLAS library's file name, or "kernel"."""
    return call("cuda_gemm_engine", _index(device))


# DLPack's stream argument. Bridge queues all its work on the legacy default stream (DLPack stream 1).
_LEGACY_DEFAULT, _NO_SYNC = 1, -1


def _before_export(index, stream):
    """Makes a Bridge tensor safe to use on the consumer's ``stream``: nothing to do on the legacy default stream
    (the same queue) or when the consumer opts out (-1); for any other stream, Bridge's queued work is waited for
    (a device synchronize: correct for every stream, where an event would need the consumer's stream handle)."""
    if stream is None or stream == _LEGACY_DEFAULT or stream == _NO_SYNC:
        return
    if not isinstance(stream, int) or stream < -1 or stream == 0:
        raise ValueError(f"__dlpack__: invalid CUDA stream {stream!r} (None, -1, 1, 2 or a stream handle)")
    synchronize(index)


def _import_stream(producer):
    """The __dlpack__ arguments for taking ``producer``'s memory: a CUDA producer is asked to order its work before
    Bridge's stream (the legacy default), as torch does for its current stream."""
    try:
        kind = producer.__dlpack_device__()[0]
    except Exception:
        return {}
    return {"stream": _LEGACY_DEFAULT} if kind == 2 else {}


# ---- seeding: device draws come from the CPU's default generator -------------------------------------------------

def manual_seed(seed):
    """Accepted and ignored, as torch ignores it without CUDA: Bridge draws random numbers for CUDA tensors from the
    CPU's default generator (``bridge.manual_seed`` seeds it), so a CUDA seed has nothing of its own to set, and
    resetting the CPU stream here would change a program's CPU draws."""
    int(seed)


def manual_seed_all(seed):
    """Accepted and ignored; see ``manual_seed``."""
    int(seed)


def seed():
    """Accepted and ignored; see ``manual_seed``."""


def seed_all():
    """Accepted and ignored; see ``manual_seed``."""


# torch.cuda.amp.GradScaler, reached as an attribute (bridge.cuda is a module, so `import bridge.cuda.amp` is not
# a name of its own)
from . import _cuda_amp as amp  # noqa: E402

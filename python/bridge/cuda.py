"""bridge.cuda: the engine's CUDA backend (driver API through P/Invoke) as torch.cuda presents it."""

from ._core import call


def is_available():
    """True when a CUDA driver and device are there (or the host emulator, selected by BRIDGE_CUDA_DRIVER)."""
    return call("cuda_available")


def device_count():
    return call("cuda_device_count")


def status():
    """Why CUDA is or is not available, in the engine's words."""
    return call("cuda_status")

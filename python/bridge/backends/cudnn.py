"""bridge.backends.cudnn: torch.backends.cudnn's switches. Bridge does not use cuDNN (its convolutions are its own
kernels, in the tensors' own precision, deterministic), so ``is_available()`` is False and the switches are plain
module attributes that programs may set or read without effect."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: Bridge does not use cuDNN."""
    return False


def version():
    """None, as torch reports without cuDNN."""
    return None


__all__ = ["enabled", "benchmark", "deterministic", "allow_tf32", "is_available", "version"]

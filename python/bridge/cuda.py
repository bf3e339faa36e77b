"""bridge.cuda: this build's Python package has no CUDA tensors yet."""


def is_available():
    return False


def device_count():
    return 0

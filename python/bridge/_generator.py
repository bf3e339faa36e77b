"""The draws torch.utils.data's samplers make (torch.Generator itself lives in _random.py)."""

from ._core import call
from ._random import Generator, default_generator, gen as engine  # noqa: F401 (re-exported for the samplers)


def random_int64(generator=None):
    """torch.empty((), dtype=torch.int64).random_(generator=generator).item()"""
    return call("generator_random_int64", engine(generator))


def randperm(n, generator=None):
    """torch.randperm(n, generator=generator).tolist()"""
    return call("generator_randperm", engine(generator), int(n)).tolist()


def randint(high, size, generator=None):
    """torch.randint(high=high, size=(size,), dtype=torch.int64, generator=generator).tolist()"""
    if size == 0:
        return []
    return call("generator_randint", engine(generator), 0, int(high), [int(size)]).tolist()


def multinomial(weights, num_samples, replacement, generator=None):
    """torch.multinomial(weights, num_samples, replacement, generator=generator).tolist()"""
    return call("generator_multinomial", engine(generator), weights, int(num_samples), bool(replacement)).tolist()

"""torch.Generator: an engine-side Mersenne Twister with torch's seeding and draws (CPU only).

``default_generator`` is the process's default one (what manual_seed seeds); ``Generator()`` makes a new,
independent one, as torch's does, with torch's default seed 67280421310721.
"""

import random as _random

from ._core import call
from ._dtype import device as _device


def _as_int64(seed):
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    return seed - (1 << 64) if seed >= 1 << 63 else seed


class Generator:
    """A random number generator whose draws match torch.Generator's bit for bit."""

    def __init__(self, device="cpu"):
        self.device = _device(device)
        if self.device.type != "cpu":
            raise RuntimeError(f"bridge: only CPU generators are supported (got device {self.device})")
        self._engine = call("generator_new")

    @classmethod
    def _default(cls):
        g = cls.__new__(cls)
        g.device = _device("cpu")
        g._engine = None  # the engine's default generator
        return g

    def manual_seed(self, seed):
        """Reseeds; returns the generator."""
        call("generator_manual_seed", self._engine, _as_int64(seed))
        return self

    def initial_seed(self):
        """The seed the generator was last seeded with."""
        return call("generator_initial_seed", self._engine) & 0xFFFFFFFFFFFFFFFF

    def seed(self):
        """Reseeds from a nondeterministic source; returns the new seed."""
        seed = _random.SystemRandom().getrandbits(63)
        self.manual_seed(seed)
        return seed

    def get_state(self):
        """The state as torch lays it out (5056 bytes), as a tensor of byte values."""
        from ._functions import int64, tensor
        return tensor(list(call("generator_get_state", self._engine)), dtype=int64)

    def set_state(self, new_state):
        """Restores a state from get_state() (or torch's)."""
        data = bytes(new_state.tolist()) if hasattr(new_state, "tolist") else bytes(new_state)
        call("generator_set_state", self._engine, data)
        return self

    def __getstate__(self):
        return {"device": str(self.device), "state": bytes(call("generator_get_state", self._engine))}

    def __setstate__(self, state):
        self.device = _device(state["device"])
        self._engine = call("generator_new")
        call("generator_set_state", self._engine, state["state"])


default_generator = Generator._default()


def engine(generator):
    """What the engine's draw ops take for ``generator`` (None: the default generator)."""
    if generator is None:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, got {type(generator).__name__}")
    return generator._engine


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

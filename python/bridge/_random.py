"""torch.Generator over the engine's PyTorch-exact Mersenne Twister, and the samplers that take ``generator=``."""

from . import _core
from ._core import TensorBase, call
from ._dtype import int64
from ._out import write as _out


class Generator:
    """A random generator (torch.Generator): its own Mersenne Twister state, seeded like torch's CPU generator."""

    def __init__(self, device="cpu"):
        if str(device) not in ("cpu",):
            raise RuntimeError(f"bridge: generators on '{device}' are not supported; random draws come from the CPU")
        self._obj = call("generator_new")

    @classmethod
    def _default(cls):
        g = cls.__new__(cls)
        g._obj = call("generator_default")
        return g

    @property
    def device(self):
        """The generator's device: always the CPU (Bridge draws random numbers on the CPU, for every device)."""
        from ._dtype import device
        return device("cpu")

    def manual_seed(self, seed):
        """Reseeds; returns the generator."""
        seed = int(seed)
        if seed < -(1 << 63) or seed >= (1 << 64):
            raise RuntimeError("Overflow when unpacking long")
        call("generator_manual_seed", self._obj, seed - (1 << 64) if seed >= (1 << 63) else seed)
        return self

    def seed(self):
        """Reseeds from a nondeterministic source; returns the new seed."""
        import random
        s = random.getrandbits(63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last set."""
        return call("generator_initial_seed", self._obj) & 0xFFFFFFFFFFFFFFFF

    def get_state(self):
        """The state as torch lays it out (5056 bytes), in an int64 tensor of byte values."""
        from ._functions import tensor
        return tensor(list(call("generator_get_state", self._obj)), dtype=int64)

    def set_state(self, new_state):
        """Restores a state from get_state() (or torch's)."""
        call("generator_set_state", self._obj, _state_bytes(new_state))
        return self

    def __eq__(self, other):
        return isinstance(other, Generator) and call("generator_same", self._obj, other._obj)

    def __hash__(self):
        return id(Generator)

    def __getstate__(self):  # pickles and deep copies carry the state, as torch's do
        return {"state": bytes(call("generator_get_state", self._obj))}

    def __setstate__(self, state):
        self._obj = call("generator_new")
        call("generator_set_state", self._obj, state["state"])


def _state_bytes(state):
    if isinstance(state, TensorBase):
        return bytes(int(v) & 0xFF for v in state.tolist())
    if hasattr(state, "numpy") and hasattr(state, "dtype"):  # a torch ByteTensor
        return bytes(state.numpy().tobytes())
    return bytes(state)


default_generator = Generator._default()


def gen(generator):
    """The engine object for a generator= argument (None: the default generator)."""
    if generator is None:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a torch.Generator, not {type(generator).__name__}")
    return generator._obj


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """``num_samples`` category indices per row drawn with the row's weights (torch's exact draws)."""
    return _out(call("multinomial", input, int(num_samples), bool(replacement), gen(generator)), out)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, device=None, requires_grad=False):
    """N(mean, std^2) draws: tensors ``mean``/``std`` (broadcast) or numbers with ``size``."""
    g = gen(generator)
    if isinstance(mean, TensorBase) and isinstance(std, TensorBase):
        r = call("normal_tensors", mean, std, g)
    elif isinstance(mean, TensorBase):
        r = call("normal_tensor_mean", mean, float(std), g)
    elif isinstance(std, TensorBase):
        r = call("normal_tensor_std", float(mean), std, g)
    else:
        if size is None:
            raise TypeError("normal() with number mean and std needs a size")
        from ._functions import get_default_dtype, _size
        r = call("normal_size", float(mean), float(std), list(_size((size,))), dtype or get_default_dtype(), g)
        if requires_grad:
            r.requires_grad_(True)
    return _out(r, out)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws: 1 with probability ``input`` (per element) or ``p``."""
    if p is not None:
        from ._functions import empty_like
        return _out(empty_like(input).bernoulli_(p, generator=generator), out)
    return _out(call("bernoulli", input, gen(generator)), out)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None, device=None):
    """Integers in [low, high) with ``input``'s shape and dtype."""
    if high is None:
        low, high = 0, low
    return call("randint_like", input, int(low), int(high), dtype, gen(generator))



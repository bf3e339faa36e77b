"""torch.autograd.Function: custom differentiable operations whose backward the engine calls back into Python."""

from .. import _core
from .._grad_mode import no_grad
from .._tensor import Tensor


class FunctionCtx:
    """What ``forward`` tells autograd and ``backward`` reads back (torch's ``ctx``); other attributes are free to set."""

    def __init__(self):
        self.to_save = ()
        self.dirty_tensors = ()
        self.non_differentiable = ()
        self.materialize_grads = True
        self.needs_input_grad = ()
        self._saved = None
        self._freed = False

    def save_for_backward(self, *tensors):
        """Keeps tensors (or None) for backward; the engine checks that none is modified in place before it runs."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def mark_dirty(self, *args):
        """Declares inputs modified in place by forward (they must be returned as outputs)."""
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        """Declares outputs that have no gradient: they do not require grad, backward receives zeros for them."""
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        """Whether missing output gradients reach backward as zeros (default) or as None."""
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        """The tensors given to save_for_backward (inside backward)."""
        if self._saved is None:
            raise RuntimeError("Trying to backward through the graph a second time (or directly access saved tensors "
                               "after they have already been freed). Saved intermediate values of the graph are freed "
                               "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                               "backward through the graph a second time or if you need to access saved tensors after "
                               "calling backward.")
        return self._saved

    saved_variables = saved_tensors


class _Node:
    """The Python half of one recorded custom function: its class, ctx and shape of its signature."""

    def __init__(self, cls, ctx, n_outputs, n_saved):
        self.cls, self.ctx, self.n_outputs, self.n_saved = cls, ctx, n_outputs, n_saved

    def run_backward(self, tensors, n_args):
        grads = tensors[:self.n_outputs]
        ctx = self.ctx
        ctx._saved = tuple(tensors[self.n_outputs:self.n_outputs + self.n_saved])
        try:
            result = self.cls.backward(ctx, *grads)
        finally:
            ctx._saved = None
        if not isinstance(result, tuple):
            result = (result,)
        name = self.cls.__name__ + "Backward"
        if len(result) != n_args and not (len(result) > n_args and all(r is None for r in result[n_args:])):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {n_args}, got {len(result)})")
        for r in result[:n_args]:
            if r is not None and not isinstance(r, Tensor):
                raise TypeError(f"function {name} returned a gradient of type {type(r).__name__}, expected a Tensor or None")
        return list(result[:n_args])


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``; call with ``apply``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Computes the outputs from the inputs (a staticmethod of the subclass): ``forward(ctx, *args)``.

        Runs without recording; save what backward needs with ``ctx.save_for_backward(...)`` or as ``ctx`` attributes.
        """
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Gradients of the inputs from those of the outputs (a staticmethod of the subclass): ``backward(ctx,
        *grad_outputs)``.

        Returns one gradient per forward input (None for inputs that need none). ``vjp`` is another name for it.
        """
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function "
                                  "to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args):
        """Runs forward without recording and records one node whose backward is ``cls.backward``."""
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            result = cls.forward(ctx, *args)
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        positions = [k for k, o in enumerate(outputs) if isinstance(o, Tensor)]
        tensor_outputs = [outputs[k] for k in positions]
        if not tensor_outputs:
            return result
        inputs = [a for a in args if isinstance(a, Tensor)]
        input_positions = [k for k, a in enumerate(args) if isinstance(a, Tensor)]
        saved = list(ctx.to_save)
        saved_positions = [k for k, t in enumerate(saved) if t is not None]

        def index_of(t, what):
            for k, o in enumerate(tensor_outputs):
                if o is t:
                    return k
            raise ValueError(f"{what} only accepts tensors returned by forward, but one argument is not")

        dirty = [index_of(t, "mark_dirty") for t in ctx.dirty_tensors]
        for t in ctx.dirty_tensors:
            if not any(t is a for a in inputs):
                raise ValueError("mark_dirty only accepts input tensors, but argument 0 isn't one")
        non_diff = [index_of(t, "mark_non_differentiable") for t in ctx.non_differentiable]
        token = _core.keep_alive(_Node(cls, ctx, len(tensor_outputs), len(saved)))
        engine_outputs = _core.call("custom_function", cls.__name__ + "Backward", token, inputs or _EMPTY,
                                    input_positions, len(args), tensor_outputs, [saved[k] for k in saved_positions] or _EMPTY,
                                    saved_positions, len(saved), dirty, non_diff, bool(ctx.materialize_grads))
        final = list(outputs)
        for k, pos in enumerate(positions):
            original = outputs[pos]
            # An input returned unchanged becomes a new alias with this node's history; anything else keeps its object.
            if any(original is a for a in inputs) and k not in dirty:
                final[pos] = engine_outputs[k]
        return final[0] if single else tuple(final)


_EMPTY = []  # an empty list reaches the engine as an empty int list, which it reads as no tensors


class InplaceFunction(Function):
    """torch's base for functions with an ``inplace`` flag (kept for API compatibility)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    """Not supported: torch's legacy nested-IO functions."""

"""Full backward hooks on modules (torch.utils.hooks.BackwardHook): identity custom functions on a module's tensor
inputs and outputs, named BackwardHookFunctionBackward as in torch. The output node sees grad_output (and runs the
backward pre-hooks, which may replace it); the input node sees grad_input and runs the full backward hooks, which may
replace it. An in-place write on a wrapped tensor is refused by the engine with torch's message."""

from .._tensor import Tensor
from ..autograd.function import Function


class BackwardHookFunction(Function):
    """Identity over a module's tensors; the non-tensor first argument is the callback that sees their gradients."""

    @staticmethod
    def forward(ctx, on_backward, materialize, *tensors):
        """Returns the tensors unchanged (the engine makes them aliases with this node's history)."""
        ctx.on_backward = on_backward
        ctx.set_materialize_grads(materialize)
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        """Hands the gradients to the callback, which may replace them."""
        return (None, None) + tuple(ctx.on_backward(grads))


def _pack(indices, values, size):
    packed = [None] * size
    for index, value in zip(indices, values):
        packed[index] = value
    return tuple(packed)


class BackwardHook:
    """One forward's bookkeeping for a module's full backward hooks and backward pre-hooks."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None

    def _wrap(self, args, on_backward, materialize):
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not any(args[i].requires_grad for i in index):
            return args, None
        wrapped = BackwardHookFunction.apply(on_backward, materialize, *[args[i] for i in index])
        args = list(args)
        for i, value in zip(index, wrapped):
            args[i] = value
        return tuple(args), index

    def setup_input_hook(self, args):
        """Wraps the module's tensor arguments: their node runs the full backward hooks with grad_input."""
        args, self.input_index = self._wrap(args, self._on_input_grads, True)
        self.n_inputs = len(args)
        return args

    def setup_output_hook(self, result):
        """Wraps the module's tensor outputs: their node captures grad_output (and runs the pre-hooks)."""
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        outputs, self.output_index = self._wrap(outputs, self._on_output_grads, False)
        self.n_outputs = len(outputs)
        return outputs[0] if single else outputs

    def _on_output_grads(self, grads):
        self.grad_outputs = _pack(self.output_index, grads, self.n_outputs)
        for hook in list(self.pre_hooks.values()):
            replaced = hook(self.module, self.grad_outputs)
            if replaced is None:
                continue
            if not isinstance(replaced, tuple):
                replaced = (replaced,)
            if len(replaced) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got {len(replaced)}, "
                                   f"but expected {len(self.grad_outputs)}")
            self.grad_outputs = replaced
        grad_outputs = self.grad_outputs
        if self.input_index is None:
            # Nothing before the module needs a gradient: torch runs the hooks now, with grad_input all None.
            grad_inputs = (None,) * self.n_inputs
            for hook in list(self.hooks.values()):
                result = hook(self.module, grad_inputs, grad_outputs)
                if result is not None and not (isinstance(result, tuple) and all(r is None for r in result)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_index)

    def _on_input_grads(self, grads):
        if self.grad_outputs is None:
            # The gradient reached the inputs without passing through the outputs (double backward): no hooks.
            return grads
        grad_inputs = _pack(self.input_index, grads, self.n_inputs)
        for hook in list(self.hooks.values()):
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is None:
                continue
            if not isinstance(result, tuple):
                result = (result,)
            if len(result) != len(grad_inputs):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(result)}, "
                                   f"but expected {len(grad_inputs)}")
            grad_inputs = result
        self.grad_outputs = None
        return tuple(grad_inputs[i] for i in self.input_index)

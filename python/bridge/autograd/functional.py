"""torch.autograd.functional: Jacobians and Hessians by repeated reverse-mode passes."""

from .._tensor import Tensor


def _tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prepare(inputs, create_graph):
    return tuple(x if (create_graph and x.requires_grad) else x.detach().requires_grad_(x.is_floating_point()) for x in inputs)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """∂func(inputs)/∂inputs, shaped output.shape + input.shape (tuples of them for tuple inputs or outputs)."""
    from . import grad
    from .._functions import stack, zeros, zeros_like
    from .._grad_mode import enable_grad
    if strategy != "reverse-mode":
        raise NotImplementedError("bridge: only strategy='reverse-mode' is supported")
    single_input = isinstance(inputs, Tensor)
    xs = _prepare(_tuple(inputs), create_graph)
    with enable_grad():
        out = func(*xs)
    single_output = isinstance(out, Tensor)
    outs = _tuple(out)
    result = []
    for o in outs:
        flat = o.reshape(-1)
        rows = [[] for _ in xs]
        for i in range(flat.numel()):
            if o.requires_grad:
                onehot = zeros(flat.numel(), dtype=o.dtype)
                onehot[i] = 1.0
                gs = grad([flat], list(xs), [onehot], retain_graph=True, create_graph=create_graph, allow_unused=True)
            else:
                gs = (None,) * len(xs)
            for k, (x, g) in enumerate(zip(xs, gs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {len(result)} of the user-provided function is independent of input {k}. "
                                           "This is not allowed in strict mode.")
                    g = zeros_like(x)
                rows[k].append(g)
        per_input = []
        for k, x in enumerate(xs):
            if rows[k]:
                j = stack(rows[k]).reshape(tuple(o.shape) + tuple(x.shape))
            else:
                j = zeros(tuple(o.shape) + tuple(x.shape), dtype=x.dtype)
            per_input.append(j if create_graph else j.detach())
        result.append(per_input[0] if single_input else tuple(per_input))
    return result[0] if single_output else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """∂²func(inputs)/∂inputs² of a function returning one element, shaped input.shape + input.shape."""
    from . import grad
    from .._functions import zeros_like
    single_input = isinstance(inputs, Tensor)

    def gradient(*xs):
        y = func(*xs)
        if not isinstance(y, Tensor) or y.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        gs = grad([y], list(xs), retain_graph=True, create_graph=True, allow_unused=True)
        gs = tuple(zeros_like(x) if g is None else g for x, g in zip(xs, gs))
        return gs[0] if single_input else gs

    return jacobian(gradient, inputs, create_graph=create_graph, strict=strict)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ·J)."""
    from . import grad
    from .._grad_mode import enable_grad
    single = isinstance(inputs, Tensor)
    xs = _prepare(_tuple(inputs), create_graph)
    with enable_grad():
        out = func(*xs)
    gs = grad(out, list(xs), v, retain_graph=True, create_graph=create_graph, allow_unused=True)
    from .._functions import zeros_like
    gs = tuple(zeros_like(x) if g is None else (g if create_graph else g.detach()) for x, g in zip(xs, gs))
    out = out if create_graph else out.detach()
    return out, (gs[0] if single else gs)

"""gradcheck / gradgradcheck: analytic gradients against central finite differences (float64 inputs)."""

from .._tensor import Tensor


def _flat_inputs(inputs):
    return (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)


def _numeric_jacobian_vjp(func, xs, k, v, eps):
    """Finite differences of Σ v·func(xs) with respect to every element of xs[k]."""
    x = xs[k]
    flat = x.detach().reshape(-1)  # writes through it reach x's memory without touching x's history
    result = []
    for i in range(flat.numel()):  # grad mode stays on: gradgradcheck's func differentiates inside
        orig = flat[i].item()
        flat[i] = orig + eps
        plus = _weighted(func(*xs), v)
        flat[i] = orig - eps
        minus = _weighted(func(*xs), v)
        flat[i] = orig
        result.append((plus - minus) / (2 * eps))
    return result


def _weighted(out, v):
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return sum((o * w).sum().item() for o, w in zip(outs, v))


def _weights(out):
    from .._functions import tensor
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    ws = []
    for o in outs:
        n = o.numel()
        import math
        ws.append(tensor([1 + 0.5 * math.cos(i + 1) for i in range(n)], dtype=o.dtype).reshape(tuple(o.shape)))
    return ws


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True when the analytic vector-Jacobian product of func matches finite differences for every input that requires grad."""
    from . import grad
    xs = _flat_inputs(inputs)
    out = func(*xs)
    v = _weights(out)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    diff_inputs = [k for k, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]
    analytic = grad(list(outs), [xs[k] for k in diff_inputs], v, allow_unused=True)
    for k, g in zip(diff_inputs, analytic):
        numeric = _numeric_jacobian_vjp(func, xs, k, v, eps)
        got = [0.0] * len(numeric) if g is None else g.reshape(-1).tolist()
        for i, (a, n) in enumerate(zip(got, numeric)):
            if not abs(a - n) <= atol + rtol * abs(n):
                if raise_exception:
                    raise RuntimeError(f"Jacobian mismatch for output 0 with respect to input {k}, element {i}: "
                                       f"analytical {a!r} vs numerical {n!r}")
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """gradcheck of the function x -> vᵀ·∂func/∂x (second derivatives through create_graph)."""
    from . import grad
    xs = _flat_inputs(inputs)
    out = func(*xs)
    v = list(grad_outputs) if grad_outputs is not None else _weights(out)
    diff = [k for k, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]

    def first(*ys):
        o = func(*ys)
        outs = (o,) if isinstance(o, Tensor) else tuple(o)
        gs = grad(list(outs), [ys[k] for k in diff], v, create_graph=True, allow_unused=True)
        from .._functions import zeros_like
        return tuple(zeros_like(ys[k]) if g is None else g for k, g in zip(diff, gs))

    return gradcheck(first, xs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)

"""torch's out= against torch 1.13 itself: every function that takes it returns the out tensor with torch's values,
resizes it as torch does (warning when it had elements), writes into its dtype where torch can cast, and refuses
what torch refuses with torch's message."""

import warnings

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 3)).astype(np.float32)
B = RNG.standard_normal((3, 3)).astype(np.float32)
V = RNG.standard_normal(3).astype(np.float32)
P = np.abs(A) + 0.5
IDX = np.array([0, 2])


def data(m):
    """The same inputs as tensors of module ``m`` (bridge or torch)."""
    t = {k: m.from_numpy(v.copy()) for k, v in dict(a=A, b=B, v=V, p=P, i=IDX).items()}
    t["mask"] = t["a"] > 0
    return t


# name -> (call(m, t, out), out dtype); every one of these takes out= in torch 1.13.
CASES = {
    "absolute": (lambda m, t, o: m.absolute(t["a"], out=o), "float32"),
    "addmm": (lambda m, t, o: m.addmm(t["a"], t["a"], t["b"], out=o), "float32"),
    "arange": (lambda m, t, o: m.arange(5, out=o), "int64"),
    "arccos": (lambda m, t, o: m.arccos(t["a"].clamp(-1, 1), out=o), "float32"),
    "argmax": (lambda m, t, o: m.argmax(t["a"], 0, out=o), "int64"),
    "baddbmm": (lambda m, t, o: m.baddbmm(t["a"][None], t["a"][None], t["b"][None], out=o), "float32"),
    "bmm": (lambda m, t, o: m.bmm(t["a"][None], t["b"][None], out=o), "float32"),
    "cat": (lambda m, t, o: m.cat([t["a"], t["b"]], out=o), "float32"),
    "clamp": (lambda m, t, o: m.clamp(t["a"], -0.5, 0.5, out=o), "float32"),
    "clamp_max": (lambda m, t, o: m.clamp_max(t["a"], 0.5, out=o), "float32"),
    "clip": (lambda m, t, o: m.clip(t["a"], -0.5, 0.5, out=o), "float32"),
    "concat": (lambda m, t, o: m.concat([t["a"], t["b"]], 1, out=o), "float32"),
    "diag": (lambda m, t, o: m.diag(t["a"], out=o), "float32"),
    "dot": (lambda m, t, o: m.dot(t["v"], t["v"], out=o), "float32"),
    "empty": (lambda m, t, o: m.empty(2, 3, out=o).zero_(), "float64"),
    "eq": (lambda m, t, o: m.eq(t["a"], t["b"], out=o), "bool"),
    "eye": (lambda m, t, o: m.eye(3, out=o), "float64"),
    "fix": (lambda m, t, o: m.fix(t["a"] * 3, out=o), "float32"),
    "full": (lambda m, t, o: m.full((2, 2), 3.0, out=o), "float64"),
    "gather": (lambda m, t, o: m.gather(t["a"], 1, m.tensor([[0, 0], [1, 0], [2, 2]]), out=o), "float32"),
    "ge": (lambda m, t, o: m.ge(t["a"], t["b"], out=o), "bool"),
    "ger": (lambda m, t, o: m.ger(t["v"], t["v"], out=o), "float32"),
    "gt": (lambda m, t, o: m.gt(t["a"], 0.0, out=o), "bool"),
    "index_add": (lambda m, t, o: m.index_add(t["a"], 0, t["i"], t["b"][:2], out=o), "float32"),
    "index_copy": (lambda m, t, o: m.index_copy(t["a"], 0, t["i"], t["b"][:2], out=o), "float32"),
    "index_select": (lambda m, t, o: m.index_select(t["a"], 1, t["i"], out=o), "float32"),
    "le": (lambda m, t, o: m.le(t["a"], t["b"], out=o), "bool"),
    "linspace": (lambda m, t, o: m.linspace(0, 1, 5, out=o), "float64"),
    "log_softmax": (lambda m, t, o: m.log_softmax(t["a"], 1, out=o), "float32"),
    "logspace": (lambda m, t, o: m.logspace(0, 1, 5, out=o), "float32"),
    "lt": (lambda m, t, o: m.lt(t["a"], t["b"], out=o), "bool"),
    "masked_select": (lambda m, t, o: m.masked_select(t["a"], t["mask"], out=o), "float32"),
    "matmul": (lambda m, t, o: m.matmul(t["a"], t["b"], out=o), "float32"),
    "max": (lambda m, t, o: m.max(t["a"], 1, out=(o, m.empty(0, dtype=m.int64))), "float32"),
    "maximum": (lambda m, t, o: m.maximum(t["a"], t["b"], out=o), "float32"),
    "mean": (lambda m, t, o: m.mean(t["a"], 0, out=o), "float32"),
    "minimum": (lambda m, t, o: m.minimum(t["a"], t["b"], out=o), "float32"),
    "mm": (lambda m, t, o: m.mm(t["a"], t["b"], out=o), "float32"),
    "mv": (lambda m, t, o: m.mv(t["a"], t["v"], out=o), "float32"),
    "ne": (lambda m, t, o: m.ne(t["a"], t["a"].T, out=o), "bool"),
    "negative": (lambda m, t, o: m.negative(t["a"], out=o), "float32"),
    "nonzero": (lambda m, t, o: m.nonzero(t["mask"], out=o), "int64"),
    "ones": (lambda m, t, o: m.ones(2, 3, out=o), "int64"),
    "outer": (lambda m, t, o: m.outer(t["v"], t["v"], out=o), "float32"),
    "pow": (lambda m, t, o: m.pow(t["p"], 1.5, out=o), "float32"),
    "randint": (lambda m, t, o: (m.manual_seed(3), m.randint(0, 10, (4,), out=o))[1], "int64"),
    "rand": (lambda m, t, o: (m.manual_seed(3), m.rand(4, out=o))[1], "float64"),
    "randn": (lambda m, t, o: (m.manual_seed(3), m.randn(4, out=o))[1], "float32"),
    "randperm": (lambda m, t, o: (m.manual_seed(3), m.randperm(6, out=o))[1], "int64"),
    "softmax": (lambda m, t, o: m.softmax(t["a"], 0, out=o), "float32"),
    "square": (lambda m, t, o: m.square(t["a"], out=o), "float32"),
    "stack": (lambda m, t, o: m.stack([t["a"], t["b"]], 1, out=o), "float32"),
    "sum": (lambda m, t, o: m.sum(t["a"], 1, out=o), "float32"),
    "take": (lambda m, t, o: m.take(t["a"], m.tensor([0, 4, 8]), out=o), "float32"),
    "tensordot": (lambda m, t, o: m.tensordot(t["a"], t["b"], 1, out=o), "float32"),
    "tril": (lambda m, t, o: m.tril(t["a"], out=o), "float32"),
    "triu": (lambda m, t, o: m.triu(t["a"], 1, out=o), "float32"),
    "where": (lambda m, t, o: m.where(t["mask"], t["a"], t["b"], out=o), "float32"),
    "zeros": (lambda m, t, o: m.zeros(2, out=o), "float32"),
    "add": (lambda m, t, o: m.add(t["a"], t["v"], out=o), "float64"),
    "mul": (lambda m, t, o: m.mul(t["a"], 2.0, out=o), "float32"),
    "sub": (lambda m, t, o: m.sub(t["a"], t["b"], alpha=2, out=o), "float32"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("start", ["empty", "right_shape"])
def test_out_receives_torchs_result(name, start):
    call, dtype = CASES[name]
    results = []
    for m in (torch, bridge):
        shape = (0,)
        if start == "right_shape":
            probe = call(m, data(m), m.empty(0, dtype=getattr(m, dtype)))
            shape = tuple((probe[0] if isinstance(probe, tuple) else probe).shape)
        out = m.empty(shape, dtype=getattr(m, dtype))
        with warnings.catch_warnings():
            # neither an empty nor a right-sized out is resized with a warning
            warnings.filterwarnings("error", message="An output with")
            r = call(m, data(m), out)
        first = r[0] if isinstance(r, tuple) else r
        assert first is out, f"{m.__name__}.{name} did not return its out tensor"
        results.append(r)
    assert_same(results[1], results[0])


def test_a_nonempty_out_of_another_shape_is_resized_with_torchs_warning():
    for m in (torch, bridge):
        out = m.zeros(4)
        with pytest.warns(UserWarning, match=r"An output with one or more elements was resized since it had shape \[4\]"):
            m.cat([m.ones(2), m.ones(3)], out=out)
        assert tuple(out.shape) == (5,)


@pytest.mark.parametrize("call", [
    lambda m, o: m.add(m.ones(2), m.ones(2), out=o),
    lambda m, o: m.maximum(m.ones(2), m.ones(2), out=o),
    lambda m, o: m.cat([m.ones(2), m.ones(2)], out=o),
])
def test_a_float_result_into_an_integer_out_is_refused_as_torch_refuses(call):
    messages = []
    for m in (torch, bridge):
        with pytest.raises(RuntimeError) as info:
            call(m, m.zeros(2, dtype=m.int64))
        messages.append(str(info.value).split("\n")[0])
    assert "can't be cast to the desired output type Long" in messages[1]


def test_sum_computes_in_the_dtype_of_its_out_as_torch_does():
    for m in (torch, bridge):
        out = m.empty(0, dtype=m.int64)
        assert m.sum(m.tensor([[1.5, 2.7]]), 1, out=out).tolist() == [3]  # each element truncated, then summed


def test_matmul_refuses_an_out_of_another_dtype_with_torchs_message():
    for m in (torch, bridge):
        with pytest.raises(RuntimeError, match="Expected out tensor to have dtype float, but got double instead"):
            m.matmul(m.ones(2, 2), m.ones(2, 2), out=m.empty(2, 2, dtype=m.float64))


def test_out_refuses_autograd_as_torch_does():
    for m in (torch, bridge):
        x = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            m.maximum(x, m.zeros(3), out=m.empty(3))
        with m.no_grad():
            assert m.maximum(x, m.zeros(3), out=m.empty(3)).tolist() == [1.0, 1.0, 1.0]


def test_the_signatures_show_out():
    import inspect
    for name in ("cat", "eq", "zeros", "sum", "maximum"):
        assert inspect.signature(getattr(bridge, name)).parameters["out"].default is None

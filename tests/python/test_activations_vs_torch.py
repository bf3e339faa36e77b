"""Activations bit for bit as torch 1.13 computes them on the CPU, forward and backward, float32 and float64.

torch runs the exact GELU on a contiguous float32 tensor of more than one element through oneDNN's gelu_erf JIT kernel
(its own erf and exp); everything else through ATen's cpu_kernel_vec kernels (SLEEF's vector exp/tanh/erf on
16-element steps, glibc in the tails, with the FMAs GCC formed). Bridge reproduces both (src/Tensor/Backends/Cpu/
TorchMath/OneDnnGelu.cs, ActivationKernels.cs); here every element is compared with live torch, at lengths around
the vector widths, past the thread split, and with 1 and 2 threads."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import bits, assert_bitwise, threads  # noqa: F401 (threads is a fixture)

SIZES = [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 2049, 16385, 40013, 70001]

F_B = bridge.nn.functional
F_T = torch.nn.functional

OPS = {
    "gelu": lambda F, t: F.gelu(t),
    "gelu_tanh": lambda F, t: F.gelu(t, approximate="tanh"),
    "silu": lambda F, t: F.silu(t),
    "mish": lambda F, t: F.mish(t),
    "softplus": lambda F, t: F.softplus(t),
    "softplus_beta2_threshold5": lambda F, t: F.softplus(t, beta=2.0, threshold=5.0),
    "elu": lambda F, t: F.elu(t),
    "elu_alpha0.7": lambda F, t: F.elu(t, alpha=0.7),
    "leaky_relu": lambda F, t: F.leaky_relu(t, 0.02),
    "hardtanh": lambda F, t: F.hardtanh(t, -2.0, 1.5),
}




def inputs(n, seed, dtype):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * 4).astype(dtype)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30, 1e-45, 30.0, -30.0, 88.0, -88.0, 100.0,
                         -100.0, 3e38, -3e38, 10.5, -10.5, 5.9, -5.9], dtype=dtype)
    if n >= 64:
        idx = rng.choice(n, size=len(specials), replace=False)
        x[idx] = specials
    return x



@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_forward_and_backward_match_torch_bitwise(name, dtype, threads):
    op = OPS[name]
    for n in SIZES:
        x = inputs(n, n, dtype)
        if name == "hardtanh":
            # torch's vector lambda zeroes a NaN's gradient, its scalar tail passes it: a NaN's place decides
            x[np.isnan(x)] = 0.5
        g = np.random.default_rng(n + 1).standard_normal(n).astype(dtype)
        tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
        ty, by = op(F_T, tx), op(F_B, bx)
        assert_bitwise(by.detach().numpy(), ty.detach().numpy(), x, f"{name} {dtype} n={n}")
        ty.backward(torch.tensor(g))
        by.backward(bridge.tensor(g))
        assert_bitwise(bx.grad.numpy(), tx.grad.numpy(), x, f"{name} backward {dtype} n={n}")


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu"])
def test_module_forms_and_2d_match_torch_bitwise(name):
    x = inputs(37 * 130, 5, "float32").reshape(37, 130)
    modules = {"gelu": ("GELU", {}), "gelu_tanh": ("GELU", {"approximate": "tanh"}), "silu": ("SiLU", {})}
    cls, kw = modules[name]
    want = getattr(torch.nn, cls)(**kw)(torch.tensor(x)).numpy()
    got = getattr(bridge.nn, cls)(**kw)(bridge.tensor(x)).numpy()
    assert_bitwise(got, want, x, name)


def test_gelu_double_backward_still_matches_torch_closely():
    """create_graph keeps the recorded (composed) derivative: close to torch's, not bit-identical."""
    x = np.linspace(-4, 4, 101)
    tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(F_T.gelu(tx).sum(), tx, create_graph=True)
    (bg,) = bridge.autograd.grad(F_B.gelu(bx).sum(), bx, create_graph=True)
    np.testing.assert_allclose(bg.detach().numpy(), tg.detach().numpy(), rtol=1e-12, atol=1e-14)
    (tgg,) = torch.autograd.grad(tg.sum(), tx)
    (bgg,) = bridge.autograd.grad(bg.sum(), bx)
    np.testing.assert_allclose(bgg.numpy(), tgg.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_scalar_tails_match_torch_bitwise(name, dtype):
    """Lengths below two vectors run torch's scalar lambda (glibc, and GCC's own fusions) on every element; float32's
    exact GELU of one element is the only float32 GELU off oneDNN's path."""
    op = OPS[name]
    rng = np.random.default_rng(3)
    n = 1 if (dtype == "float32" and name == "gelu") else 7
    for _ in range(300):
        x = (rng.standard_normal(n) * 4).astype(dtype)
        g = rng.standard_normal(n).astype(dtype)
        tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
        ty, by = op(F_T, tx), op(F_B, bx)
        assert_bitwise(by.detach().numpy(), ty.detach().numpy(), x, f"{name} {dtype} n={n}")
        ty.backward(torch.tensor(g))
        by.backward(bridge.tensor(g))
        assert_bitwise(bx.grad.numpy(), tx.grad.numpy(), x, f"{name} backward {dtype} n={n}")


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("view", ["row_slice", "transpose"])
def test_gelu_of_non_contiguous_views_is_close_to_torch(approximate, view):
    """A non-contiguous input: torch runs ATen's kernel row by row (a slice) or over memory order (a transpose), so
    other elements land in the scalar tails than on Bridge's contiguous copy; the values agree to an ulp or two."""
    x = inputs(37 * 130, 11, "float32").reshape(37, 130)
    pick = (lambda t: t[:, 65:]) if view == "row_slice" else (lambda t: t.T)
    tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
    ty, by = F_T.gelu(pick(tx), approximate=approximate), F_B.gelu(pick(bx), approximate=approximate)
    finite = np.isfinite(pick(x))
    np.testing.assert_allclose(by.detach().numpy()[finite], ty.detach().numpy()[finite], rtol=1e-6, atol=1e-7)
    g = np.random.default_rng(12).standard_normal(tuple(ty.shape)).astype("float32")
    ty.backward(torch.tensor(g))
    by.backward(bridge.tensor(g))
    ok = np.isfinite(x)
    np.testing.assert_allclose(bx.grad.numpy()[ok], tx.grad.numpy()[ok], rtol=1e-6, atol=1e-5)

"""float32 transcendental ops bit for bit as torch 1.13 computes them on the CPU (issues 16/17).

torch runs these ops through SLEEF's AVX2 vector functions and, in the loop tails of some ops, glibc's scalar
ones; Bridge ports SLEEF (src/Tensor/Backends/Cpu/TorchMath) and reproduces torch's loops. Checked two ways:
lane for lane against libsleef itself on millions of inputs (random values, huge trig arguments for the
Payne-Hanek path, subnormals, ±0, ±inf, NaN), and whole ops against torch 1.13 with torch's thread split."""

import math

import numpy as np
import pytest

import bridge
import sleef_oracle
import torch
from torch_bits import bits, assert_bitwise, threads  # noqa: F401 (threads is a fixture)

# op -> (low, high) of the "ordinary" inputs
VML_OPS = {"sin": (-10, 10), "cos": (-10, 10), "tan": (-3, 3), "asin": (-1, 1), "acos": (-1, 1), "atan": (-20, 20),
           "exp": (-90, 90), "expm1": (-20, 20), "log": (0, 100), "log2": (0, 100), "log10": (0, 100),
           "log1p": (-1, 100), "tanh": (-10, 10), "erf": (-5, 5)}
# cpu_kernel_vec ops: SLEEF on 16-element steps, glibc on the rest of each thread's chunk
VECTORIZED_OPS = {"sinh": (-10, 10), "cosh": (-10, 10), "sigmoid": (-20, 20)}
ALL_OPS = {**VML_OPS, **VECTORIZED_OPS}

SIZES = [1, 7, 8, 9, 15, 16, 17, 31, 33, 2000, 2007, 2049, 4099, 5001, 40013, 70001, 100003]


# float64 runs SLEEF too except for the trigonometric functions, whose float64 port is not done (libm there)
DOUBLE_OPS = sorted(set(ALL_OPS) - {"sin", "cos", "tan"})




def inputs(name, n, seed, dtype=np.float32):
    rng = np.random.default_rng(seed)
    low, high = ALL_OPS[name]
    x = rng.uniform(low, high, n).astype(dtype)
    # sprinkle specials and extremes so tails and vectors both meet them
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-40, 3e38, -3e38, 1e6, -123456.7,
                         88.7, 89.5, -104.5, 1.0, -1.0, 709.9, -1000.5, 5e-324], dtype=dtype)
    if n >= 64:
        idx = rng.choice(n, size=min(len(specials), n // 4), replace=False)
        x[idx] = specials[:len(idx)]
    return x



@pytest.mark.parametrize("name", sorted(ALL_OPS))
def test_contiguous_float32_matches_torch_bitwise(name, threads):
    for n in SIZES:
        x = inputs(name, n, seed=n)
        want = getattr(torch, name)(torch.from_numpy(x)).numpy()
        got = getattr(bridge, name)(bridge.from_numpy(x.copy())).numpy()
        assert_bitwise(got, want, x, f"{name} n={n}")


@pytest.mark.parametrize("name", DOUBLE_OPS)
def test_contiguous_float64_matches_torch_bitwise(name, threads):
    for n in SIZES:
        x = inputs(name, n, seed=n, dtype=np.float64)
        want = getattr(torch, name)(torch.from_numpy(x)).numpy()
        got = getattr(bridge, name)(bridge.from_numpy(x.copy())).numpy()
        assert_bitwise(got, want, x, f"{name} float64 n={n}")


@pytest.mark.parametrize("name", sorted(ALL_OPS))
def test_strided_and_2d_float32_match_torch_bitwise(name, threads):
    x = inputs(name, 37 * 130, seed=5).reshape(37, 130)
    for view in (lambda t: t[:, ::3], lambda t: t.t(), lambda t: t[1:, 2:], lambda t: t):
        want = getattr(torch, name)(view(torch.from_numpy(x))).numpy()
        got = getattr(bridge, name)(view(bridge.from_numpy(x.copy()))).numpy()
        assert_bitwise(got, want, np.ascontiguousarray(view(torch.from_numpy(x)).numpy()), name)


@pytest.mark.parametrize("name", sorted(ALL_OPS))
def test_out_and_inplace_float32_match_torch_bitwise(name):
    x = inputs(name, 1001, seed=9)
    want = getattr(torch, name)(torch.from_numpy(x)).numpy()
    b = bridge.from_numpy(x.copy())
    if not hasattr(b, name + "_"):
        pytest.skip(f"bridge has no in-place {name}_ (torch's tensor method); out-of-place is checked above")
    getattr(b, name + "_")()
    assert_bitwise(b.numpy(), want, x, name + "_")


def test_polynomial_optim_target_is_torchs_sin():
    """pytorch/tutorials' polynomial_optim fits y = sin(linspace(-pi, pi, 2000)); with libm's sin 100 of the 2000
    targets differed by 1 ulp and RMSprop's losses drifted from torch's after 1300 steps."""
    want = torch.sin(torch.linspace(-math.pi, math.pi, 2000)).numpy()
    got = bridge.sin(bridge.linspace(-math.pi, math.pi, 2000)).numpy()
    assert_bitwise(got, want, np.linspace(-math.pi, math.pi, 2000), "sin")


# ---- lane for lane against libsleef itself ----

needs_oracle = pytest.mark.skipif(sleef_oracle.load() is None, reason=str(sleef_oracle.why()))


def oracle_inputs(n, seed):
    """Uniform values at several scales, random bit patterns (every exponent, subnormals, NaN payloads) and
    huge arguments (the trig functions' Payne-Hanek reduction)."""
    rng = np.random.default_rng(seed)
    parts = [rng.uniform(-10, 10, n // 5), rng.uniform(-1, 1, n // 5), rng.uniform(-200, 200, n // 5),
             rng.integers(-2**31, 2**31, n // 5, dtype=np.int64).astype(np.int32).view(np.float32),
             (rng.uniform(-0.5, 0.5, n - 4 * (n // 5)) * 10.0 ** rng.integers(-40, 39, n - 4 * (n // 5)))]
    x = np.concatenate([p.astype(np.float32) for p in parts])
    rng.shuffle(x)
    x[:16] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3.4e38, -3.4e38, 125.0, 124.99, 1e10, 39000.0,
              8.664339742, 88.72283, -104.0]
    return x


@needs_oracle
@pytest.mark.parametrize("name", sorted(VML_OPS))
def test_vml_ops_equal_libsleef_lane_for_lane(name):
    x = oracle_inputs(1 << 21, seed=sum(map(ord, name)))
    old = bridge.get_num_threads()
    bridge.set_num_threads(1)  # one chunk: the vectors start at x[0], as the oracle's do
    try:
        got = getattr(bridge, name)(bridge.from_numpy(x.copy())).numpy()
    finally:
        bridge.set_num_threads(old)
    assert_bitwise(got, sleef_oracle.apply(name, x), x, name)


@needs_oracle
@pytest.mark.parametrize("name", sorted(set(VML_OPS) - {"sin", "cos", "tan"}))
def test_float64_vml_ops_equal_libsleef_lane_for_lane(name):
    rng = np.random.default_rng(11)
    n = 1 << 20
    x = np.concatenate([rng.uniform(-10, 10, n // 4), rng.uniform(-1, 1, n // 4), rng.uniform(-800, 800, n // 4),
                        rng.integers(-2**63, 2**63 - 1, n // 4, dtype=np.int64).view(np.float64)])
    x[:12] = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.7e308, 709.78, -1000.0, 18.7149, 1e307]
    old = bridge.get_num_threads()
    bridge.set_num_threads(1)
    try:
        got = getattr(bridge, name)(bridge.from_numpy(x.copy())).numpy()
    finally:
        bridge.set_num_threads(old)
    assert_bitwise(got, sleef_oracle.apply(name, x), x, name + " float64")


@needs_oracle
@pytest.mark.parametrize("name", ["sinh", "cosh"])
def test_vectorized_ops_equal_libsleef_on_their_vector_body(name):
    x = oracle_inputs((1 << 20) + 13, seed=7)
    old = bridge.get_num_threads()
    bridge.set_num_threads(1)
    try:
        got = getattr(bridge, name)(bridge.from_numpy(x.copy())).numpy()
    finally:
        bridge.set_num_threads(old)
    body = len(x) // 16 * 16
    assert_bitwise(got[:body], sleef_oracle.apply(name, x[:body]), x[:body], name)
    assert_bitwise(got[body:], getattr(torch, name)(torch.from_numpy(x[body:])).numpy(), x[body:], name + " tail")


@pytest.mark.parametrize("exponent", [2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 2.7, -1.3, 0.3333, 1.5])
def test_pow_with_scalar_exponent_matches_torch_bitwise(exponent, threads):
    """torch's PowKernel: x*x*x for 3, sqrt/rsqrt/reciprocal for 0.5/-0.5/-1, Sleef powf on 16-element steps
    and double pow in the tails for the rest."""
    rng = np.random.default_rng(int(exponent * 1000) % 997)
    for n in [1, 15, 17, 2007, 70001]:
        x = rng.uniform(0.01, 5, n).astype(np.float32)
        x[: min(n, 3)] = [0.0, 1.0, 4.0][: min(n, 3)]
        want = torch.pow(torch.from_numpy(x), exponent).numpy()
        got = bridge.pow(bridge.from_numpy(x.copy()), exponent).numpy()
        assert_bitwise(got, want, x, f"pow(x, {exponent}) n={n}")
        got_op = (bridge.from_numpy(x.copy()) ** exponent).numpy()
        assert_bitwise(got_op, want, x, f"x ** {exponent} n={n}")

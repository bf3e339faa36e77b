"""The APIs that real PyTorch programs (the official tutorials, pytorch/examples, nanoGPT, makemore, micrograd's test)
stopped at under ``import bridge as torch``, each against torch 1.13 live: grad_fn objects and next_functions,
bit-exact linspace, torch.cuda seeding and amp.GradScaler, torch.backends.cuda/cudnn switches, whole-model pickles
holding MultiheadAttention."""

import io
import math
import warnings

import numpy as np
import pytest

import bridge
import torch


# ---- grad_fn objects (60-minute blitz: loss.grad_fn.next_functions[0][0]) ----------------------------------------

def _graph(lib):
    x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = lib.tensor([[0.5, 1.0, -1.0], [2.0, 0.0, 1.0]], requires_grad=True)
    c = lib.tensor([0.25, 0.5])
    return x, w, ((w @ x).relu() * c).sum()


def _walk(fn, depth=0):
    """(name, input slot, depth) for every node reachable from fn, depth first, as torch orders next_functions."""
    out = []
    for node, slot in fn.next_functions:
        out.append((None if node is None else node.name(), slot, depth))
        if node is not None:
            out.extend(_walk(node, depth + 1))
    return out


def test_grad_fn_names_and_next_functions_match_torch():
    _, _, yb = _graph(bridge)
    _, _, yt = _graph(torch)
    assert type(yb.grad_fn).__name__ == type(yt.grad_fn).__name__ == "SumBackward0"
    assert yb.grad_fn.name() == yt.grad_fn.name()
    assert _walk(yb.grad_fn) == _walk(yt.grad_fn)


def test_next_functions_reach_the_leaves_accumulate_grad():
    x, w, y = _graph(bridge)
    mul = y.grad_fn.next_functions[0][0]
    relu = mul.next_functions[0][0]
    mv = relu.next_functions[0][0]
    assert [type(n).__name__ for n, _ in mv.next_functions] == ["AccumulateGrad", "AccumulateGrad"]
    assert mv.next_functions[0][0].name() == "torch::autograd::AccumulateGrad"  # as torch names it
    assert mul.next_functions[1] == (None, 0)  # c needs no gradient, as torch shows it


def test_grad_fn_prints_as_torch_prints_it():
    _, _, yb = _graph(bridge)
    _, _, yt = _graph(torch)
    shape = lambda r: r.split(" at 0x")[0]  # noqa: E731 (the address differs)
    assert shape(repr(yb.grad_fn)) == shape(repr(yt.grad_fn)) == "<SumBackward0 object"
    assert repr(yb.grad_fn).endswith(">") and " at 0x" in repr(yb.grad_fn)
    assert bridge.ones(2).grad_fn is None and bridge.ones(2, requires_grad=True).grad_fn is None


def test_grad_fn_survives_its_tensor():
    x = bridge.tensor([1.0, 2.0], requires_grad=True)
    fn = (x * x).sum().grad_fn  # the output is gone; torch's node object stays usable
    assert fn.next_functions[0][0].name() == "MulBackward0"


# ---- linspace, bit for bit (Learning PyTorch with Examples: sin over linspace(-pi, pi, 2000)) --------------------

@pytest.mark.parametrize("steps", [0, 1, 2, 3, 5, 15, 16, 17, 37, 100, 1001, 2000, 4099])
@pytest.mark.parametrize("bounds", [(-math.pi, math.pi), (0.0, 1.0), (5.0, -2.3), (-3.0, 10.5), (1e-3, 1e3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace_is_bit_identical_to_torch(steps, bounds, dtype):
    got = bridge.linspace(*bounds, steps, dtype=getattr(bridge, dtype)).numpy()
    want = torch.linspace(*bounds, steps, dtype=getattr(torch, dtype)).numpy()
    np.testing.assert_array_equal(got.view(f"u{got.itemsize}"), want.view(f"u{want.itemsize}"))


# ---- torch.cuda seeding and amp.GradScaler (nanoGPT, makemore) ---------------------------------------------------

def test_cuda_seeding_leaves_the_cpu_stream_alone():
    bridge.manual_seed(7)
    torch.manual_seed(7)
    bridge.cuda.manual_seed(123)
    bridge.cuda.manual_seed_all(456)
    torch.cuda.manual_seed(123)
    torch.cuda.manual_seed_all(456)
    np.testing.assert_array_equal(bridge.rand(5).numpy(), torch.rand(5).numpy())


def _train_with_scaler(lib, enabled, steps=3):
    lib.manual_seed(0)
    model = lib.nn.Linear(4, 2)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = lib.cuda.amp.GradScaler(enabled=enabled)
    x = lib.linspace(-1, 1, 12).reshape(3, 4)
    for _ in range(steps):
        loss = model(x).pow(2).mean()
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
    return model.weight.detach().numpy(), scaler, [str(w.message) for w in caught]


@pytest.mark.parametrize("enabled", [False, True])
def test_grad_scaler_without_cuda_passes_through_as_torch(enabled):
    if bridge.cuda.is_available():
        pytest.skip("this checks the no-CUDA behaviour; CUDA is available here")
    wb, sb, msgs_b = _train_with_scaler(bridge, enabled)
    wt, st, msgs_t = _train_with_scaler(torch, enabled)
    np.testing.assert_allclose(wb, wt, rtol=1e-6)
    assert msgs_b == msgs_t
    assert sb.is_enabled() == st.is_enabled() is False
    assert sb.get_scale() == st.get_scale() and sb.state_dict() == st.state_dict() == {}


def test_grad_scaler_scales_skips_and_adapts_when_enabled(monkeypatch):
    # torch 1.13 can only enable its scaler with CUDA; bridge's works on any device, so its rules are checked here
    # against torch's documented algorithm: the step is skipped and the scale backs off on inf, grows after
    # growth_interval clean steps.
    monkeypatch.setattr(bridge.cuda, "is_available", lambda: True)
    w = bridge.nn.Parameter(bridge.tensor([1.0, 2.0]))
    opt = bridge.optim.SGD([w], lr=0.5)
    scaler = bridge.cuda.amp.GradScaler(init_scale=8.0, growth_interval=2)
    loss = (w * w).sum()
    scaled = scaler.scale(loss)
    assert scaled.item() == pytest.approx(8.0 * loss.item())
    scaled.backward()
    scaler.step(opt)  # unscales first: grad 2w, step w - 0.5 * 2w = 0
    scaler.update()
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 0.0])
    assert scaler.get_scale() == 8.0
    opt.zero_grad()
    (w * float("inf")).sum().backward()
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)
    scaler.step(opt)  # inf gradient: skipped
    scaler.update()
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 0.0])
    assert scaler.get_scale() == 4.0
    for _ in range(2):
        opt.zero_grad()
        scaler.scale((w + 1).sum()).backward()
        scaler.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called on this optimizer"):
            scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
    assert scaler.get_scale() == 8.0
    assert scaler.state_dict() == {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2,
                                   "_growth_tracker": 0}


# ---- torch.backends.cuda / cudnn (nanoGPT: allow_tf32) ----------------------------------------------------------

def test_backend_switches_read_and_set_as_in_torch():
    for name in ("allow_tf32", "allow_fp16_reduced_precision_reduction"):
        assert getattr(bridge.backends.cuda.matmul, name) == getattr(torch.backends.cuda.matmul, name)
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(bridge.backends.cudnn, name) == getattr(torch.backends.cudnn, name)
    saved = bridge.backends.cuda.matmul.allow_tf32
    try:
        bridge.backends.cuda.matmul.allow_tf32 = True
        assert bridge.backends.cuda.matmul.allow_tf32 is True
    finally:
        bridge.backends.cuda.matmul.allow_tf32 = saved
    for lib in (bridge, torch):
        with pytest.raises(AssertionError, match="Unknown attribute allow_tf33"):
            lib.backends.cuda.matmul.allow_tf33 = True
        with pytest.raises(AssertionError, match="Unknown attribute allow_tf33"):
            lib.backends.cuda.matmul.allow_tf33
    assert bridge.backends.cudnn.is_available() is False


# ---- whole models with MultiheadAttention through torch.save / torch.load (word_language_model) -----------------

def _transformer(lib):
    lib.manual_seed(0)
    return lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 1)


def test_whole_transformer_pickles_round_trip_and_load_in_torch():
    src = np.linspace(-1, 1, 5 * 2 * 8, dtype=np.float32).reshape(5, 2, 8)
    model = _transformer(bridge).eval()
    assert type(model.layers[0].self_attn.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    buf = io.BytesIO()
    bridge.save(model, buf)
    buf.seek(0)
    again = bridge.load(buf)
    np.testing.assert_array_equal(again(bridge.tensor(src)).detach().numpy(), model(bridge.tensor(src)).detach().numpy())
    buf.seek(0)
    in_torch = torch.load(buf)  # torch finds the class where torch keeps it: torch.nn.modules.linear
    assert type(in_torch.layers[0].self_attn.out_proj) is torch.nn.modules.linear.NonDynamicallyQuantizableLinear
    want = in_torch.eval()(torch.tensor(src)).detach().numpy()
    np.testing.assert_allclose(model(bridge.tensor(src)).detach().numpy(), want, rtol=1e-5, atol=1e-6)


def test_whole_transformer_saved_by_torch_loads_in_bridge():
    src = np.linspace(-1, 1, 5 * 2 * 8, dtype=np.float32).reshape(5, 2, 8)
    model = _transformer(torch).eval()
    buf = io.BytesIO()
    torch.save(model, buf)
    buf.seek(0)
    loaded = bridge.load(buf)
    assert type(loaded.layers[0].self_attn.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    np.testing.assert_allclose(loaded.eval()(bridge.tensor(src)).detach().numpy(),
                               model(torch.tensor(src)).detach().numpy(), rtol=1e-5, atol=1e-6)


# ---- addmm with a bias rounds as torch's (pytorch/examples regression: Linear(4, 1) trained to 1e-3) ------------

@pytest.mark.parametrize("m,k,n", [(5, 4, 3), (7, 6, 1), (3, 9, 8), (1, 5, 4), (32, 4, 1), (2000, 3, 1), (16, 16, 16)])
def test_linear_and_addmm_are_bit_identical_to_torch(m, k, n):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    x = (rng.standard_normal((m, k)) * 3).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    b = (rng.standard_normal(n) * 2).astype(np.float32)
    got = bridge.nn.functional.linear(bridge.tensor(x), bridge.tensor(w), bridge.tensor(b)).numpy()
    want = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b)).numpy()
    np.testing.assert_array_equal(got, want)  # nn.Linear: torch adds the bias after each dot product
    got = bridge.addmm(bridge.tensor(b), bridge.tensor(x), bridge.tensor(w.T.copy())).numpy()
    want = torch.addmm(torch.tensor(b), torch.tensor(x), torch.tensor(w.T.copy())).numpy()
    np.testing.assert_array_equal(got, want)  # two row-major matrices: torch starts from the bias (unless n == 1)


def test_linear_next_functions_list_the_bias_first_as_torch():
    def names(lib):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 2)
        out = layer(lib.ones(4, 3, requires_grad=True))
        return [(type(fn).__name__ if fn is not None else None, slot) for fn, slot in out.grad_fn.next_functions]
    assert names(bridge) == names(torch) == [("AccumulateGrad", 0), ("AccumulateGrad", 0), ("TBackward0", 0)]


def test_accumulate_grad_variable_is_the_leaf():
    x = bridge.tensor([1.0, 2.0], requires_grad=True)
    acc = (x * 3).grad_fn.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad"
    np.testing.assert_array_equal(acc.variable.detach().numpy(), x.detach().numpy())
    acc.variable.data.mul_(2)  # the same tensor, not a copy
    np.testing.assert_array_equal(x.detach().numpy(), [2.0, 4.0])
    with pytest.raises(AttributeError):
        (x * 3).grad_fn.variable

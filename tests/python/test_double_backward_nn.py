"""Double backward (create_graph=True) through the fused nn nodes and the cumulative ops, against torch 1.13 live and
against float64 central differences of the first gradient: for y = f(inputs), s = Σ y·w, the test differentiates
r = Σ_i ∂s/∂input_i · v_i once more with respect to every input and compares the second gradients."""

import numpy as np
import pytest
import torch

import bridge

RNG = np.random.default_rng(7)


def _t(lib, a, grad=True):
    return lib.tensor(np.asarray(a), requires_grad=grad)


# name -> (function(lib, *tensors), input arrays (float64, all differentiated), extra non-differentiated arguments)
def _cases():
    x34 = RNG.uniform(-1.5, 1.5, (3, 4))
    pos34 = RNG.uniform(0.5, 1.5, (3, 4))
    zero34 = pos34.copy()
    zero34[1, 2] = 0.0
    zero34[2, 0] = 0.0
    img = RNG.uniform(-1, 1, (2, 2, 5, 5))
    target = np.array([1, 0, 3])
    prob34 = RNG.uniform(0.1, 0.9, (3, 4))
    return {
        "cumsum_squared": (lambda L, x: x.cumsum(1) ** 2, [x34]),
        "cumprod": (lambda L, x: x.cumprod(1), [pos34]),
        "cumprod_zeros": (lambda L, x: x.cumprod(1), [zero34]),
        "prod_dim": (lambda L, x: x.prod(1), [pos34]),
        "prod_all": (lambda L, x: x.prod(), [pos34]),
        "prod_dim_zeros": (lambda L, x: x.prod(1), [zero34]),
        "softmax": (lambda L, x: L.softmax(x, 1), [x34]),
        "log_softmax": (lambda L, x: L.log_softmax(x, 1), [x34]),
        "layer_norm": (lambda L, x, w, b: L.nn.functional.layer_norm(x, (4,), w, b), [x34, RNG.uniform(0.5, 1.5, 4), RNG.uniform(-1, 1, 4)]),
        "cross_entropy": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(target)), [x34]),
        "cross_entropy_weighted": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(target), weight=L.tensor([1.0, 2.0, 0.5, 1.5], dtype=L.float64), ignore_index=0), [x34]),
        "nll_of_squared": (lambda L, x: L.nn.functional.nll_loss(x * x, L.tensor(target)), [x34]),
        "gelu": (lambda L, x: L.nn.functional.gelu(x), [x34]),
        "gelu_tanh": (lambda L, x: L.nn.functional.gelu(x, approximate="tanh"), [x34]),
        "mse": (lambda L, x, t: L.nn.functional.mse_loss(x, t), [x34, pos34]),
        "batch_norm_train": (lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, training=True), [x34, RNG.uniform(0.5, 1.5, 4), RNG.uniform(-1, 1, 4)]),
        "conv2d": (lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, padding=1), [img, RNG.uniform(-1, 1, (3, 2, 3, 3)), RNG.uniform(-1, 1, 3)]),
        "conv2d_squared": (lambda L, x, w: L.nn.functional.conv2d(x, w) ** 2, [img, RNG.uniform(-1, 1, (3, 2, 3, 3))]),
        "embedding_squared": (lambda L, w: L.nn.functional.embedding(L.tensor([[0, 2], [2, 1]]), w) ** 2, [RNG.uniform(-1, 1, (3, 4))]),
        "max_pool2d_squared": (lambda L, x: L.nn.functional.max_pool2d(x, 2) ** 2, [img]),
        "avg_pool2d_squared": (lambda L, x: L.nn.functional.avg_pool2d(x, 2) ** 2, [img]),
        "adaptive_avg_pool2d_squared": (lambda L, x: L.nn.functional.adaptive_avg_pool2d(x, 2) ** 2, [img]),
        "conv_transpose2d_squared": (lambda L, x, w: L.nn.functional.conv_transpose2d(x, w) ** 2, [img, RNG.uniform(-1, 1, (2, 3, 2, 2))]),
        "lstm": (lambda L, x: _recurrent(L, "LSTM", x), [x34]),
        "rnn_tanh": (lambda L, x: _recurrent(L, "RNN", x), [x34]),
        "bce": (lambda L, x: L.nn.functional.binary_cross_entropy(L.sigmoid(x), L.tensor(prob34)), [x34]),
        "bce_with_logits": (lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(x, L.tensor(prob34), pos_weight=L.tensor([1.0, 2.0, 0.5, 3.0], dtype=L.float64)), [x34]),
        "elu": (lambda L, x: L.nn.functional.elu(x), [x34]),
        "silu": (lambda L, x: L.nn.functional.silu(x), [x34]),
        "softplus": (lambda L, x: L.nn.functional.softplus(x), [x34]),
        "mish": (lambda L, x: L.nn.functional.mish(x), [x34]),
        "logsigmoid": (lambda L, x: L.nn.functional.logsigmoid(x), [x34]),
        "leaky_relu_squared": (lambda L, x: L.nn.functional.leaky_relu(x, 0.1) ** 2, [x34]),
        "hardtanh_squared": (lambda L, x: L.nn.functional.hardtanh(x) ** 2, [x34]),
        "sigmoid": (lambda L, x: L.sigmoid(x), [x34]),
        "tanh": (lambda L, x: L.tanh(x), [x34]),
        "group_norm": (lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b), [img, RNG.uniform(0.5, 1.5, 2), RNG.uniform(-1, 1, 2)]),
        "smooth_l1": (lambda L, x, t: L.nn.functional.smooth_l1_loss(x, t) ** 2, [x34, pos34]),
        "huber": (lambda L, x, t: L.nn.functional.huber_loss(x, t, delta=0.5) ** 2, [x34, pos34]),
        "kl_div": (lambda L, x, t: L.nn.functional.kl_div(L.log_softmax(x, 1), t, reduction="batchmean"), [x34, pos34]),
        "l1_squared": (lambda L, x, t: L.nn.functional.l1_loss(x, t) ** 2, [x34, pos34]),
        "normalize": (lambda L, x: L.nn.functional.normalize(x, dim=1), [x34]),
        "cosine_similarity": (lambda L, x, y: L.nn.functional.cosine_similarity(x, y, dim=1), [x34, pos34]),
        "sdpa_causal": (lambda L, q, k, v: _sdpa(L, q, k, v), [RNG.uniform(-1, 1, (2, 3, 4)) for _ in range(3)]),
        "unfold_squared": (lambda L, x: L.nn.functional.unfold(x, 2) ** 2, [img]),
        "pad_reflect_squared": (lambda L, x: L.nn.functional.pad(x, (1, 1, 1, 1), mode="reflect") ** 2, [img]),
        "interpolate_bilinear_squared": (lambda L, x: L.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False) ** 2, [img]),
        "logsumexp": (lambda L, x: x.logsumexp(1), [x34]),
        "sort_squared": (lambda L, x: x.sort(1)[0] ** 2, [x34]),
        "topk_squared": (lambda L, x: x.topk(2, 1)[0] ** 2, [x34]),
        "median_squared": (lambda L, x: x.median() ** 2 * x, [x34]),
        "kthvalue_squared": (lambda L, x: x.kthvalue(2, 1)[0] ** 2, [x34]),
        "gather_squared": (lambda L, x: x.gather(1, L.tensor([[0, 2], [1, 1], [3, 0]])) ** 2, [x34]),
        "index_select_squared": (lambda L, x: x.index_select(1, L.tensor([0, 2, 2])) ** 2, [x34]),
        "masked_select_squared": (lambda L, x: x.masked_select(L.tensor(x34 > 0)) ** 2, [x34]),
        "advanced_index_squared": (lambda L, x: x[L.tensor([0, 2]), 1:] ** 2, [x34]),
        "roll_flip_squared": (lambda L, x: x.roll(1, 1).flip(0) ** 2, [x34]),
        "index_put_squared": (lambda L, x, v: x.index_put((L.tensor([0, 2]),), v) ** 2, [x34, RNG.uniform(-1, 1, 4)]),
        "third_order_cumsum_flip": (lambda L, x: _third(L, x), [x34]),
        "std": (lambda L, x: x.std(1), [x34]),
        "norm": (lambda L, x: x.norm(dim=1), [x34]),
        "gru": (lambda L, x: _recurrent(L, "GRU", x), [x34]),
    }


def _third(lib, x):
    """A third derivative: the gradient of Σ cumsum(x)³ taken with create_graph, so the test differentiates twice more."""
    (g,) = lib.autograd.grad((x.cumsum(1) ** 3).sum(), x, create_graph=True)
    return g * g


def _sdpa(lib, q, k, v):
    """Causal attention written out (torch 1.13 has no F.scaled_dot_product_attention): softmax(q kᵀ/√d + mask) v."""
    mask = lib.triu(lib.full((3, 3), float("-inf"), dtype=lib.float64), diagonal=1)
    return lib.softmax(q @ k.transpose(-2, -1) / 2.0 + mask, -1) @ v


def _recurrent(lib, kind, x):
    """A seeded one-layer LSTM/GRU (the same draws in both libraries) over x as one batch-first sequence."""
    lib.manual_seed(0)
    layer = getattr(lib.nn, kind)(4, 3, batch_first=True).double()
    return layer(x.unsqueeze(0))[0]


CASES = _cases()
WEIGHTS = {}


def _second(lib, name):
    fn, arrays = CASES[name]
    ins = [_t(lib, a) for a in arrays]
    out = fn(lib, *ins)
    w, vs = WEIGHTS.setdefault(name, (RNG.uniform(-1, 1, tuple(out.shape)), [RNG.uniform(-1, 1, a.shape) for a in arrays]))
    s = (out * lib.tensor(w)).sum()
    grads = lib.autograd.grad(s, ins, create_graph=True)
    r = sum((g * lib.tensor(v)).sum() for g, v in zip(grads, vs))
    second = lib.autograd.grad(r, ins, allow_unused=True)
    return [np.zeros(a.shape) if h is None else h.detach().numpy() for h, a in zip(second, arrays)]


def _first_dot(name, arrays):
    """Σ_i ∂s/∂input_i · v_i in bridge, first order only (what the central differences differentiate)."""
    fn, _ = CASES[name]
    w, vs = WEIGHTS[name]
    ins = [_t(bridge, a) for a in arrays]
    s = (fn(bridge, *ins) * bridge.tensor(w)).sum()
    grads = bridge.autograd.grad(s, ins)
    return sum(float((g.detach().numpy() * v).sum()) for g, v in zip(grads, vs))


@pytest.mark.parametrize("name", list(CASES))
def test_second_derivative_matches_torch_and_finite_differences(name):
    want = _second(torch, name)
    got = _second(bridge, name)
    for g, t in zip(got, want):
        np.testing.assert_allclose(g, t, rtol=1e-7, atol=1e-9)
    _, arrays = CASES[name]
    eps = 1e-6
    for i, a in enumerate(arrays):
        flat = a.reshape(-1)
        for k in range(0, flat.size, max(1, flat.size // 12)):  # a spread of elements keeps the test quick
            up, down = [x.copy() for x in arrays], [x.copy() for x in arrays]
            up[i].reshape(-1)[k] += eps
            down[i].reshape(-1)[k] -= eps
            numeric = (_first_dot(name, up) - _first_dot(name, down)) / (2 * eps)
            assert abs(got[i].reshape(-1)[k] - numeric) <= 1e-5 + 1e-5 * abs(numeric), (name, i, k, got[i].reshape(-1)[k], numeric)

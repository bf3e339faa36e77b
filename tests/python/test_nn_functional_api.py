"""nn.functional's activations, losses and distances, and nn.utils' clipping, against torch 1.13 live: values and
gradients, float32 and float64, options and torch's errors."""

import math

import numpy as np
import pytest
import torch

import bridge

RTOL = {"float32": 2e-5, "float64": 1e-10}
ATOL = {"float32": 2e-6, "float64": 1e-12}


def _pair(array, dtype, requires_grad=True):
    a = np.array(array, dtype=dtype)
    b = bridge.from_numpy(a.copy()).clone().requires_grad_(requires_grad)
    t = torch.tensor(a, requires_grad=requires_grad)
    return b, t


def _close(b, t, dtype, what):
    got, want = b.detach().numpy(), t.detach().numpy()
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs torch {want.shape}"
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=ATOL[dtype], err_msg=what)


def compare(fn_b, fn_t, arrays, dtype="float32", grad=True, int_args=()):
    """fn(bridge.nn.functional, *tensors) against fn(torch.nn.functional, *tensors): value and every gradient."""
    pairs = [_pair(a, dtype, grad) for a in arrays]
    extra = [(bridge.from_numpy(np.array(a)), torch.from_numpy(np.array(a))) for a in int_args]
    out_b = fn_b(*[p[0] for p in pairs], *[e[0] for e in extra])
    out_t = fn_t(*[p[1] for p in pairs], *[e[1] for e in extra])
    _close(out_b, out_t, dtype, "forward")
    if grad:
        rng = np.random.default_rng(0)
        g = rng.standard_normal(tuple(out_t.shape)).astype(dtype)
        out_b.backward(bridge.from_numpy(g.copy()))
        out_t.backward(torch.from_numpy(g))
        for i, (b, t) in enumerate(pairs):
            if t.grad is None:
                assert b.grad is None
            else:
                _close(b.grad, t.grad, dtype, f"gradient of input {i}")
    return out_b


X = np.array([[-30.0, -5.0, -1.0, -0.3, -1e-4, 0.0], [1e-6, 0.25, 0.9, 1.0, 4.0, 25.0]])
ACTIVATIONS = [
    ("silu", {}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {}), ("elu", {"alpha": 0.5}),
    ("softplus", {}), ("softplus", {"beta": 2, "threshold": 5}), ("softplus", {"beta": 0.5}),
    ("hardtanh", {}), ("hardtanh", {"min_val": -0.3, "max_val": 4.0}), ("relu6", {}), ("logsigmoid", {}),
    ("mish", {}), ("softsign", {}), ("tanhshrink", {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[f"{n}{k}" for n, k in ACTIVATIONS])
def test_activation_matches_torch(name, kwargs, dtype):
    out = compare(lambda x: getattr(bridge.nn.functional, name)(x, **kwargs),
                  lambda x: getattr(torch.nn.functional, name)(x, **kwargs), [X], dtype)
    assert out.dtype == getattr(bridge, dtype)


@pytest.mark.parametrize("name,node", [("silu", "SiluBackward0"), ("leaky_relu", "LeakyReluBackward0"),
                                       ("elu", "EluBackward0"), ("softplus", "SoftplusBackward0"),
                                       ("hardtanh", "HardtanhBackward0"), ("relu6", "HardtanhBackward0"),
                                       ("logsigmoid", "LogSigmoidBackward0"), ("mish", "MishBackward0")])
def test_activation_nodes_are_named_as_torch(name, node):
    x = bridge.randn(3, requires_grad=True)
    assert type(getattr(bridge.nn.functional, name)(x).grad_fn).__name__ == node or \
        getattr(bridge.nn.functional, name)(x).grad_fn.name() == node


def test_prelu_and_modules_match_torch():
    compare(lambda x, w: bridge.nn.functional.prelu(x, w), lambda x, w: torch.nn.functional.prelu(x, w),
            [np.linspace(-2, 2, 24).reshape(2, 3, 4), np.array([0.25, -0.1, 0.5])])
    for name, args in [("SiLU", ()), ("LeakyReLU", (0.1,)), ("ELU", (0.7,)), ("Softplus", (2, 10)),
                       ("Hardtanh", (-2.0, 2.0)), ("ReLU6", ()), ("LogSigmoid", ()), ("Mish", ()), ("Softsign", ()),
                       ("Tanhshrink", ()), ("Softmax", (1,)), ("LogSoftmax", (0,)), ("PReLU", ())]:
        mb, mt = getattr(bridge.nn, name)(*args), getattr(torch.nn, name)(*args)
        assert repr(mb) == repr(mt)
        compare(lambda x: mb(x), lambda x: mt(x), [X])
    assert repr(bridge.nn.LeakyReLU(0.2, inplace=True)) == repr(torch.nn.LeakyReLU(0.2, inplace=True))
    assert repr(bridge.nn.ReLU6(inplace=True)) == repr(torch.nn.ReLU6(inplace=True))


def test_softmax_without_dim_uses_torchs_legacy_choice():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        got = bridge.nn.Softmax()(bridge.from_numpy(x))
    with pytest.warns(UserWarning):
        want = torch.nn.Softmax()(torch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_inplace_activation_writes_into_input():
    xb = bridge.tensor([-1.0, 2.0])
    out = bridge.nn.functional.leaky_relu(xb, 0.5, inplace=True)
    assert out is xb and xb.tolist() == [-0.5, 2.0]


# ---- losses --------------------------------------------------------------------------------------------

LOGITS = np.array([[0.2, -1.3, 2.0, 0.5], [1.5, 0.1, -0.4, -2.2], [0.0, 0.3, 0.9, -0.7], [-1.0, 2.5, 0.4, 0.1]])
W = np.array([0.3, 1.0, 2.0, 0.7])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kwargs", [{}, {"weight": True}, {"label_smoothing": 0.1},
                                    {"weight": True, "label_smoothing": 0.25}, {"ignore_index": 1}],
                         ids=["plain", "weight", "smoothing", "weight_smoothing", "ignore1"])
def test_cross_entropy_class_indices(kwargs, reduction, dtype):
    # the ignored position holds the ignore_index (default -100)
    target = np.array([2, 0, kwargs.get("ignore_index", -100), 1])
    def run(F, lib, x):
        kw = dict(kwargs)
        if kw.pop("weight", None):
            kw["weight"] = lib.tensor(W.astype(dtype))
        return F.cross_entropy(x, lib.tensor(target), reduction=reduction, **kw)
    compare(lambda x: run(bridge.nn.functional, bridge, x), lambda x: run(torch.nn.functional, torch, x),
            [LOGITS], dtype)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_spatial_and_1d(reduction):
    x = np.linspace(-2, 2, 2 * 3 * 2 * 2).reshape(2, 3, 2, 2)
    t = np.array([[[0, 2], [1, 1]], [[2, 0], [-100, 1]]])
    compare(lambda x: bridge.nn.functional.cross_entropy(x, bridge.tensor(t), reduction=reduction),
            lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(t), reduction=reduction), [x], "float64")
    compare(lambda x: bridge.nn.functional.cross_entropy(x, bridge.tensor(2)),
            lambda x: torch.nn.functional.cross_entropy(x, torch.tensor(2)), [LOGITS[0]], "float64")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_class_probabilities(reduction, smoothing):
    probs = np.abs(LOGITS) / np.abs(LOGITS).sum(1, keepdims=True)
    for weight in (None, W):
        def run(F, lib, x, p):
            w = None if weight is None else lib.tensor(weight)
            return F.cross_entropy(x, p, weight=w, reduction=reduction, label_smoothing=smoothing)
        compare(lambda x, p: run(bridge.nn.functional, bridge, x, p),
                lambda x, p: run(torch.nn.functional, torch, x, p), [LOGITS, probs], "float64")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_weight_and_ignore_index(reduction):
    logp = np.log(np.abs(LOGITS) / np.abs(LOGITS).sum(1, keepdims=True))
    for ignore in (-100, 3):
        t = np.array([2, 3, 1, 0])
        compare(lambda x: bridge.nn.functional.nll_loss(x, bridge.tensor(t), weight=bridge.tensor(W), ignore_index=ignore,
                                                        reduction=reduction),
                lambda x: torch.nn.functional.nll_loss(x, torch.tensor(t), weight=torch.tensor(W), ignore_index=ignore,
                                                       reduction=reduction), [logp], "float64")
    m_b, m_t = bridge.nn.NLLLoss(weight=bridge.tensor(W)), torch.nn.NLLLoss(weight=torch.tensor(W))
    assert list(m_b.state_dict()) == list(m_t.state_dict()) == ["weight"]


def test_loss_errors_match_torch():
    F = bridge.nn.functional
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(bridge.tensor(LOGITS), bridge.tensor([7, 0, 1, 1]))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.mse_loss(bridge.zeros(2), bridge.zeros(2), reduction="foo")
    with pytest.raises(ValueError, match=r"Using a target size \(torch.Size\(\[2\]\)\) that is different to the input "
                                         r"size \(torch.Size\(\[2, 1\]\)\) is deprecated"):
        F.binary_cross_entropy(bridge.full((2, 1), 0.5), bridge.zeros(2))
    with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[2\]\)\) must be the same as input size"):
        F.binary_cross_entropy_with_logits(bridge.zeros(2, 1), bridge.zeros(2))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(bridge.tensor([1.5]), bridge.tensor([1.0]))
    with pytest.raises(RuntimeError, match=r"Expected input batch_size \(4\) to match target batch_size \(3\)."):
        F.nll_loss(bridge.tensor(LOGITS), bridge.tensor([0, 1, 2]))


P = np.array([[0.1, 0.9, 0.5], [0.3, 1e-9, 0.999999]])
T01 = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 1.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_family(reduction, dtype):
    F_b, F_t = bridge.nn.functional, torch.nn.functional
    w = np.array([0.5, 2.0, 1.0])
    compare(lambda x, t: F_b.binary_cross_entropy(x, t, reduction=reduction),
            lambda x, t: F_t.binary_cross_entropy(x, t, reduction=reduction), [P, T01], dtype)
    compare(lambda x, t: F_b.binary_cross_entropy(x, t, weight=bridge.tensor(w.astype(dtype)), reduction=reduction),
            lambda x, t: F_t.binary_cross_entropy(x, t, weight=torch.tensor(w.astype(dtype)), reduction=reduction),
            [P, T01], dtype)
    logits = np.array([[-40.0, 2.0, 0.3], [0.0, -3.0, 50.0]])
    for pw in (None, np.array([3.0, 0.5, 1.0])):
        for weight in (None, w):
            def run(F, lib, x, t):
                return F.binary_cross_entropy_with_logits(
                    x, t, weight=None if weight is None else lib.tensor(weight.astype(dtype)), reduction=reduction,
                    pos_weight=None if pw is None else lib.tensor(pw.astype(dtype)))
            compare(lambda x, t: run(F_b, bridge, x, t), lambda x, t: run(F_t, torch, x, t), [logits, T01], dtype)


A = np.array([[0.5, -1.2, 3.0], [0.05, 2.0, -0.4]])
B = np.array([[0.4, 0.3, 0.1], [-0.2, 2.5, 1.6]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,kwargs", [("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {}),
                                         ("smooth_l1_loss", {"beta": 0.5}), ("smooth_l1_loss", {"beta": 0.0}),
                                         ("huber_loss", {}), ("huber_loss", {"delta": 0.3})])
def test_regression_losses(name, kwargs, reduction, dtype):
    compare(lambda x, y: getattr(bridge.nn.functional, name)(x, y, reduction=reduction, **kwargs),
            lambda x, y: getattr(torch.nn.functional, name)(x, y, reduction=reduction, **kwargs), [A, B], dtype)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    logp = np.log(np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]))
    tgt = np.array([[0.05, 0.55, 0.4], [0.3, 0.3, 0.4]])
    if log_target:
        tgt = np.log(tgt + 0.05)
    with np.errstate(all="ignore"):
        compare(lambda x, t: bridge.nn.functional.kl_div(x, t, reduction=reduction, log_target=log_target),
                lambda x, t: torch.nn.functional.kl_div(x, t, reduction=reduction, log_target=log_target),
                [logp, tgt], "float64")


def test_kl_div_zero_target_gives_zero_terms():
    logp = np.log(np.array([[0.2, 0.5, 0.3]]))
    tgt = np.array([[0.0, 0.6, 0.4]])
    compare(lambda x: bridge.nn.functional.kl_div(x, bridge.tensor(tgt), reduction="batchmean"),
            lambda x: torch.nn.functional.kl_div(x, torch.tensor(tgt), reduction="batchmean"), [logp], "float64")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_pair_losses(reduction):
    y = np.array([1.0, -1.0])
    for margin in (0.0, 0.2, -0.5):
        compare(lambda a, b, t: bridge.nn.functional.cosine_embedding_loss(a, b, t, margin=margin, reduction=reduction),
                lambda a, b, t: torch.nn.functional.cosine_embedding_loss(a, b, t, margin=margin, reduction=reduction),
                [A, B, y], "float64")
        compare(lambda a, b, t: bridge.nn.functional.margin_ranking_loss(a, b, t, margin=margin, reduction=reduction),
                lambda a, b, t: torch.nn.functional.margin_ranking_loss(a, b, t, margin=margin, reduction=reduction),
                [A[:, 0], B[:, 0], y], "float64")


def test_loss_modules_match_torch():
    cases = [("L1Loss", {}), ("MSELoss", {"reduction": "sum"}), ("SmoothL1Loss", {"beta": 0.4}),
             ("HuberLoss", {"delta": 0.5}), ("BCEWithLogitsLoss", {})]
    for name, kwargs in cases:
        mb, mt = getattr(bridge.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
        assert repr(mb) == repr(mt)
        compare(lambda x, y: mb(x, y), lambda x, y: mt(x, y), [A, np.clip(B, 0, 1)])
    ce_b = bridge.nn.CrossEntropyLoss(weight=bridge.tensor(W.astype(np.float32)), label_smoothing=0.1)
    ce_t = torch.nn.CrossEntropyLoss(weight=torch.tensor(W.astype(np.float32)), label_smoothing=0.1)
    compare(lambda x: ce_b(x, bridge.tensor([0, 1, 2, 3])), lambda x: ce_t(x, torch.tensor([0, 1, 2, 3])), [LOGITS])
    pw_b = bridge.nn.BCEWithLogitsLoss(pos_weight=bridge.tensor([2.0, 1.0, 0.5]))
    assert list(pw_b.state_dict()) == ["pos_weight"]


# ---- distances and encodings ---------------------------------------------------------------------------------

def test_one_hot():
    t = np.array([[0, 3], [1, 1]])
    assert bridge.nn.functional.one_hot(bridge.tensor(t)).tolist() == torch.nn.functional.one_hot(torch.tensor(t)).tolist()
    got = bridge.nn.functional.one_hot(bridge.tensor(t), num_classes=6)
    assert got.dtype == bridge.int64 and tuple(got.shape) == (2, 2, 6)
    assert got.tolist() == torch.nn.functional.one_hot(torch.tensor(t), 6).tolist()
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        bridge.nn.functional.one_hot(bridge.tensor([3]), 2)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf])
def test_normalize_and_pairwise_distance(p):
    compare(lambda x: bridge.nn.functional.normalize(x, p=p), lambda x: torch.nn.functional.normalize(x, p=p), [A],
            "float64")
    compare(lambda x: bridge.nn.functional.normalize(x, p=p, dim=0), lambda x: torch.nn.functional.normalize(x, p=p, dim=0),
            [A], "float64")
    compare(lambda a, b: bridge.nn.functional.pairwise_distance(a, b, p=p),
            lambda a, b: torch.nn.functional.pairwise_distance(a, b, p=p), [A, B], "float64")
    compare(lambda a, b: bridge.nn.functional.pairwise_distance(a, b, p=p, keepdim=True),
            lambda a, b: torch.nn.functional.pairwise_distance(a, b, p=p, keepdim=True), [A, B], "float64")


def test_cosine_similarity():
    compare(lambda a, b: bridge.nn.functional.cosine_similarity(a, b), lambda a, b: torch.nn.functional.cosine_similarity(a, b),
            [A, B], "float64")
    compare(lambda a, b: bridge.nn.functional.cosine_similarity(a, b, dim=0),
            lambda a, b: torch.nn.functional.cosine_similarity(a, b, dim=0), [A, B], "float32")


# ---- nn.utils ---------------------------------------------------------------------------------------------

def _grads_pair(scale=1.0):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s).astype(np.float32) * scale for s in [(3, 4), (4,), (2, 2)]]
    pb = [bridge.nn.Parameter(bridge.from_numpy(a.copy())) for a in arrays]
    pt = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in arrays]
    for i, (b, t) in enumerate(zip(pb, pt)):
        g = np.full(arrays[i].shape, 0.5 * (i + 1), np.float32) * arrays[i]
        b.grad = bridge.from_numpy(g.copy())
        t.grad = torch.from_numpy(g.copy())
    return pb, pt


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    nt = float(norm_type)
    pb, pt = _grads_pair()
    total_b = bridge.nn.utils.clip_grad_norm_(pb, max_norm, norm_type=nt)
    total_t = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type=nt)
    np.testing.assert_allclose(total_b.item(), total_t.item(), rtol=1e-6)
    for b, t in zip(pb, pt):
        np.testing.assert_allclose(b.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_nonfinite_and_empty():
    pb, _ = _grads_pair()
    pb[0].grad = bridge.full((3, 4), float("inf"))
    with pytest.raises(RuntimeError, match=r"The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        bridge.nn.utils.clip_grad_norm_(pb, 1.0, error_if_nonfinite=True)
    assert bridge.nn.utils.clip_grad_norm_([bridge.nn.Parameter(bridge.zeros(2))], 1.0).item() == 0.0
    single = bridge.nn.Parameter(bridge.ones(2))
    single.grad = bridge.tensor([3.0, 4.0])
    assert bridge.nn.utils.clip_grad_norm_(single, 1.0).item() == pytest.approx(5.0)


def test_clip_grad_value_and_vector_conversion():
    pb, pt = _grads_pair(scale=3.0)
    bridge.nn.utils.clip_grad_value_(pb, 0.7)
    torch.nn.utils.clip_grad_value_(pt, 0.7)
    for b, t in zip(pb, pt):
        np.testing.assert_array_equal(b.grad.numpy(), t.grad.numpy())
    vb, vt = bridge.nn.utils.parameters_to_vector(pb), torch.nn.utils.parameters_to_vector(pt)
    np.testing.assert_array_equal(vb.detach().numpy(), vt.detach().numpy())
    bridge.nn.utils.vector_to_parameters(vb.detach() * 2.0, pb)
    torch.nn.utils.vector_to_parameters(vt.detach() * 2.0, pt)
    for b, t in zip(pb, pt):
        np.testing.assert_array_equal(b.detach().numpy(), t.detach().numpy())
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        bridge.nn.utils.vector_to_parameters([1.0], pb)


@pytest.mark.skipif(not bridge.cuda.is_available(), reason="no CUDA device (BRIDGE_CUDA_DRIVER can name the emulator)")
def test_activations_losses_init_run_on_cuda_as_on_cpu():
    F = bridge.nn.functional
    x = bridge.linspace(-3, 3, 12).reshape(3, 4)
    t = bridge.tensor([1, 0, 3])
    cases = [lambda a: F.silu(a), lambda a: F.softplus(a, 2, 1), lambda a: F.mish(a), lambda a: F.hardtanh(a),
             lambda a: F.elu(a), lambda a: F.logsigmoid(a),
             lambda a: F.cross_entropy(a, t.to(a.device), label_smoothing=0.1),
             lambda a: F.binary_cross_entropy_with_logits(a, a.detach().sigmoid()),
             lambda a: F.kl_div(a.log_softmax(1), a.detach().softmax(0), reduction="batchmean"),
             lambda a: F.normalize(a)]
    for fn in cases:
        cpu, gpu = x.clone().requires_grad_(), x.cuda().requires_grad_()
        a, b = fn(cpu), fn(gpu)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().cpu().numpy(), rtol=1e-5, atol=1e-6)
        a.sum().backward()
        b.sum().backward()
        np.testing.assert_allclose(cpu.grad.numpy(), gpu.grad.cpu().numpy(), rtol=1e-5, atol=1e-6)
    for init in (bridge.nn.init.trunc_normal_, bridge.nn.init.orthogonal_, bridge.nn.init.xavier_uniform_):
        bridge.manual_seed(0)
        a = init(bridge.empty(4, 3))
        bridge.manual_seed(0)
        b = init(bridge.empty(4, 3, device="cuda"))
        np.testing.assert_allclose(a.numpy(), b.cpu().numpy(), rtol=1e-6)

"""Convolution, pooling, normalisation, pad/interpolate/fold against torch 1.13: forward values and every gradient,
over many shape and option combinations, plus the modules' default initialisation draws and printouts."""

import numpy as np
import pytest
import torch

import bridge
import bridge.nn.functional as BF
import torch.nn.functional as TF

TOL = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}


def rand(*shape, seed=0, dtype=np.float64):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(dtype)


def compare(bridge_fn, torch_fn, *arrays, grad=True, dtype=np.float64, outputs=1, tol=None):
    """Runs both with the same inputs; compares the outputs and the gradients of sum(out * v) for every input."""
    tol = tol or TOL[dtype]
    bs = [bridge.tensor(a.copy(), requires_grad=grad) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=grad) for a in arrays]
    bo, to = bridge_fn(*bs), torch_fn(*ts)
    if outputs > 1:
        for b, t in zip(bo[1:], to[1:]):
            np.testing.assert_array_equal(b.numpy(), t.numpy())
        bo, to = bo[0], to[0]
    assert tuple(bo.shape) == tuple(to.shape)
    np.testing.assert_allclose(bo.detach().numpy(), to.detach().numpy(), **tol)
    if not grad:
        return
    v = rand(*to.shape, seed=99, dtype=dtype)
    (bo * bridge.tensor(v)).sum().backward()
    (to * torch.tensor(v)).sum().backward()
    for k, (b, t) in enumerate(zip(bs, ts)):
        assert (b.grad is None) == (t.grad is None), f"input {k}"
        if t.grad is not None:
            np.testing.assert_allclose(b.grad.numpy(), t.grad.numpy(), err_msg=f"gradient of input {k}", **tol)


CONV2D_CASES = [
    dict(x=(2, 4, 7, 6), w=(6, 4, 3, 3)),
    dict(x=(2, 4, 7, 6), w=(6, 4, 3, 3), stride=2, padding=1),
    dict(x=(3, 4, 9, 8), w=(6, 2, 3, 2), stride=(2, 1), padding=(2, 1), dilation=(2, 1), groups=2),
    dict(x=(1, 3, 5, 5), w=(3, 1, 3, 3), groups=3, padding=1),
    dict(x=(2, 4, 6, 6), w=(8, 4, 1, 1)),
    dict(x=(2, 4, 6, 5), w=(2, 4, 1, 1), stride=2),
    dict(x=(2, 2, 6, 7), w=(4, 2, 4, 3), padding="same"),
    dict(x=(2, 2, 6, 7), w=(4, 1, 2, 2), padding="same", dilation=2, groups=2),
    dict(x=(2, 2, 6, 7), w=(4, 2, 3, 3), padding="valid"),
    dict(x=(6, 5, 4), w=(5, 6, 3, 3), padding=1),
    dict(x=(5, 1, 28, 28), w=(6, 1, 5, 5)),
    dict(x=(1, 2, 3, 3), w=(2, 2, 3, 3), padding=2, stride=3),
]


@pytest.mark.parametrize("case", CONV2D_CASES, ids=[str(i) for i in range(len(CONV2D_CASES))])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(case, bias):
    kw = {k: v for k, v in case.items() if k not in ("x", "w")}
    arrays = [rand(*case["x"]), rand(*case["w"], seed=1)] + ([rand(case["w"][0], seed=2)] if bias else [])
    compare(lambda *t: BF.conv2d(*t, **kw), lambda *t: TF.conv2d(*t, **kw), *arrays)


def test_conv2d_float32_large_uses_packed_gemm():
    # weight gradients are float32 sums of 1600 products of magnitude ~1: a few 1e-5 absolute apart from torch's order
    arrays = [rand(4, 16, 20, 20, dtype=np.float32), rand(32, 16, 3, 3, seed=1, dtype=np.float32),
              rand(32, seed=2, dtype=np.float32)]
    compare(lambda x, w, b: BF.conv2d(x, w, b, padding=1), lambda x, w, b: TF.conv2d(x, w, b, padding=1), *arrays,
            dtype=np.float32, tol=dict(rtol=1e-4, atol=1e-4))


CONV1D_CASES = [
    dict(x=(2, 3, 10), w=(4, 3, 3)),
    dict(x=(2, 4, 11), w=(6, 2, 4), stride=2, padding=2, dilation=2, groups=2),
    dict(x=(3, 9), w=(5, 3, 2), padding="same"),
    dict(x=(2, 3, 9), w=(5, 3, 5), padding="same", dilation=2),
]


@pytest.mark.parametrize("case", CONV1D_CASES, ids=[str(i) for i in range(len(CONV1D_CASES))])
def test_conv1d_matches_torch(case):
    kw = {k: v for k, v in case.items() if k not in ("x", "w")}
    arrays = [rand(*case["x"]), rand(*case["w"], seed=1), rand(case["w"][0], seed=2)]
    compare(lambda *t: BF.conv1d(*t, **kw), lambda *t: TF.conv1d(*t, **kw), *arrays)


TRANSPOSE_CASES = [
    dict(x=(2, 4, 5, 5), w=(4, 3, 3, 3)),
    dict(x=(2, 4, 5, 4), w=(4, 3, 3, 3), stride=2, padding=1, output_padding=1),
    dict(x=(1, 4, 3, 5), w=(4, 2, 2, 3), stride=(2, 3), padding=(0, 1), output_padding=(1, 2), groups=2, dilation=(1, 1)),
    dict(x=(2, 2, 4, 4), w=(2, 3, 3, 3), dilation=2, stride=2, output_padding=1),
    dict(x=(2, 5, 5), w=(2, 3, 4, 4), stride=2, padding=1),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES, ids=[str(i) for i in range(len(TRANSPOSE_CASES))])
def test_conv_transpose2d_matches_torch(case):
    kw = {k: v for k, v in case.items() if k not in ("x", "w")}
    groups = kw.get("groups", 1)
    arrays = [rand(*case["x"]), rand(*case["w"], seed=1), rand(case["w"][1] * groups, seed=2)]
    compare(lambda *t: BF.conv_transpose2d(*t, **kw), lambda *t: TF.conv_transpose2d(*t, **kw), *arrays)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"])
def test_conv2d_module_padding_modes_match_torch(mode, padding):
    torch.manual_seed(3)
    bridge.manual_seed(3)
    tm = torch.nn.Conv2d(3, 4, (3, 4) if padding == "same" else 3, padding=padding, padding_mode=mode).double()
    bm = bridge.nn.Conv2d(3, 4, (3, 4) if padding == "same" else 3, padding=padding, padding_mode=mode).double()
    np.testing.assert_array_equal(bm.weight.detach().numpy(), tm.weight.detach().numpy())
    np.testing.assert_array_equal(bm.bias.detach().numpy(), tm.bias.detach().numpy())
    x = rand(2, 3, 6, 5)
    compare(lambda t: bm(t), lambda t: tm(t), x)
    assert repr(bm) == repr(tm)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "circular"])
def test_conv1d_module_matches_torch(mode):
    torch.manual_seed(5)
    bridge.manual_seed(5)
    tm = torch.nn.Conv1d(4, 6, 3, stride=1, padding=2, dilation=2, groups=2, padding_mode=mode)
    bm = bridge.nn.Conv1d(4, 6, 3, stride=1, padding=2, dilation=2, groups=2, padding_mode=mode)
    np.testing.assert_array_equal(bm.weight.detach().numpy(), tm.weight.detach().numpy())
    compare(lambda t: bm(t), lambda t: tm(t), rand(2, 4, 9, dtype=np.float32), dtype=np.float32)
    assert repr(bm) == repr(tm)


def test_default_init_draws_match_torch():
    for seed, make in [(0, lambda nn: nn.Conv2d(1, 6, 5)), (1, lambda nn: nn.Conv2d(6, 16, (3, 2), bias=False)),
                       (2, lambda nn: nn.Conv1d(8, 4, 3, groups=4)), (3, lambda nn: nn.ConvTranspose2d(4, 6, 3, groups=2)),
                       (4, lambda nn: nn.Conv2d(16, 32, 3, stride=2, padding=1, dilation=2))]:
        torch.manual_seed(seed)
        bridge.manual_seed(seed)
        t, b = make(torch.nn), make(bridge.nn)
        for (tn, tp), (bn, bp) in zip(t.named_parameters(), b.named_parameters()):
            assert tn == bn
            np.testing.assert_array_equal(bp.detach().numpy(), tp.detach().numpy())
        assert repr(b) == repr(t)
        # the generator is left where torch's is
        np.testing.assert_array_equal(bridge.rand(3).numpy(), torch.rand(3).numpy())


def test_conv_transpose2d_module_output_size():
    torch.manual_seed(0)
    bridge.manual_seed(0)
    tm, bm = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), bridge.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = rand(1, 2, 4, 4, dtype=np.float32)
    compare(lambda t: bm(t, output_size=[8, 8]), lambda t: tm(t, output_size=[8, 8]), x, dtype=np.float32)


@pytest.mark.parametrize("call", [
    lambda F, x, w: F.conv2d(x, w[:, :2]),
    lambda F, x, w: F.conv2d(x, w, groups=0),
    lambda F, x, w: F.conv2d(x, w, stride=0),
    lambda F, x, w: F.conv2d(x, w, padding=-1),
    lambda F, x, w: F.conv2d(x[:, :, :1, :1], w),
    lambda F, x, w: F.conv2d(x, w, padding="same", stride=2),
    lambda F, x, w: F.conv2d(x[0, 0], w),
])
def test_conv2d_errors_match_torch(call):
    x, w = rand(1, 4, 5, 5), rand(3, 4, 3, 3)
    with pytest.raises(Exception) as expected:
        call(TF, torch.tensor(x), torch.tensor(w))
    with pytest.raises(type(expected.value)) as got:
        call(BF, bridge.tensor(x), bridge.tensor(w))
    assert str(got.value) == str(expected.value)


MAXPOOL_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(2, 1)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=1, padding=1, ceil_mode=True, dilation=2),
]


@pytest.mark.parametrize("case", MAXPOOL_CASES, ids=[str(i) for i in range(len(MAXPOOL_CASES))])
@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (3, 6, 5)])
def test_max_pool2d_matches_torch(case, shape):
    compare(lambda x: BF.max_pool2d(x, **case, return_indices=True), lambda x: TF.max_pool2d(x, **case, return_indices=True),
            rand(*shape), outputs=2)
    torch.manual_seed(0)
    tm, bm = torch.nn.MaxPool2d(**case), bridge.nn.MaxPool2d(**case)
    compare(bm, tm, rand(*shape, dtype=np.float32), dtype=np.float32)
    assert repr(bm) == repr(tm)


def test_max_pool2d_ties_and_nan_follow_torch():
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, np.nan, 2.0], [3.0, 3.0, 3.0]]]])
    b, i = BF.max_pool2d(bridge.tensor(x), 2, 1, return_indices=True)
    t, j = TF.max_pool2d(torch.tensor(x), 2, 1, return_indices=True)
    np.testing.assert_array_equal(b.numpy(), t.numpy())
    np.testing.assert_array_equal(i.numpy(), j.numpy())


@pytest.mark.parametrize("case", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                  dict(kernel_size=4, stride=1, dilation=2, padding=2)])
def test_max_pool1d_matches_torch(case):
    compare(lambda x: BF.max_pool1d(x, **case, return_indices=True), lambda x: TF.max_pool1d(x, **case, return_indices=True),
            rand(2, 3, 11), outputs=2)
    tm, bm = torch.nn.MaxPool1d(**case), bridge.nn.MaxPool1d(**case)
    compare(bm, tm, rand(3, 10))


AVGPOOL_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=2, divisor_override=3),
]


@pytest.mark.parametrize("case", AVGPOOL_CASES, ids=[str(i) for i in range(len(AVGPOOL_CASES))])
def test_avg_pool2d_matches_torch(case):
    compare(lambda x: BF.avg_pool2d(x, **case), lambda x: TF.avg_pool2d(x, **case), rand(2, 3, 7, 8))
    tm, bm = torch.nn.AvgPool2d(**case), bridge.nn.AvgPool2d(**case)
    compare(bm, tm, rand(3, 6, 5))
    assert repr(bm) == repr(tm)


@pytest.mark.parametrize("size", [1, (2, 3), (5, 7), (None, 2), (3, 4)])
def test_adaptive_avg_pool2d_matches_torch(size):
    compare(lambda x: BF.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), rand(2, 3, 7, 5))
    tm, bm = torch.nn.AdaptiveAvgPool2d(size), bridge.nn.AdaptiveAvgPool2d(size)
    compare(bm, tm, rand(3, 4, 6))
    assert repr(bm) == repr(tm)


@pytest.mark.parametrize("call", [
    lambda F, x: F.max_pool2d(x, 3, padding=2),
    lambda F, x: F.max_pool2d(x, 5),
    lambda F, x: F.max_pool2d(x[0, 0, 0], 2),
    lambda F, x: F.max_pool2d(x, 2, dilation=0),
    lambda F, x: F.avg_pool2d(x, 3, padding=2),
    lambda F, x: F.adaptive_avg_pool2d(x[0, 0, 0], 2),
])
def test_pool_errors_match_torch(call):
    x = rand(1, 1, 4, 4)
    with pytest.raises(Exception) as expected:
        call(TF, torch.tensor(x))
    with pytest.raises(type(expected.value)) as got:
        call(BF, bridge.tensor(x))
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batch_norm_functional_matches_torch(shape, momentum):
    c = shape[1]
    brm, brv = bridge.tensor(rand(c, seed=5)), bridge.tensor(rand(c, seed=6) + 2)
    trm, trv = torch.tensor(rand(c, seed=5)), torch.tensor(rand(c, seed=6) + 2)
    compare(lambda x, w, b: BF.batch_norm(x, brm, brv, w, b, True, momentum, 1e-3),
            lambda x, w, b: TF.batch_norm(x, trm, trv, w, b, True, momentum, 1e-3),
            rand(*shape), rand(c, seed=1), rand(c, seed=2))
    np.testing.assert_allclose(brm.numpy(), trm.numpy(), **TOL[np.float64])
    np.testing.assert_allclose(brv.numpy(), trv.numpy(), **TOL[np.float64])
    compare(lambda x, w, b: BF.batch_norm(x, brm, brv, w, b, False),
            lambda x, w, b: TF.batch_norm(x, trm, trv, w, b, False),
            rand(*shape), rand(c, seed=1), rand(c, seed=2))
    compare(lambda x: BF.batch_norm(x, None, None, training=True), lambda x: TF.batch_norm(x, None, None, training=True),
            rand(*shape))


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("affine,track", [(True, True), (False, True), (True, False)])
def test_batch_norm2d_module_trains_and_evaluates_like_torch(momentum, affine, track):
    tm = torch.nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track)
    bm = bridge.nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track)
    assert repr(bm) == repr(tm)
    for step in range(3):
        compare(bm, tm, rand(4, 3, 5, 2, seed=step, dtype=np.float32), dtype=np.float32)
    assert sorted(dict(bm.named_buffers())) == sorted(dict(tm.named_buffers()))
    for (name, b), (_, t) in zip(sorted(bm.named_buffers()), sorted(tm.named_buffers())):
        np.testing.assert_allclose(b.numpy(), t.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    bm.eval()
    tm.eval()
    compare(bm, tm, rand(2, 3, 4, 4, seed=9, dtype=np.float32), dtype=np.float32)


def test_batch_norm1d_module_matches_torch():
    tm, bm = torch.nn.BatchNorm1d(4), bridge.nn.BatchNorm1d(4)
    compare(bm, tm, rand(5, 4, dtype=np.float32), dtype=np.float32)
    compare(bm, tm, rand(5, 4, 3, seed=1, dtype=np.float32), dtype=np.float32)
    np.testing.assert_allclose(bm.running_var.numpy(), tm.running_var.numpy(), rtol=1e-5)
    assert int(bm.num_batches_tracked.item()) == 2
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        bm(bridge.zeros(2, 4, 3, 3))
    with pytest.raises(RuntimeError, match="Expected more than 1 value per channel"):
        bm(bridge.zeros(1, 4))


@pytest.mark.parametrize("groups,shape", [(1, (2, 4, 3)), (2, (2, 4, 3, 3)), (4, (3, 4, 5)), (3, (2, 6))])
def test_group_norm_matches_torch(groups, shape):
    c = shape[1]
    compare(lambda x, w, b: BF.group_norm(x, groups, w, b, 1e-4), lambda x, w, b: TF.group_norm(x, groups, w, b, 1e-4),
            rand(*shape), rand(c, seed=1), rand(c, seed=2))
    tm, bm = torch.nn.GroupNorm(groups, c), bridge.nn.GroupNorm(groups, c)
    compare(bm, tm, rand(*shape, dtype=np.float32), dtype=np.float32)
    assert repr(bm) == repr(tm)


def test_dropout2d_draws_like_torch():
    torch.manual_seed(11)
    bridge.manual_seed(11)
    x = rand(4, 5, 3, 3, dtype=np.float32)
    compare(lambda t: BF.dropout2d(t, 0.4), lambda t: TF.dropout2d(t, 0.4), x, dtype=np.float32)
    tm, bm = torch.nn.Dropout2d(0.3), bridge.nn.Dropout2d(0.3)
    compare(bm, tm, x, dtype=np.float32)
    tm.eval()
    bm.eval()
    compare(bm, tm, x, dtype=np.float32)
    assert repr(bm) == repr(tm)


PAD_CASES = [
    ((1, 2), "constant"), ((1, 2, 0, 3), "constant"), ((-1, 2, 1, -2), "constant"), ((1, 1, 2, 0, 1, 1), "constant"),
    ((2, 1, 1, 2), "reflect"), ((1, 2, 2, 1), "replicate"), ((2, 1, 1, 3), "circular"),
]


@pytest.mark.parametrize("pad,mode", PAD_CASES)
def test_pad_matches_torch(pad, mode):
    compare(lambda x: BF.pad(x, pad, mode), lambda x: TF.pad(x, pad, mode), rand(2, 3, 4, 5))
    if mode == "constant":
        compare(lambda x: BF.pad(x, pad, value=1.5), lambda x: TF.pad(x, pad, value=1.5), rand(2, 3, 4, 5))


@pytest.mark.parametrize("pad,mode", [((2, 1), "reflect"), ((1, 3), "replicate"), ((2, 3), "circular")])
def test_pad_3d_modes_match_torch(pad, mode):
    compare(lambda x: BF.pad(x, pad, mode), lambda x: TF.pad(x, pad, mode), rand(2, 3, 5))


def test_pad_errors_match_torch():
    for pad, mode, shape in [((5, 5, 0, 0), "reflect", (1, 1, 3, 3)), ((1,), "constant", (2, 2)),
                             ((1, 1), "reflect", (4,))]:
        with pytest.raises(Exception) as expected:
            TF.pad(torch.zeros(shape), pad, mode)
        with pytest.raises(type(expected.value)) as got:
            BF.pad(bridge.zeros(shape), pad, mode)
        assert str(got.value) == str(expected.value)


INTERP_CASES = [
    dict(size=(6, 9)), dict(scale_factor=2), dict(size=(5, 3)), dict(scale_factor=(1.5, 0.5)), dict(size=(7, 10)),
    dict(size=(6, 9), mode="bilinear"), dict(size=(6, 9), mode="bilinear", align_corners=True),
    dict(scale_factor=2, mode="bilinear"), dict(size=(3, 2), mode="bilinear"),
    dict(size=(3, 2), mode="bilinear", align_corners=True), dict(scale_factor=1.7, mode="bilinear"),
    dict(size=(1, 1), mode="bilinear", align_corners=True),
]


@pytest.mark.parametrize("case", INTERP_CASES, ids=[str(i) for i in range(len(INTERP_CASES))])
def test_interpolate_matches_torch(case):
    compare(lambda x: BF.interpolate(x, **case), lambda x: TF.interpolate(x, **case), rand(2, 3, 4, 5))
    compare(lambda x: BF.interpolate(x, **case), lambda x: TF.interpolate(x, **case), rand(2, 3, 4, 5, dtype=np.float32),
            dtype=np.float32)


@pytest.mark.parametrize("case", [dict(size=7), dict(scale_factor=3), dict(size=4, mode="linear"),
                                  dict(size=9, mode="linear", align_corners=True)])
def test_interpolate_1d_matches_torch(case):
    compare(lambda x: BF.interpolate(x, **case), lambda x: TF.interpolate(x, **case), rand(2, 3, 5))


def test_upsample_module_matches_torch():
    tm, bm = torch.nn.Upsample(scale_factor=2, mode="nearest"), bridge.nn.Upsample(scale_factor=2, mode="nearest")
    compare(bm, tm, rand(1, 2, 3, 3))
    assert repr(bm) == repr(tm)
    tm, bm = torch.nn.Upsample(size=(5, 4), mode="bilinear"), bridge.nn.Upsample(size=(5, 4), mode="bilinear")
    compare(bm, tm, rand(1, 2, 3, 3))


@pytest.mark.parametrize("case", [dict(kernel_size=2), dict(kernel_size=(3, 2), stride=2, padding=1),
                                  dict(kernel_size=2, dilation=2, padding=(0, 1), stride=(1, 2))])
def test_unfold_and_fold_match_torch(case):
    compare(lambda x: BF.unfold(x, **case), lambda x: TF.unfold(x, **case), rand(2, 3, 6, 5))
    cols = TF.unfold(torch.zeros(2, 3, 6, 5), **case)
    compare(lambda c: BF.fold(c, (6, 5), **case), lambda c: TF.fold(c, (6, 5), **case), rand(*cols.shape))
    compare(lambda c: bridge.nn.Fold((6, 5), **case)(c), lambda c: torch.nn.Fold((6, 5), **case)(c), rand(*cols.shape))


def test_integer_input_is_refused_as_torch_does():
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        BF.max_pool2d(bridge.zeros(1, 1, 4, 4, dtype=bridge.int64), 2)
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        BF.conv2d(bridge.zeros(1, 1, 4, 4, dtype=bridge.int64), bridge.zeros(1, 1, 2, 2, dtype=bridge.int64))

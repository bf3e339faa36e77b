"""Creation (legacy constructors, new_*, *_like, logspace, type()) and random draws (Generator objects,
generator=, multinomial, normal with tensors, exponential_, bernoulli) against PyTorch 1.13's CPU draws."""

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same


def same_values(b, t):
    assert tuple(b.shape) == tuple(t.shape)
    assert str(b.dtype) == str(t.dtype).replace("torch.", "torch."), (b.dtype, t.dtype)
    np.testing.assert_array_equal(b.numpy(), t.numpy())


# ---- legacy constructors and new_* ---------------------------------------------------------------------

def test_legacy_tensor_constructor():
    same_values(bridge.Tensor([[1, 2], [3, 4]]), torch.Tensor([[1, 2], [3, 4]]))
    assert tuple(bridge.Tensor(2, 3).shape) == (2, 3) and bridge.Tensor(2, 3).dtype == bridge.float32
    assert tuple(bridge.Tensor().shape) == (0,)
    assert tuple(bridge.Tensor(bridge.Size([4, 1])).shape) == (4, 1)
    same_values(bridge.FloatTensor([1.5, 2]), torch.FloatTensor([1.5, 2]))
    same_values(bridge.LongTensor([1, 2, 3]), torch.LongTensor([1, 2, 3]))
    same_values(bridge.DoubleTensor(2, 2).zero_(), torch.DoubleTensor(2, 2).zero_())
    assert isinstance(bridge.LongTensor([1]), bridge.LongTensor) and not isinstance(bridge.LongTensor([1]), bridge.FloatTensor)
    assert isinstance(bridge.zeros(2), bridge.Tensor)


def test_type_names_and_conversions():
    x = bridge.tensor([1.7, -2.2])
    t = torch.tensor([1.7, -2.2])
    assert x.type() == t.type() == "torch.FloatTensor"
    same_values(x.type(bridge.int64), t.type(torch.int64))
    same_values(x.type("torch.LongTensor"), t.type("torch.LongTensor"))
    same_values(x.type(bridge.DoubleTensor), t.type(torch.DoubleTensor))
    assert x.long().type() == "torch.LongTensor"
    with pytest.raises(ValueError):
        x.type("torch.NoSuchTensor")


def test_new_methods_keep_dtype_and_device():
    for b, t in [(bridge.zeros(2, dtype=bridge.float64), torch.zeros(2, dtype=torch.float64)),
                 (bridge.zeros(2, dtype=bridge.int64), torch.zeros(2, dtype=torch.int64))]:
        same_values(b.new_zeros(2, 3), t.new_zeros(2, 3))
        same_values(b.new_ones((3,)), t.new_ones((3,)))
        same_values(b.new_full((2, 2), 7), t.new_full((2, 2), 7))
        same_values(b.new_tensor([1, 2]), t.new_tensor([1, 2]))
        assert b.new_empty(4).shape == t.new_empty(4).shape and b.new_empty(4).dtype.name == str(t.dtype)[6:]
    same_values(bridge.zeros(1).new_zeros(2, dtype=bridge.int64), torch.zeros(1).new_zeros(2, dtype=torch.int64))


def test_like_functions_and_logspace():
    x = bridge.zeros(2, 3, dtype=bridge.float64)
    t = torch.zeros(2, 3, dtype=torch.float64)
    for name in ("zeros_like", "ones_like", "empty_like"):
        b, r = getattr(bridge, name)(x), getattr(torch, name)(t)
        assert tuple(b.shape) == tuple(r.shape) and str(b.dtype) == str(r.dtype)
    same_values(bridge.full_like(x, 2.5), torch.full_like(t, 2.5))
    for args in [(0, 3, 7), (-2.5, 1.25, 11), (1, 0, 5), (0, 2, 1), (0, 1, 0)]:
        same_values(bridge.logspace(*args), torch.logspace(*args))
        same_values(bridge.logspace(*args, base=2, dtype=bridge.float64), torch.logspace(*args, base=2, dtype=torch.float64))
        same_values(bridge.linspace(*args), torch.linspace(*args))
        same_values(bridge.linspace(*args, dtype=bridge.float64), torch.linspace(*args, dtype=torch.float64))


# ---- generators ----------------------------------------------------------------------------------------

def test_generator_objects_reproduce_torch_streams():
    gb, gt = bridge.Generator().manual_seed(123), torch.Generator().manual_seed(123)
    same_values(bridge.rand(5, generator=gb), torch.rand(5, generator=gt))
    same_values(bridge.randn(3, 7, generator=gb), torch.randn(3, 7, generator=gt))
    same_values(bridge.randint(0, 10, (6,), generator=gb), torch.randint(0, 10, (6,), generator=gt))
    same_values(bridge.randperm(9, generator=gb), torch.randperm(9, generator=gt))
    same_values(bridge.empty(20).normal_(1, 2, generator=gb), torch.empty(20).normal_(1, 2, generator=gt))
    same_values(bridge.empty(5, dtype=bridge.float64).uniform_(-1, 1, generator=gb),
                torch.empty(5, dtype=torch.float64).uniform_(-1, 1, generator=gt))
    assert gb.initial_seed() == gt.initial_seed() == 123


def test_generator_state_round_trip_and_independence_from_default():
    bridge.manual_seed(0)
    g = bridge.Generator().manual_seed(5)
    state = g.get_state()
    a = bridge.rand(4, generator=g)
    g.set_state(state)
    assert bridge.equal(a, bridge.rand(4, generator=g))
    assert bridge.equal(bridge.rand(3), (torch.manual_seed(0), bridge.tensor(torch.rand(3).tolist()))[1])
    # a torch state restores a bridge generator, and the other way round
    gt = torch.Generator().manual_seed(77)
    torch.rand(3, generator=gt)
    g.set_state(gt.get_state())
    same_values(bridge.rand(6, generator=g), torch.rand(6, generator=gt))
    assert bridge.default_generator.initial_seed() == 0
    assert bridge.manual_seed(4) == bridge.default_generator


# ---- samplers ------------------------------------------------------------------------------------------

PROBS = [[0.1, 0.2, 0.3, 0.4], [5.0, 0.0, 1.0, 1.0, 3.0, 0.5]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("n", [1, 3])
def test_multinomial_matches_torch(dtype, replacement, n):
    for probs in PROBS:
        for seed in range(5):
            pb = bridge.tensor(probs, dtype=getattr(bridge, dtype))
            pt = torch.tensor(probs, dtype=getattr(torch, dtype))
            bridge.manual_seed(seed)
            torch.manual_seed(seed)
            same_values(bridge.multinomial(pb, n, replacement), torch.multinomial(pt, n, replacement))
            same_values(pb.multinomial(n, replacement=replacement), pt.multinomial(n, replacement=replacement))
    rows = np.random.default_rng(1).uniform(size=(4, 50)).astype(dtype)
    gb, gt = bridge.Generator().manual_seed(11), torch.Generator().manual_seed(11)
    same_values(bridge.multinomial(bridge.from_numpy(rows), n, replacement, generator=gb),
                torch.multinomial(torch.from_numpy(rows), n, replacement, generator=gt))


def test_multinomial_many_samples_with_replacement_like_makemore():
    p = torch.rand(27, generator=torch.Generator().manual_seed(3))
    p = p / p.sum()
    gb, gt = bridge.Generator().manual_seed(2147483647), torch.Generator().manual_seed(2147483647)
    same_values(bridge.multinomial(bridge.tensor(p.tolist()), 500, replacement=True, generator=gb),
                torch.multinomial(p, 500, replacement=True, generator=gt))


def test_multinomial_errors_match_torch():
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size\\(-1\\) samples without replacement"):
        bridge.multinomial(bridge.tensor([0.5, 0.5]), 3)
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        bridge.multinomial(bridge.tensor([0.5, -0.5]), 1)
    with pytest.raises(RuntimeError, match="invalid multinomial distribution \\(sum of probabilities <= 0\\)"):
        bridge.multinomial(bridge.tensor([0.0, 0.0]), 1)
    with pytest.raises(RuntimeError, match="prob_dist must be 1 or 2 dim"):
        bridge.multinomial(bridge.ones(2, 2, 2), 1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_with_tensor_arguments(dtype):
    mean = np.linspace(-3, 3, 20).astype(dtype)
    std = np.linspace(0.1, 2, 20).astype(dtype)
    for make in [lambda lib, m, s: lib.normal(m, s), lambda lib, m, s: lib.normal(m, 0.5),
                 lambda lib, m, s: lib.normal(2.0, s), lambda lib, m, s: lib.normal(m.reshape(4, 5), s[:5]),
                 lambda lib, m, s: lib.normal(0.5, 2.0, (3, 7))]:
        bridge.manual_seed(9)
        torch.manual_seed(9)
        b = make(bridge, bridge.from_numpy(mean.copy()), bridge.from_numpy(std.copy()))
        t = make(torch, torch.from_numpy(mean.copy()), torch.from_numpy(std.copy()))
        assert_same(b, t)  # rounding of the mul/add: torch's
        np.testing.assert_array_equal(b.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exponential_bernoulli_randint_like(dtype):
    gb, gt = bridge.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    same_values(bridge.empty(40, dtype=getattr(bridge, dtype)).exponential_(2.5, generator=gb),
                torch.empty(40, dtype=getattr(torch, dtype)).exponential_(2.5, generator=gt))
    p = np.random.default_rng(0).uniform(size=(5, 6)).astype(dtype)
    same_values(bridge.bernoulli(bridge.from_numpy(p.copy()), generator=gb), torch.bernoulli(torch.from_numpy(p.copy()), generator=gt))
    bridge.manual_seed(3)
    torch.manual_seed(3)
    same_values(bridge.randint_like(bridge.zeros(3, 4, dtype=getattr(bridge, dtype)), 3, 9),
                torch.randint_like(torch.zeros(3, 4, dtype=getattr(torch, dtype)), 3, 9))

"""nll_loss's mean and sum bit for bit as torch 1.13's CPU kernel adds them up (eight cascade levels of 16+ rows, then
the levels in order), with and without class weights and ignored targets; cross_entropy follows."""

import numpy as np
import pytest

import bridge
import torch


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nll_loss_reductions_match_torch_bitwise(reduction, weighted, dtype):
    rng = np.random.default_rng(7)
    for n in [1, 2, 15, 16, 17, 40, 257, 1000, 70000]:
        logp = torch.log_softmax(torch.tensor(rng.standard_normal((n, 13)).astype(dtype)), -1).numpy()
        target = rng.integers(0, 13, n)
        target[rng.random(n) < 0.1] = -100
        if n > 2:
            target[0] = 3  # keep at least one counted target
        weight = rng.random(13).astype(dtype) if weighted else None
        kw = dict(reduction=reduction, ignore_index=-100)
        want = torch.nn.functional.nll_loss(torch.tensor(logp), torch.tensor(target),
                                            weight=None if weight is None else torch.tensor(weight), **kw).numpy()
        got = bridge.nn.functional.nll_loss(bridge.tensor(logp), bridge.tensor(target),
                                            weight=None if weight is None else bridge.tensor(weight), **kw).numpy()
        assert got.dtype == want.dtype
        assert got.tobytes() == want.tobytes() or (np.isnan(got) and np.isnan(want)), (n, got, want)


def test_cross_entropy_of_a_language_model_batch_matches_torch_bitwise():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((40, 1782)).astype("float32")
    target = rng.integers(0, 1782, 40)
    want = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target)).item()
    got = bridge.nn.functional.cross_entropy(bridge.tensor(logits), bridge.tensor(target)).item()
    assert got == want

"""torch.optim.LBFGS against torch 1.13: the same iterates (to float32 rounding of the dot products) on a small
least-squares + tanh problem, with and without the strong-Wolfe line search, over several step() calls."""

import numpy as np
import pytest
import torch

import bridge


def _problem(module):
    rng = np.random.default_rng(0)
    x = module.tensor(rng.standard_normal((32, 4)).astype(np.float32))
    y = module.tensor(rng.standard_normal((32, 1)).astype(np.float32))
    w = module.tensor(rng.standard_normal((4, 1)).astype(np.float32) * 0.1, requires_grad=True)
    b = module.tensor(np.zeros(1, np.float32), requires_grad=True)
    return x, y, [w, b]


# Few iterations per step: near convergence, whether |loss - prev_loss| < 1e-9 stops the loop depends on the
# last ulp of the loss (tanh and matmul round differently here and in torch: measured 1e-7 relative), so the
# comparison stays in the part of the run where both take the same decisions.
@pytest.mark.parametrize("kwargs", [dict(lr=0.8, max_iter=5), dict(lr=1, line_search_fn="strong_wolfe", max_iter=4),
                                    dict(lr=0.5, history_size=3, max_iter=6)])
def test_lbfgs_iterates_match_torch(kwargs):
    results = []
    for module in (bridge, torch):
        x, y, params = _problem(module)
        opt = module.optim.LBFGS(params, **kwargs)
        evals = []

        def closure():
            opt.zero_grad()
            loss = ((x.matmul(params[0]) + params[1]).tanh() - y).pow(2).mean()
            loss.backward()
            evals.append(loss.item())
            return loss

        losses = [opt.step(closure).item() for _ in range(2)]
        results.append((losses, evals, [p.detach().numpy().copy() for p in params],
                        opt.state[params[0]]["func_evals"], opt.state[params[0]]["n_iter"]))
    (lb, eb, pb, fb, nb), (lt, et, pt, ft, nt) = results
    assert (fb, nb) == (ft, nt)
    np.testing.assert_allclose(lb, lt, rtol=1e-5)
    np.testing.assert_allclose(eb, et, rtol=1e-5)
    for a, b in zip(pb, pt):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_lbfgs_refuses_groups():
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        bridge.optim.LBFGS([{"params": [bridge.zeros(1, requires_grad=True)]},
                            {"params": [bridge.zeros(1, requires_grad=True)]}])

"""Shared helpers of the bit-for-bit tests against torch 1.13's CPU: bit patterns with one NaN, the bitwise
assertions that name the first differing element, and the fixture that runs torch and bridge on the same
number of threads (torch's split between threads decides where loop tails fall and how partial sums meet)."""

import numpy as np
import pytest

import bridge
import torch


def bits(a):
    """Bit patterns, with every NaN made the same (torch and SLEEF differ only in NaN payloads nobody reads)."""
    a = np.array(a, copy=True).ravel()
    a[np.isnan(a)] = np.nan
    return a.view(np.int32 if a.dtype == np.float32 else np.int64)


def assert_bitwise(got, want, x, name):
    """got and want hold the same bits (NaNs aside); the message names the first difference and its input x."""
    g, w = bits(got), bits(want)
    assert g.shape == w.shape, f"{name}: shapes {np.shape(got)} and {np.shape(want)}"
    bad = np.nonzero(g != w)[0]
    if len(bad):
        i = bad[0]
        raise AssertionError(f"{name}: {len(bad)} of {len(g)} elements differ; first at {i}: x={np.ravel(x)[i]!r} "
                             f"bridge={np.ravel(got)[i]!r} torch={np.ravel(want)[i]!r}")


def same_bits(got, want, what):
    """Same shape, dtype and bytes (NaN payloads included)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, f"{what}: {got.shape} {got.dtype} vs {want.shape} {want.dtype}"
    bad = np.nonzero(got.ravel() != want.ravel())[0]
    assert got.tobytes() == want.tobytes(), f"{what}: {len(bad)} of {want.size} differ; first {bad[:3]}"


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request):
    """The same thread count in torch and bridge for the test, restored after it."""
    old_t, old_b = torch.get_num_threads(), bridge.get_num_threads()
    torch.set_num_threads(request.param)
    bridge.set_num_threads(request.param)
    yield request.param
    torch.set_num_threads(old_t)
    bridge.set_num_threads(old_b)

"""A million small ops from Python with bounded memory: handles, wrappers and storages are all reclaimed."""

import os

import bridge
from bridge import _lib


def rss_mib():
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def test_a_million_small_ops_keep_memory_flat():
    a = bridge.ones(4)
    b = bridge.ones(4)
    w = bridge.ones(4, requires_grad=True)
    for _ in range(20000):  # warm-up: allocator pools, JIT-free but caches fill
        c = a + b
    start = rss_mib()
    live_start = _lib.handles_live()
    for i in range(1_000_000):
        if i % 10 == 0:
            loss = (w * a).sum()  # with autograd graphs too
            loss.backward()
        else:
            c = a + b
    bridge._collect()
    growth = rss_mib() - start
    assert _lib.handles_live() - live_start < 300, "handles leak"
    assert growth < 64, f"memory grew by {growth:.1f} MiB over 10^6 ops"
    assert c.tolist() == [2.0] * 4

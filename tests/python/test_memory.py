"""A million small ops from Python with bounded memory: handles, wrappers and storages are all reclaimed."""

import os

import bridge
from bridge import _lib


def rss_mib():
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def growth_after_warmup(op, n):
    """MiB that RSS grows over n calls of op(i), after a warm-up round of n calls: median of the samples in the
    last tenth minus median of the first tenth. Pools filling up and other one-time plateaus happen in the
    warm-up, so they do not count; a leak grows steadily and does (64 bytes per op over n = 10^6 is ~55 MiB)."""
    for i in range(n):
        op(i)
    bridge._collect()
    every = n // 100
    samples = []
    for i in range(n):
        op(i)
        if i % every == 0:
            samples.append(rss_mib())
    tenth = len(samples) // 10
    first, last = sorted(samples[:tenth]), sorted(samples[-tenth:])
    return last[len(last) // 2] - first[len(first) // 2]


LEAK_BOUND_MIB = 16  # a 64-byte-per-op leak shows as ~55 MiB; the engine's loop measures ~0


def test_a_million_small_ops_keep_memory_flat():
    a = bridge.ones(4)
    b = bridge.ones(4)
    w = bridge.ones(4, requires_grad=True)
    out = {}

    def op(i):
        if i % 10 == 0:
            loss = (w * a).sum()  # with autograd graphs too
            loss.backward()
        else:
            out["c"] = a + b

    live_start = _lib.handles_live()
    growth = growth_after_warmup(op, 1_000_000)
    bridge._collect()
    assert _lib.handles_live() - live_start < 300, "handles leak"
    assert growth < LEAK_BOUND_MIB, f"memory grew by {growth:.1f} MiB over 10^6 ops after warm-up"
    assert out["c"].tolist() == [2.0] * 4


def test_the_flatness_measure_catches_a_64_byte_leak():
    kept = []

    def leaky(i):
        kept.append(bytearray(64))  # 64 bytes of payload (plus the object's header) per op, never freed

    assert growth_after_warmup(leaky, 1_000_000) > LEAK_BOUND_MIB


def test_threads_share_the_engine_safely():
    import threading
    errors = []

    def work(seed):
        try:
            x = bridge.full((3,), float(seed))
            for _ in range(20000):
                y = (x * 2 + 1).sum()
            assert y.item() == 3 * (2 * seed + 1)
            with bridge.no_grad():  # grad mode is per thread
                assert not bridge.is_grad_enabled()
        except Exception as e:  # surfaced below: an assertion in a thread would be lost
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert bridge.is_grad_enabled()

"""Where a 1-element ``a + b`` from Python spends its time (issue #22's Python call).

Times, per call, in CPU time of this process (fair on a shared machine), median of rounds: torch's ``a + b``,
Bridge's ``a + b`` and its parts: the operator's method called directly (no type-slot dispatch), the engine call
by handle with the result wrapped by bridge._core.wrap (Python) and dropped, and the Tensor wrapper's creation and
destruction alone (no engine handle).
Usage: python add_breakdown.py [--rounds N]   (torch and bridge in this one process, interleaved)
"""

import argparse
import os
import statistics
import time


def per_call(fn, n):
    t0 = time.process_time()
    fn(n)
    return (time.process_time() - t0) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--n", type=int, default=200000)
    args = ap.parse_args()
    import torch
    import bridge
    from bridge import _fast, _lib, _core
    torch.set_num_threads(1)
    bridge.set_num_threads(1)
    ta, tb = torch.ones(1), torch.ones(1)
    ba, bb = bridge.ones(1), bridge.ones(1)
    T = bridge.Tensor
    add_method = T.__add__

    def torch_add(n):
        for _ in range(n):
            ta + tb

    def bridge_add(n):
        for _ in range(n):
            ba + bb

    def bridge_method(n):
        for _ in range(n):
            add_method(ba, bb)

    op = _lib.op("add")
    ha, hb = ba._h, bb._h
    call_tt, wrap = _lib.call_tt, _core.wrap

    def engine_call(n):  # the op by handle, its result wrapped in Python and dropped (freed by the finalizer)
        for _ in range(n):
            wrap(call_tt(op, ha, hb))

    def wrapper_only(n):  # a Tensor object around a handle that stays alive (h=0: __del__ frees nothing)
        new = object.__new__
        for _ in range(n):
            t = new(T)
            t._h = 0
            t._meta = None
            del t

    def empty_loop(n):
        for _ in range(n):
            pass

    cases = {"torch a + b": torch_add, "bridge a + b": bridge_add, "bridge Tensor.__add__(a, b)": bridge_method,
             "bridge call_tt + Python wrap + drop": engine_call,
             "bridge wrapper alloc + dealloc (Python)": wrapper_only, "empty loop": empty_loop}
    results = {k: [] for k in cases}
    for r in range(args.rounds):
        for k, fn in (cases.items() if r % 2 == 0 else reversed(cases.items())):
            results[k].append(per_call(fn, args.n))
    print(f"load average {os.getloadavg()}, extension {'on' if _fast.enabled() else 'off'}, "
          f"{args.rounds} rounds x {args.n} calls, CPU time")
    base = statistics.median(results["torch a + b"])
    for k, v in results.items():
        m = statistics.median(v)
        print(f"{k:55s} {m * 1e9:8.0f} ns  {m / base:5.2f}x torch")


if __name__ == "__main__":
    main()

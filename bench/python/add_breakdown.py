"""Where a 1-element ``a + b`` from Python spends its time (issue #22's Python call).

Times, per call, in CPU time of this process (fair on a shared machine), median of rounds: torch's ``a + b``,
Bridge's ``a + b`` and its parts: the operator's method called directly (no type-slot dispatch), the engine call
alone (a handle in, a handle out, the handle freed), the Tensor wrapper's creation and destruction alone.
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
    call_tt, free = _lib.call_tt, _lib.handle_free

    def engine_call(n):  # the engine op and its handle, freed at once (through the extension when loaded)
        for _ in range(n):
            free(call_tt(op, ha, hb))

    def engine_free_only(n):  # the cost of freeing, to subtract: a handle made by detach (a view, no allocation)
        for _ in range(n):
            free(call_tt(op, ha, hb))

    wrap = T._wrap

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
             "bridge engine call + free (call_tt, handle_free)": engine_call,
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

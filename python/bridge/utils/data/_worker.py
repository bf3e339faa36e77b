"""The DataLoader's worker processes (started with spawn or forkserver: the engine cannot survive fork).

Each worker seeds its generators as torch's do (base_seed + worker_id), runs worker_init_fn, then answers
(batch index, indices) requests with (batch index, collated batch) pickled through the result queue; an
exception travels back as an _ExceptionWrapper and is re-raised in the main process.
"""

import queue
import random
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info = None


def get_worker_info():
    """In a worker process: its id, the number of workers, its seed and its dataset copy; None in the main process."""
    return _worker_info


class _ExceptionWrapper:
    """An exception from a worker, re-raised in the main process with the worker's traceback in its message."""

    def __init__(self, exc_type, where, text):
        self.exc_type, self.where, self.text = exc_type, where, text

    @classmethod
    def capture(cls, where):
        import sys
        exc_type = sys.exc_info()[0]
        return cls(exc_type, where, "".join(traceback.format_exception(*sys.exc_info())))

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.text}"
        try:
            exc = self.exc_type(msg)
        except Exception:
            exc = RuntimeError(msg)
        raise exc


class _IterableExhausted:
    """A worker's iterable dataset ran out."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def _seed_numpy(base_seed, worker_id):
    try:
        import numpy as np
    except ImportError:
        return
    np.random.seed(_generate_state(base_seed, worker_id))


def _generate_state(base_seed, worker_id):
    """torch 1.13's NumPy seed for a worker (its SeedSequence-like hash of base_seed and worker_id)."""
    INIT_A, MULT_A, INIT_B, MULT_B = 0x43b0d7e5, 0x931e8875, 0x8b51f9dd, 0x58f38ded
    MIX_MULT_L, MIX_MULT_R, XSHIFT = 0xca01f9dd, 0x4973f715, 4 * 8 // 2
    MASK32 = 0xFFFFFFFF
    entropy = [worker_id, base_seed & MASK32, base_seed >> 32, 0]
    pool = [0] * 4
    hash_const_A = INIT_A

    def hash(value):
        nonlocal hash_const_A
        value = (value ^ hash_const_A) & MASK32
        hash_const_A = (hash_const_A * MULT_A) & MASK32
        value = (value * hash_const_A) & MASK32
        value = (value ^ (value >> XSHIFT)) & MASK32
        return value

    def mix(x, y):
        result_x = (MIX_MULT_L * x) & MASK32
        result_y = (MIX_MULT_R * y) & MASK32
        result = (result_x - result_y) & MASK32
        result = (result ^ (result >> XSHIFT)) & MASK32
        return result

    for i in range(len(pool)):
        pool[i] = hash(entropy[i])
    for i_src in range(len(pool)):
        for i_dst in range(len(pool)):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash(pool[i_src]))
    hash_const_B = INIT_B
    state = []
    for i_dst in range(4):
        data_val = pool[i_dst]
        data_val = (data_val ^ hash_const_B) & MASK32
        hash_const_B = (hash_const_B * MULT_B) & MASK32
        data_val = (data_val * hash_const_B) & MASK32
        data_val = (data_val ^ (data_val >> XSHIFT)) & MASK32
        state.append(data_val)
    return state


def _worker_loop(dataset, is_iterable, auto_collation, collate_fn, drop_last, index_queue, result_queue,
                 base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    import bridge
    seed = base_seed + worker_id
    random.seed(seed)
    bridge.manual_seed(seed)
    _seed_numpy(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    init_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        iterator = iter(dataset) if is_iterable else None
    except Exception:
        init_error = _ExceptionWrapper.capture(f"in DataLoader worker process {worker_id}")
    exhausted = False
    while True:
        try:
            request = index_queue.get(timeout=5.0)
        except queue.Empty:
            continue
        if request is None:
            break
        idx, indices = request
        if init_error is not None:
            result_queue.put((idx, init_error))
            init_error = None
            exhausted = True
            continue
        if exhausted:
            result_queue.put((idx, _IterableExhausted(worker_id)))
            continue
        try:
            if is_iterable:
                data = _next_iterable(iterator, auto_collation, indices)
                if data is None:
                    exhausted = True
                    result_queue.put((idx, _IterableExhausted(worker_id)))
                    continue
                if auto_collation and drop_last and len(data) < len(indices):
                    exhausted = True
                    result_queue.put((idx, _IterableExhausted(worker_id)))
                    continue
            elif auto_collation:
                data = [dataset[i] for i in indices]
            else:
                data = dataset[indices]
            result = collate_fn(data)
        except Exception:
            result = _ExceptionWrapper.capture(f"in DataLoader worker process {worker_id}")
        result_queue.put((idx, result))

    result_queue.cancel_join_thread()


def _next_iterable(iterator, auto_collation, indices):
    """The next sample (or list of up to len(indices) samples); None when the iterator is exhausted."""
    if not auto_collation:
        try:
            return next(iterator)
        except StopIteration:
            return None
    data = []
    for _ in indices:
        try:
            data.append(next(iterator))
        except StopIteration:
            break
    return data if data else None

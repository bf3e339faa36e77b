"""torch.utils.data.DataLoader: batches from a dataset through a sampler and a collate function, in this process
or in worker processes (spawn or forkserver; batches come back pickled through a queue)."""

import itertools
import multiprocessing
import queue
import time

from ... import _fork, _generator
from . import _worker
from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

_POLL_S = 0.5  # how often a waiting main process checks that its workers are alive


class _InfiniteConstantSampler:
    """The sampler of an IterableDataset: yields None forever (the dataset decides when to stop)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Combines a dataset and a sampler and iterates over batches (torch 1.13's arguments and rules)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=2, persistent_workers=False,
                 pin_memory_device=""):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor != 2:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing.")
        if prefetch_factor <= 0:
            raise AssertionError("prefetch_factor should be positive")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory  # accepted; CPU batches need no pinning
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = "iterable"
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                                 f"batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = "map"
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._dataset_kind == "iterable":
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        return _MultiProcessIter(self)

    def __len__(self):
        if self._dataset_kind == "iterable":
            length = len(self.dataset)
            if self.batch_size is not None:
                from math import ceil
                length = length // self.batch_size if self.drop_last else ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseIter:
    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._auto_collation = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(loader._index_sampler)
        # torch draws the workers' base seed from the loader's generator for every iterator, workers or not
        self._base_seed = _generator.random_int64(loader.generator)
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _next_index(self):
        return next(self._sampler_iter)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._iterable = iter(self._dataset) if loader._dataset_kind == "iterable" else None
        self._ended = False

    def __next__(self):
        if self._ended:
            raise StopIteration
        index = self._next_index()
        if self._iterable is not None:
            data = _worker._next_iterable(self._iterable, self._auto_collation, index)
            if data is None or (self._auto_collation and self._loader.drop_last and len(data) < len(index)):
                self._ended = True
                raise StopIteration
        elif self._auto_collation:
            data = [self._dataset[i] for i in index]
        else:
            data = self._dataset[index]
        self._num_yielded += 1
        return self._collate_fn(data)


class _MultiProcessIter(_BaseIter):
    """Round-robin requests to num_workers processes, prefetch_factor batches each in flight, results reordered."""

    def __init__(self, loader):
        super().__init__(loader)
        context = loader.multiprocessing_context
        if context is None:
            context = multiprocessing.get_context("spawn")
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        if context.get_start_method() == "fork":  # the child could not use the engine: say so now, not from a worker
            raise RuntimeError("DataLoader(multiprocessing_context='fork'): " + _fork._MESSAGE)
        self._is_iterable = loader._dataset_kind == "iterable"
        self._timeout = loader.timeout
        self._result_queue = context.Queue()
        self._index_queues = []
        self._workers = []
        self._active = list(range(loader.num_workers))
        self._worker_cycle = itertools.cycle(range(loader.num_workers))
        for i in range(loader.num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()
            w = context.Process(target=_worker._worker_loop, daemon=True,
                                args=(self._dataset, self._is_iterable, self._auto_collation, self._collate_fn,
                                      loader.drop_last, index_queue, self._result_queue, self._base_seed,
                                      loader.worker_init_fn, i, loader.num_workers))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}  # batch index -> worker id (no result yet) or (worker id, result)
        self._tasks_outstanding = 0
        self._sampler_done = False
        self._shutdown = False
        for _ in range(loader.prefetch_factor * loader.num_workers):
            self._try_put_index()

    def _try_put_index(self):
        if self._sampler_done or not self._active:
            return
        try:
            index = self._next_index()
        except StopIteration:
            self._sampler_done = True
            return
        for _ in range(len(self._workers)):
            worker_id = next(self._worker_cycle)
            if worker_id in self._active:
                break
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_result(self):
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _POLL_S if deadline is None else max(0.0, min(_POLL_S, deadline - time.monotonic()))
            try:
                return self._result_queue.get(timeout=wait)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                if not any(not w.is_alive() for w in self._workers):
                    continue
                try:  # a worker that has just exited may still have results in the pipe: take them first
                    return self._result_queue.get(timeout=1.0)
                except queue.Empty:
                    pass
                # A worker whose iterable ended (no longer active) may exit cleanly; any other exit is a failure.
                dead = [w for i, w in enumerate(self._workers)
                        if not w.is_alive() and (w.exitcode != 0 or i in self._active)]
                if dead:
                    pids = ", ".join(str(w.pid) for w in dead)
                    codes = ", ".join(str(w.exitcode) for w in dead)
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly "
                                       f"(exit code(s) {codes})") from None

    def __next__(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or info[0] in self._active:
                    break
                del self._task_info[self._rcvd_idx]  # its worker's iterable ended
                self._rcvd_idx += 1
            else:
                self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                data = info[1]
                self._try_put_index()
                if isinstance(data, _worker._IterableExhausted):
                    self._mark_exhausted(data.worker_id)
                    continue
                return self._process(data)
            idx, data = self._get_result()
            self._tasks_outstanding -= 1
            if isinstance(data, _worker._IterableExhausted):
                self._mark_exhausted(data.worker_id)
                if idx == self._rcvd_idx:
                    del self._task_info[idx]
                    self._rcvd_idx += 1
                else:
                    self._task_info[idx] = (data.worker_id, data)
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
                continue
            del self._task_info[idx]
            self._rcvd_idx += 1
            self._try_put_index()
            return self._process(data)

    def _mark_exhausted(self, worker_id):
        if worker_id in self._active:
            self._active.remove(worker_id)
            self._index_queues[worker_id].put(None)

    def _process(self, data):
        self._num_yielded += 1
        if isinstance(data, _worker._ExceptionWrapper):
            self._shutdown_workers()
            data.reraise()
        return data

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        for q in self._index_queues:
            try:
                q.put(None)
            except Exception:
                pass
        for w in self._workers:
            w.join(timeout=5.0)
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues:
            q.close()
        self._result_queue.cancel_join_thread()
        self._result_queue.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass

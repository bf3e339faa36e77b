"""torch.utils.data against torch 1.13: the same permutations and batches from the same seeds (RandomSampler,
shuffle, random_split, SubsetRandomSampler, WeightedRandomSampler), default_collate's rules, worker processes."""

import collections
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import bridge
import bridge.utils.data as bud


def _as_list(batch):
    if isinstance(batch, (list, tuple)):
        return [_as_list(b) for b in batch]
    if isinstance(batch, dict):
        return {k: _as_list(v) for k, v in batch.items()}
    if hasattr(batch, "tolist"):
        return batch.tolist()
    return batch


def test_random_sampler_draws_torchs_permutations_across_epochs():
    bridge.manual_seed(42)
    torch.manual_seed(42)
    for n in (1, 7, 100):
        sb, st = bud.RandomSampler(range(n)), tud.RandomSampler(range(n))
        for _ in range(3):
            assert list(sb) == list(st)


def test_random_sampler_with_replacement_and_num_samples():
    for kwargs in (dict(replacement=True), dict(replacement=True, num_samples=70), dict(num_samples=25)):
        bridge.manual_seed(7)
        torch.manual_seed(7)
        assert list(bud.RandomSampler(range(10), **kwargs)) == list(tud.RandomSampler(range(10), **kwargs))
    gb, gt = bridge.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    assert list(bud.RandomSampler(range(9), generator=gb)) == list(tud.RandomSampler(range(9), generator=gt))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        bud.RandomSampler(range(3), num_samples=0)


def test_subset_random_and_weighted_samplers():
    gb, gt = bridge.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    idx = [10, 20, 30, 40, 50, 60]
    assert list(bud.SubsetRandomSampler(idx, gb)) == list(tud.SubsetRandomSampler(idx, gt))
    weights = [0.1, 0.5, 2.0, 0.0, 1.0, 0.3]
    for _ in range(2):
        assert list(bud.WeightedRandomSampler(weights, 40, generator=gb)) == \
            list(tud.WeightedRandomSampler(weights, 40, generator=gt))
    bridge.manual_seed(9)
    torch.manual_seed(9)
    assert list(bud.WeightedRandomSampler(weights, 15)) == list(tud.WeightedRandomSampler(weights, 15))


def test_batch_sampler_and_sequential():
    for drop_last in (False, True):
        b = list(bud.BatchSampler(bud.SequentialSampler(range(10)), 3, drop_last))
        t = list(tud.BatchSampler(tud.SequentialSampler(range(10)), 3, drop_last))
        assert b == t
        assert len(bud.BatchSampler(range(10), 3, drop_last)) == len(t)


def test_random_split_lengths_and_fractions_match_torch():
    for lengths in ([3, 7], [0.3, 0.7], [0.33, 0.33, 0.34]):
        sb = bud.random_split(range(10), lengths, generator=bridge.Generator().manual_seed(1))
        st = tud.random_split(range(10), lengths, generator=torch.Generator().manual_seed(1))
        assert [list(s) for s in sb] == [list(s) for s in st]
    bridge.manual_seed(4)
    torch.manual_seed(4)
    assert [s.indices for s in bud.random_split(range(12), [5, 7])] == [s.indices for s in tud.random_split(range(12), [5, 7])]
    with pytest.raises(ValueError, match="Sum of input lengths"):
        bud.random_split(range(10), [3, 3])


def test_datasets():
    x = np.arange(24, dtype=np.float32).reshape(12, 2)
    ds = bud.TensorDataset(bridge.tensor(x), bridge.arange(12))
    assert len(ds) == 12 and ds[3][0].tolist() == [6.0, 7.0] and ds[3][1].item() == 3
    cat = bud.ConcatDataset([range(3), range(10, 15)])
    assert len(cat) == 8 and [cat[i] for i in range(8)] == [0, 1, 2, 10, 11, 12, 13, 14] and cat[-1] == 14
    sub = bud.Subset(range(100), [5, 6, 7])
    assert len(sub) == 3 and sub[1] == 6
    with pytest.raises(AssertionError, match="Size mismatch"):
        bud.TensorDataset(bridge.zeros(3), bridge.zeros(4))


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("sample", [
    lambda m: m.tensor([1.0, 2.0]),
    lambda m: 3.5,
    lambda m: 7,
    lambda m: np.array([1, 2, 3], dtype=np.int64),
    lambda m: np.float64(2.5),
    lambda m: "text",
    lambda m: {"a": m.tensor([1.0]), "b": 2},
    lambda m: (m.tensor([1.0]), 2),
    lambda m: [m.tensor([1.0]), 2.0],
    lambda m: Point(m.tensor([1.0]), 4),
])
def test_default_collate_matches_torch(sample):
    batch_b = [sample(bridge) for _ in range(3)]
    batch_t = [sample(torch) for _ in range(3)]
    rb, rt = bud.default_collate(batch_b), tud.default_collate(batch_t)
    assert type(rb).__name__ == type(rt).__name__
    assert _as_list(rb) == _as_list(rt)
    if hasattr(rt, "dtype"):
        assert str(rb.dtype).split(".")[-1] == str(rt.dtype).split(".")[-1]


def test_dataloader_shuffle_matches_torch_batches_over_epochs():
    x = np.random.default_rng(0).standard_normal((23, 3)).astype(np.float32)
    y = np.arange(23)
    lb = bud.DataLoader(bud.TensorDataset(bridge.tensor(x), bridge.tensor(y)), batch_size=5, shuffle=True)
    lt = tud.DataLoader(tud.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=5, shuffle=True)
    bridge.manual_seed(123)
    torch.manual_seed(123)
    for _ in range(3):
        got = [(_as_list(xb), _as_list(yb)) for xb, yb in lb]
        want = [(_as_list(xb), _as_list(yb)) for xb, yb in lt]
        assert got == want
    assert len(lb) == len(lt) == 5
    # the default generator's stream after the epochs is the same too
    assert bridge.rand(3).tolist() == torch.rand(3).tolist()


def test_dataloader_options():
    ds = list(range(10))
    assert _as_list(list(bud.DataLoader(ds, batch_size=4, drop_last=True))) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert list(bud.DataLoader(ds, batch_size=None))[:3] == [0, 1, 2]
    bs = bud.BatchSampler(bud.SequentialSampler(ds), 3, False)
    assert _as_list(list(bud.DataLoader(ds, batch_sampler=bs, collate_fn=lambda b: b))) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    g = bridge.Generator().manual_seed(0)
    got = _as_list(list(bud.DataLoader(ds, batch_size=3, shuffle=True, generator=g, pin_memory=True)))
    want = _as_list(list(tud.DataLoader(ds, batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(0))))
    assert got == want
    with pytest.raises(ValueError, match="mutually exclusive"):
        bud.DataLoader(ds, sampler=bs, shuffle=True)


class _Squares(bud.Dataset):
    def __len__(self):
        return 11

    def __getitem__(self, i):
        info = bud.get_worker_info()
        return {"x": bridge.tensor([float(i * i)]), "worker": -1 if info is None else info.id}


class _Counting(bud.IterableDataset):
    def __iter__(self):
        info = bud.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, 13, step))


class _Failing(bud.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise KeyError("sample 2 is broken")
        return i


def test_worker_processes_return_the_same_batches_in_order():
    single = [_as_list(b["x"]) for b in bud.DataLoader(_Squares(), batch_size=3)]
    loader = bud.DataLoader(_Squares(), batch_size=3, num_workers=2)
    batches = list(loader)
    assert [_as_list(b["x"]) for b in batches] == single
    assert sorted({w for b in batches for w in b["worker"].tolist()}) == [0, 1]


def test_iterable_dataset_with_workers_and_forkserver():
    loader = bud.DataLoader(_Counting(), batch_size=4, num_workers=2, multiprocessing_context="forkserver")
    values = sorted(v for b in loader for v in b.tolist())
    assert values == list(range(13))
    assert sorted(v for b in bud.DataLoader(_Counting(), batch_size=4) for v in b.tolist()) == list(range(13))


def test_worker_exception_is_reraised_in_the_main_process():
    with pytest.raises(KeyError, match="sample 2 is broken"):
        list(bud.DataLoader(_Failing(), batch_size=1, num_workers=2))


def test_worker_numpy_seed_matches_torchs_formula():
    from torch.utils.data._utils.worker import _generate_state as torch_state
    from bridge.utils.data._worker import _generate_state
    for base, wid in ((0, 0), (12345678901234, 3), (2**62 + 17, 7)):
        assert _generate_state(base, wid) == torch_state(base, wid)


def test_forked_child_refuses_the_engine_with_a_clear_error_instead_of_hanging():
    code = textwrap.dedent("""
        import os, sys
        import bridge
        x = bridge.ones(1000)
        pid = os.fork()
        if pid == 0:
            try:
                bridge.zeros(3) + 1
            except RuntimeError as e:
                ok = "spawn" in str(e) and "forkserver" in str(e)
                os._exit(0 if ok else 2)
            os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        # the parent still works, and a child that never touches bridge exits cleanly (finalizers are no-ops)
        assert (x.sum() + 1).item() == 1001.0
        pid = os.fork()
        if pid == 0:
            del x
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_fork_context_dataloader_fails_clearly_not_hangs():
    code = textwrap.dedent("""
        import bridge
        from bridge.utils.data import DataLoader, TensorDataset
        ds = TensorDataset(bridge.arange(10))
        try:
            list(DataLoader(ds, batch_size=2, num_workers=1, multiprocessing_context="fork"))
        except RuntimeError as e:
            print("refused" if "spawn" in str(e) else "other: " + str(e)[:200])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert out.stdout.strip() == "refused", out.stderr[-2000:]

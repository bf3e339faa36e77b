"""Every collective against its definition, on each dtype and on sizes that break vector tails and message
protocols (1, 17, 1025, 4M elements). Expected values are computed with NumPy from what every rank contributed."""

import os

import numpy as np
import pytest

import bridge as torch
import bridge.distributed as dist
from bridge.distributed import ReduceOp

DTYPES = {"float32": (torch.float32, np.float32), "float64": (torch.float64, np.float64),
          "int64": (torch.int64, np.int64), "bool": (torch.bool, np.bool_)}
SIZES = [1, 17, 1025]


def contribution(rank, n, np_dtype, salt=0):
    """What rank `rank` contributes: distinct per rank, with negatives, small enough that products stay exact."""
    i = np.arange(n)
    if np_dtype == np.bool_:
        return ((i + rank + salt) % 3 == 0)
    values = ((i * 7 + rank * 5 + salt) % 11) - 5 + rank
    if np.issubdtype(np_dtype, np.floating):
        return values.astype(np_dtype) / np_dtype(2)  # halves: exact, and not integers
    return values.astype(np_dtype)


def reference(op, arrays):
    stack = np.stack(arrays)
    if stack.dtype == np.bool_:
        return {ReduceOp.SUM: stack.any(0), ReduceOp.MAX: stack.any(0), ReduceOp.PRODUCT: stack.all(0),
                ReduceOp.MIN: stack.all(0)}[op]
    if op == ReduceOp.SUM:
        return stack.sum(0, dtype=stack.dtype)
    if op == ReduceOp.AVG:
        return (stack.sum(0, dtype=stack.dtype) / np.array(len(arrays), dtype=stack.dtype)).astype(stack.dtype)
    if op == ReduceOp.PRODUCT:
        return stack.prod(0, dtype=stack.dtype)
    return stack.min(0) if op == ReduceOp.MIN else stack.max(0)


def world():
    return dist.get_rank(), dist.get_world_size()


def test_rank_and_size_come_from_the_launcher():
    rank, size = world()
    assert dist.is_initialized()
    assert (rank, size) == (int(os.environ["OMPI_COMM_WORLD_RANK"]), int(os.environ["OMPI_COMM_WORLD_SIZE"]))
    assert size == 2
    assert dist.get_backend() == "mpi"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(ReduceOp), ids=lambda o: o.name)
@pytest.mark.parametrize("n", SIZES)
def test_all_reduce_matches_definition(dtype, op, n):
    rank, size = world()
    tdtype, np_dtype = DTYPES[dtype]
    if op == ReduceOp.AVG and np_dtype in (np.int64, np.bool_):
        with pytest.raises(RuntimeError, match="AVG"):
            dist.all_reduce(torch.from_numpy(contribution(rank, n, np_dtype)), op=op)
        return
    t = torch.from_numpy(contribution(rank, n, np_dtype).copy())
    dist.all_reduce(t, op=op)
    expected = reference(op, [contribution(r, n, np_dtype) for r in range(size)])
    np.testing.assert_array_equal(t.numpy(), expected)


def test_all_reduce_large_message_and_2d_shape():
    rank, size = world()
    t = torch.full((1024, 4096), float(rank + 1))  # 16 MiB: past every eager/rendezvous threshold
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True
    assert work.is_completed()
    np.testing.assert_array_equal(t.numpy(), np.full((1024, 4096), sum(range(1, size + 1)), np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("src", [0, 1])
def test_broadcast_copies_src(dtype, src):
    rank, _ = world()
    tdtype, np_dtype = DTYPES[dtype]
    t = torch.from_numpy(contribution(rank, 17, np_dtype).copy())
    dist.broadcast(t, src=src)
    np.testing.assert_array_equal(t.numpy(), contribution(src, 17, np_dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_all_gather_collects_every_rank(dtype):
    rank, size = world()
    tdtype, np_dtype = DTYPES[dtype]
    outputs = [torch.zeros(3, 5, dtype=tdtype) for _ in range(size)]
    dist.all_gather(outputs, torch.from_numpy(contribution(rank, 15, np_dtype).reshape(3, 5)))
    for r in range(size):
        np.testing.assert_array_equal(outputs[r].numpy(), contribution(r, 15, np_dtype).reshape(3, 5))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("op", [ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT], ids=lambda o: o.name)
def test_reduce_scatter_reduces_each_ranks_slot(dtype, op):
    rank, size = world()
    tdtype, np_dtype = DTYPES[dtype]
    inputs = [torch.from_numpy(contribution(rank, 9, np_dtype, salt=slot)) for slot in range(size)]
    output = torch.zeros(9, dtype=tdtype)
    dist.reduce_scatter(output, inputs, op=op)
    expected = reference(op, [contribution(r, 9, np_dtype, salt=rank) for r in range(size)])
    np.testing.assert_array_equal(output.numpy(), expected)


def test_reduce_scatter_avg():
    rank, size = world()
    inputs = [torch.full((4,), float(rank * 10 + slot)) for slot in range(size)]
    output = torch.zeros(4)
    dist.reduce_scatter(output, inputs, op=ReduceOp.AVG)
    np.testing.assert_array_equal(output.numpy(), np.full(4, np.mean([r * 10 + rank for r in range(size)]), np.float32))


def test_send_recv_both_directions():
    rank, _ = world()
    peer = 1 - rank
    payload = torch.arange(6, dtype=torch.float64) * (rank + 1)
    got = torch.zeros(6, dtype=torch.float64)
    if rank == 0:
        dist.send(payload, dst=peer, tag=7)
        sender = dist.recv(got, src=peer, tag=8)
    else:
        sender = dist.recv(got, src=None, tag=7)  # any source
        dist.send(payload, dst=peer, tag=8)
    assert sender == peer
    np.testing.assert_array_equal(got.numpy(), np.arange(6.0) * (peer + 1))


def test_isend_irecv_return_works():
    rank, _ = world()
    peer = 1 - rank
    out = torch.full((5,), rank, dtype=torch.int64)
    into = torch.zeros(5, dtype=torch.int64)
    works = [dist.isend(out, dst=peer), dist.irecv(into, src=peer)]
    for w in works:
        assert w.wait()
    assert works[1]._source_rank() == peer
    np.testing.assert_array_equal(into.numpy(), np.full(5, peer))


def test_async_ops_complete_in_any_wait_order():
    rank, size = world()
    a, b = torch.ones(100) * rank, torch.ones(100) * (rank + 10)
    wa = dist.all_reduce(a, async_op=True)
    wb = dist.all_reduce(b, op=ReduceOp.MAX, async_op=True)
    wbar = dist.barrier(async_op=True)
    wb.wait()
    wa.wait()
    wbar.wait()
    np.testing.assert_array_equal(a.numpy(), np.full(100, sum(range(size)), np.float32))
    np.testing.assert_array_equal(b.numpy(), np.full(100, size - 1 + 10, np.float32))


def test_new_group_members_and_non_members():
    rank, size = world()
    solo = dist.new_group([0])
    pair = dist.new_group([1, 0])
    t = torch.tensor([rank + 1.0])
    if rank == 0:
        dist.all_reduce(t, group=solo)  # a group of one: the value itself
        solo_result = (dist.get_rank(solo), dist.get_world_size(solo), t.item())
    else:
        assert dist.all_reduce(t, group=solo) is None  # not a member: skipped, as torch does
        solo_result = (dist.get_rank(solo), dist.get_world_size(solo), t.item())
    u = torch.tensor([rank + 1.0])
    dist.all_reduce(u, group=pair)
    if rank == 0:
        assert solo is not dist.GroupMember.NON_GROUP_MEMBER
        assert solo_result == (0, 1, 1.0)
    else:
        assert solo is dist.GroupMember.NON_GROUP_MEMBER
        assert solo_result == (-1, -1, 2.0)
    assert (dist.get_rank(pair), dist.get_world_size(pair)) == (rank, size)
    assert u.item() == 3.0


def test_barrier_and_bad_arguments_raise_clearly():
    dist.barrier()
    with pytest.raises(RuntimeError, match="contiguous"):
        dist.all_reduce(torch.zeros(4, 4).t())
    with pytest.raises(RuntimeError, match="Invalid src 5"):
        dist.broadcast(torch.zeros(2), src=5)
    with pytest.raises(RuntimeError, match="one tensor per rank"):
        dist.all_gather([torch.zeros(2)], torch.zeros(2))
    with pytest.raises(RuntimeError, match="twice"):
        dist.init_process_group("mpi")
    dist.barrier()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device (or emulator: BRIDGE_CUDA_DRIVER) here")
def test_cuda_tensors_are_refused_clearly_by_the_mpi_backend():
    with pytest.raises(RuntimeError, match="carries CPU tensors only"):
        dist.all_reduce(torch.ones(3, device="cuda"))
    dist.barrier()

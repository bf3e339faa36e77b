"""bridge.distributed: torch.distributed's API over the engine's Bridge.Distributed (Open MPI; NCCL where GPUs are).

Launch with ``mpirun -np N python script.py`` (``scripts/mpirun.sh`` adds the flags containers need); each process
calls ``init_process_group("mpi")`` and gets its rank and the world size from the launcher. Every collective is a
nonblocking MPI call with a deadline (``timeout``): a rank that dies or never joins makes the others raise
RuntimeError instead of hanging. After ``init_process_group`` an uncaught exception in any rank aborts the whole job
(MPI_Abort), so no peer waits on it, and a normal exit finalizes MPI after all ranks arrive.
"""

import atexit
import datetime
import enum
import sys

from ._core import EngineObject, call

__all__ = ["Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather", "all_reduce", "barrier",
           "broadcast", "default_pg_timeout", "destroy_process_group", "get_backend", "get_rank", "get_world_size",
           "init_process_group", "irecv", "is_available", "is_initialized", "is_mpi_available", "is_nccl_available",
           "isend", "new_group", "recv", "reduce_scatter", "send"]

default_pg_timeout = datetime.timedelta(minutes=30)


class ReduceOp(enum.IntEnum):
    """How all_reduce and reduce_scatter combine ranks' tensors (values shared with the engine)."""
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4


class Backend(str):
    """Names of the communication backends, as strings (``Backend.MPI == "mpi"``).

    Bridge runs MPI (NCCL where GPUs are); ``init_process_group("gloo")`` raises, pointing to "mpi".
    """
    MPI = "mpi"
    NCCL = "nccl"
    GLOO = "gloo"


class ProcessGroup:
    """A group of ranks (the default one, or one from new_group)."""
    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def rank(self):
        """This process's rank in the group."""
        return call("dist_rank", self._obj)

    def size(self):
        """The number of ranks in the group."""
        return call("dist_size", self._obj)

    def __repr__(self):
        return f"<bridge.distributed.ProcessGroup rank {self.rank()} of {self.size()}>"


class GroupMember:
    """``GroupMember.WORLD`` (the default group, None as a group argument) and ``NON_GROUP_MEMBER`` (what new_group
    gives ranks outside it)."""
    WORLD = None
    NON_GROUP_MEMBER = object()


class Work:
    """An operation in flight (async_op=True): wait() blocks until its results are in the tensors."""
    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def wait(self, timeout=None):
        """Blocks until the operation has finished (``timeout``: seconds or a timedelta; raises if it expires); returns
        True."""
        seconds = None if timeout is None else _seconds(timeout)
        return call("work_wait", self._obj, seconds)

    def is_completed(self):
        """Whether the operation has finished (never blocks)."""
        return call("work_is_completed", self._obj)

    def _source_rank(self):
        return call("work_source_rank", self._obj)


_world = None


def is_available():
    """True: the distributed package is always there (whether MPI can start is is_mpi_available())."""
    return True


def is_mpi_available():
    """Whether the engine found an MPI library it can use."""
    return call("dist_unavailable", "mpi") is None


def is_nccl_available():
    """Whether the engine found NCCL (and a CUDA device) it can use."""
    return call("dist_unavailable", "nccl") is None


def is_initialized():
    """Whether init_process_group has run (and destroy_process_group has not)."""
    return _world is not None


def _seconds(timeout):
    return timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else float(timeout)


def init_process_group(backend="mpi", init_method=None, timeout=default_pg_timeout, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None):
    """Joins the job the launcher started. rank and world_size, when given, must match the launcher's;
    init_method and store are not needed (mpirun is the rendezvous) and are ignored."""
    global _world
    if _world is not None:
        raise RuntimeError("trying to initialize the default process group twice!")
    group = ProcessGroup(call("dist_init", str(backend), _seconds(timeout)))
    _world = group
    _install_exit_handlers(_seconds(timeout))
    for name, given, actual in (("world_size", world_size, group.size()), ("rank", rank, group.rank())):
        if given not in (-1, None) and given != actual:
            raise ValueError(f"{name}={given} but the MPI launcher started this process as rank {group.rank()} "
                             f"of {group.size()}")


def _default():
    if _world is None:
        raise RuntimeError("Default process group has not been initialized, please make sure to call "
                           "init_process_group.")
    return _world


def _group(group):
    """The engine object for a group argument; None for a rank outside it (torch then skips the call)."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return None
    return (_default() if group is None else group)._obj


def get_rank(group=None):
    """This process's rank in ``group`` (the default group if None); -1 outside the group."""
    g = _group(group)
    return -1 if g is None else call("dist_rank", g)


def get_world_size(group=None):
    """The number of ranks in ``group`` (the default group if None); -1 outside the group."""
    g = _group(group)
    return -1 if g is None else call("dist_size", g)


def get_backend(group=None):
    """The backend of ``group``: always ``"mpi"`` in Bridge."""
    _group(group)
    return Backend.MPI


def _run(name, group, async_op, *args):
    g = _group(group)
    if g is None:
        return None
    work = call(name, g, *args, bool(async_op))
    return Work(work) if async_op else None


def barrier(group=None, async_op=False, device_ids=None):
    """Blocks until every rank of ``group`` has reached it (a Work to wait on with ``async_op=True``). ``device_ids`` is
    ignored."""
    return _run("dist_barrier", group, async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combines ``tensor`` across the ranks of ``group`` with ``op`` (ReduceOp.SUM by default), in place on every rank.

    Returns a Work with ``async_op=True``, else None.
    """
    return _run("dist_all_reduce", group, async_op, tensor, int(op))


def broadcast(tensor, src, group=None, async_op=False):
    """Copies rank ``src``'s ``tensor`` into ``tensor`` on every rank of ``group``, in place.

    Returns a Work with ``async_op=True``, else None.
    """
    return _run("dist_broadcast", group, async_op, tensor, int(src))


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fills ``tensor_list`` (one tensor per rank, each of ``tensor``'s shape) with every rank's ``tensor``.

    Returns a Work with ``async_op=True``, else None.
    """
    return _run("dist_all_gather", group, async_op, list(tensor_list), tensor)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces ``input_list`` (one tensor per rank) across ranks with ``op`` and leaves rank i's share in ``output``.

    Returns a Work with ``async_op=True``, else None.
    """
    return _run("dist_reduce_scatter", group, async_op, output, list(input_list), int(op))


def isend(tensor, dst, group=None, tag=0):
    """Starts sending ``tensor`` to rank ``dst`` (matched by ``tag``); returns a Work to wait on."""
    return _run("dist_send", group, True, tensor, int(dst), int(tag))


def send(tensor, dst, group=None, tag=0):
    """Sends ``tensor`` to rank ``dst`` (matched by ``tag``), blocking until it is sent."""
    _run("dist_send", group, False, tensor, int(dst), int(tag))


def irecv(tensor, src=None, group=None, tag=0):
    """Starts receiving into ``tensor`` from rank ``src`` (any rank if None); returns a Work to wait on."""
    g = _group(group)
    return None if g is None else Work(call("dist_recv", g, tensor, src, int(tag), True))


def recv(tensor, src=None, group=None, tag=0):
    """Receives into tensor; returns the sender's rank."""
    g = _group(group)
    return -1 if g is None else call("dist_recv", g, tensor, src, int(tag), False)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None):
    """A group of the given global ranks; every rank must call it. Non-members get GroupMember.NON_GROUP_MEMBER."""
    obj = call("dist_new_group", _default()._obj, None if ranks is None else [int(r) for r in ranks],
               None if timeout is None else _seconds(timeout))
    return GroupMember.NON_GROUP_MEMBER if obj is None else ProcessGroup(obj)


def destroy_process_group(group=None):
    """Ends the default group and finalizes MPI (MPI cannot be initialized again in this process)."""
    global _world
    if group is not None and group is not _world:
        return  # subgroups are freed with the default one
    _default()
    _world = None
    call("dist_destroy")


_handlers_installed = False


def _install_exit_handlers(timeout_seconds):
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    previous_hook = sys.excepthook

    def abort_job_on_uncaught(kind, value, traceback):
        previous_hook(kind, value, traceback)
        if _world is not None:
            sys.stderr.write(f"bridge.distributed: rank {_world.rank()} raised an uncaught {kind.__name__}; "
                             "aborting the job (MPI_Abort) so that no other rank waits for it\n")
            sys.stderr.flush()
            call("dist_abort", 1)

    def finalize_at_exit():
        global _world
        if _world is not None:
            _world = None
            call("dist_shutdown", timeout_seconds)

    sys.excepthook = abort_job_on_uncaught
    atexit.register(finalize_at_exit)

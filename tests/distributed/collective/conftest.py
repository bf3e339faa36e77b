"""Tests run on every rank at once under `mpirun -np 2` (scripts/test-distributed.sh): each rank runs the same tests
in the same order, so their collectives meet. Tests do all their collectives first and assert after, so that a
failing assertion on one rank cannot leave the other waiting in a collective."""

import datetime
import os

import pytest

import bridge.distributed as dist

# Short enough that a mismatch fails the run in minutes, long enough for a loaded 2-core machine.
TIMEOUT = datetime.timedelta(seconds=60)


@pytest.fixture(scope="session", autouse=True)
def world():
    if "OMPI_COMM_WORLD_SIZE" not in os.environ:
        pytest.exit("tests/distributed/collective runs under mpirun: scripts/test-distributed.sh", returncode=2)
    dist.init_process_group("mpi", timeout=TIMEOUT)
    yield

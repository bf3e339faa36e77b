"""Whole jobs launched with scripts/mpirun.sh (this file itself runs in one plain process): a rank that raises,
exits or is killed ends the job with a clear error and in bounded time; a collective that cannot complete times out; the
issue's check script; MPI as a singleton without mpirun."""

import os
import pathlib
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
JOBS = pathlib.Path(__file__).resolve().parent / "jobs"
MPIRUN = ROOT / "scripts" / "mpirun.sh"


def run(args, limit, env=None):
    start = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=limit, cwd=ROOT, env=env)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start


def launch(command, np=2, limit=120):
    """mpirun with each rank's stdout and stderr in files of their own (`--output-filename DIR:nocopy`): on the shared
    terminal stream, Open MPI's forwarding splits lines, so one rank's line can land inside another's. Returns the
    ranks' output in rank order, then mpirun's own messages."""
    with tempfile.TemporaryDirectory() as d:
        code, own, seconds = run([str(MPIRUN), "-np", str(np), "--output-filename", f"{d}:nocopy", *command], limit)
        files = sorted(pathlib.Path(d).glob("*/rank.*/std*"), key=lambda f: (int(f.parent.name.split(".")[1]), f.name))
        return code, "".join(f.read_text(errors="replace") for f in files) + own, seconds


def mpirun(job, np=2, limit=120):
    return launch([sys.executable, str(JOBS / job)], np, limit)


pytestmark = pytest.mark.skipif(subprocess.run(["which", "mpirun"], capture_output=True).returncode != 0,
                                reason="mpirun not installed (apt-get install openmpi-bin libopenmpi3)")


def test_a_rank_that_raises_aborts_the_job_at_once():
    code, out, seconds = mpirun("raise_on_one_rank.py")
    assert code != 0, out
    assert "ValueError: rank 1 failed on purpose" in out
    assert "rank 1 raised an uncaught ValueError; aborting the job" in out
    assert "should never get here" not in out
    assert seconds < 60, f"the job took {seconds:.0f} s to end: rank 0 waited for the 30-minute timeout"


def test_a_rank_that_exits_ends_the_job_through_the_others_timeout():
    code, out, seconds = mpirun("exit_on_one_rank.py")
    assert code != 0, out
    assert "all_reduce did not complete within 5 s on rank 0" in out
    assert "should never get here" not in out
    assert seconds < 90, f"{seconds:.0f} s"


def test_a_rank_killed_by_a_signal_ends_the_job():
    code, out, seconds = mpirun("killed_rank.py")
    assert code != 0, out
    assert "exited on signal 9" in out, out
    assert "should never get here" not in out
    assert seconds < 60, f"{seconds:.0f} s"


def test_a_collective_that_cannot_complete_raises_a_timeout_that_can_be_caught():
    code, out, seconds = mpirun("timeout_caught.py")
    assert "CAUGHT: all_reduce did not complete within 2 s" in out, out
    assert "rank 0 done" in out and "rank 1 done" in out
    assert seconds < 90, f"{seconds:.0f} s"


def test_issue_check_all_reduce_broadcast_and_ddp_steps():
    code, out, _ = mpirun("check.py")
    assert code == 0, out
    assert "CHECK rank 0/2" in out and "CHECK rank 1/2" in out, out


def test_three_ranks_on_two_cores():
    code, out, _ = mpirun("check.py", np=3)
    assert code == 0, out
    assert out.count("CHECK rank") == 3, out


def test_without_mpirun_mpi_starts_as_a_singleton():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_"))}
    env["OMPI_ALLOW_RUN_AS_ROOT"] = env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    code, out, _ = run([sys.executable, str(JOBS / "single_process.py")], 120, env)
    assert code == 0, out
    assert "SINGLE 0 1 [1.0, 2.0]" in out and "DESTROYED False" in out, out


def test_torch_world_size_must_match_the_launcher():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMIX_"))}
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", WORLD_SIZE="2")
    code, out, _ = run([sys.executable, str(JOBS / "single_process.py")], 120, env)
    assert code != 0
    assert "WORLD_SIZE=2 but the MPI launcher started this process as rank 0 of 1" in out, out


CSHARP_EXAMPLE = ROOT / "examples" / "distributed" / "DataParallel" / "bin" / "Release" / "net10.0" / "DataParallel.dll"


@pytest.mark.skipif(not CSHARP_EXAMPLE.exists(),
                    reason="examples/distributed/DataParallel is not built (scripts/test-distributed.sh builds it)")
@pytest.mark.parametrize("ranks", [2, 3])
def test_csharp_distributed_data_parallel_matches_one_process(ranks):
    code, out, _ = launch(["dotnet", str(CSHARP_EXAMPLE)], ranks, 180)
    assert code == 0, out
    for rank in range(ranks):
        assert f"C# rank {rank}/{ranks}: DDP on {12 // ranks} rows vs one process on 12" in out, out

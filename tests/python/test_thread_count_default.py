"""bridge's default thread count follows torch's rule: MKL_NUM_THREADS, else OMP_NUM_THREADS, when set; compared
with torch 1.13 itself in fresh processes (the count is read once, at start)."""
import os
import subprocess
import sys

import pytest

CASES = [{"OMP_NUM_THREADS": "1"}, {"OMP_NUM_THREADS": "3"}, {"MKL_NUM_THREADS": "2"},
         {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "3"}]


def threads_in_a_fresh_process(python, module, extra):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env.update(extra)
    out = subprocess.run([python, "-c", f"import {module}; print({module}.get_num_threads())"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


@pytest.mark.parametrize("extra", CASES, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()))
def test_default_thread_count_follows_the_environment_like_torch(extra):
    torch_count = threads_in_a_fresh_process("/usr/bin/python3", "torch", extra)
    assert threads_in_a_fresh_process(sys.executable, "bridge", extra) == torch_count

"""A hostile user's catalogue (issue: nothing a user types crashes, hangs or silently computes a wrong answer).

Each attack runs in a process of its own, so a crash (a signal) or a hang (the timeout) fails only its own case
and is reported as such; inside, the snippet asserts torch's answer or torch's exception type. Expected values are
torch 1.13's (hand-checked: the gradients are small enough to verify on paper).
"""

import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import os, sys, threading, ctypes, copy, pickle, tempfile
import numpy as np
import bridge as torch

def raises(kind, fn, text=None):
    try:
        fn()
    except kind as e:
        assert text is None or text in str(e), f"message {str(e)!r} lacks {text!r}"
        return e
    raise AssertionError(f"expected {kind.__name__}")
"""

ATTACKS = {
    # ---- wrong gradients that must now be torch's
    "setitem_on_a_result_rewrites_its_history": """
        x = torch.ones(3, requires_grad=True); y = x * 2; y[0] = 5.; y.sum().backward()
        assert x.grad.tolist() == [0.0, 2.0, 2.0], x.grad
    """,
    "in_place_on_a_view_rewrites_the_base": """
        x = torch.ones(3, requires_grad=True); y = x * 2; y[0:2].mul_(3); y.sum().backward()
        assert x.grad.tolist() == [6.0, 6.0, 2.0], x.grad
    """,
    "copy_into_a_result_sends_the_gradient_to_the_source": """
        x = torch.ones(3, requires_grad=True); z = torch.ones(3, requires_grad=True)
        y = x * 1; y.copy_(z * 3); y.sum().backward()
        assert z.grad.tolist() == [3.0, 3.0, 3.0] and (x.grad is None or x.grad.tolist() == [0.0] * 3)
    """,
    "leaf_requiring_grad_refuses_in_place_writes": """
        x = torch.ones(3, requires_grad=True)
        for write in (lambda: x.copy_(torch.zeros(3)), lambda: x.__setitem__(0, 5.), lambda: x.normal_(),
                      lambda: x.uniform_(), lambda: x.add_(1)):
            raises(RuntimeError, write, "leaf Variable that requires grad")
        with torch.no_grad():
            x.add_(1)
        assert x.tolist() == [2.0, 2.0, 2.0]
    """,
    "overlapping_in_place_write_is_refused": """
        raises(RuntimeError, lambda: torch.zeros(3).expand(2, 3).add_(1), "more than one element")
        for fill in ("normal_", "uniform_", "bernoulli_", "exponential_"):
            raises(RuntimeError, lambda: getattr(torch.zeros(3).expand(2, 3), fill)(), "more than one element")
    """,
    "stale_saved_tensor_is_caught": """
        a = torch.ones(3, requires_grad=True); b = a * 2; c = b.sin(); b.add_(1)  # sin saves its input
        raises(RuntimeError, lambda: c.sum().backward(), "modified by an inplace operation")
    """,
    "concurrent_backward_through_a_shared_node_is_exact": """
        for trial in range(5):
            x = torch.ones(1000, requires_grad=True); y = (x * 3).sum()
            ts = [threading.Thread(target=lambda: y.backward(retain_graph=True)) for _ in range(8)]
            [t.start() for t in ts]; [t.join() for t in ts]
            assert x.grad.tolist() == [24.0] * 1000, trial
    """,
    # ---- memory faults that must be refusals
    "resize_under_a_numpy_view_is_refused": """
        t = torch.zeros(1_000_000); a = t.numpy()
        raises(RuntimeError, lambda: t.resize_(3_000_000), "not resizable")
        assert a.sum() == 0.0
    """,
    "resize_under_a_dlpack_export_is_refused": """
        t = torch.zeros(1000); c = t.__dlpack__()
        raises(RuntimeError, lambda: t.resize_(100_000), "not resizable")
    """,
    "huge_or_infinite_ranges_fail_before_allocating": """
        for args in ((2**40,), (float("inf"),), (0., 1e10)):
            raises(Exception, lambda: torch.arange(*args))
    """,
    "released_take_with_null_pointers_reports_instead_of_aborting": """
        lib = torch._lib.lib
        lib.bridge_released_take.restype = ctypes.c_int32
        lib.bridge_released_take.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p]
        assert lib.bridge_released_take(None, 0, None) != 0
    """,
    # ---- integers never masked
    "python_ints_are_range_checked": """
        raises((OverflowError, RuntimeError), lambda: torch.zeros(2**64 + 2))
        x = torch.arange(5)
        raises((IndexError, OverflowError, RuntimeError), lambda: x[2**64 + 1])
        raises((OverflowError, RuntimeError), lambda: torch.tensor([2**63]))
        raises((OverflowError, RuntimeError), lambda: torch.randint(0, 2**64 + 10, (3,)))
        raises(TypeError, lambda: torch.zeros(2.5))
        raises((RuntimeError, IndexError), lambda: x.narrow(0, 3, 5))
        raises(ValueError, lambda: torch.ones(3).item())
    """,
    # ---- copies own their data
    "deep_copies_and_pickles_own_their_data": """
        m = torch.nn.Linear(3, 2); c = copy.deepcopy(m)
        with torch.no_grad():
            c.weight.fill_(7.)
        assert m.weight.abs().max().item() < 7
        del m
        assert c(torch.ones(1, 3)).shape == (1, 2)
        opt = torch.optim.AdamW(c.parameters(), lr=0.1)
        c(torch.ones(1, 3)).sum().backward(); opt.step()
        twin = pickle.loads(pickle.dumps(opt))
        assert len(twin.state_dict()["state"]) == 2
    """,
    "a_pickle_carries_data_to_another_process": """
        blob = pickle.dumps(torch.arange(6.).reshape(2, 3))
        code = "import pickle, sys, bridge; t = pickle.loads(sys.stdin.buffer.read()); print(t.sum().item())"
        import subprocess
        out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() == b"15.0", out
    """,
    # ---- hangs that must be errors
    "a_forked_child_raises_instead_of_hanging": """
        torch.ones(3).sum()
        pid = os.fork()
        if pid == 0:
            try:
                torch.ones(10_000_000).sum()
                os._exit(3)
            except RuntimeError as e:
                os._exit(0 if "spawn" in str(e) or "forkserver" in str(e) else 4)
            except BaseException:
                os._exit(5)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
    """,
    "loading_from_a_fifo_is_refused": """
        d = tempfile.mkdtemp(); p = os.path.join(d, "f.npy"); os.mkfifo(p)
        raises(Exception, lambda: torch.load(p))
    """,
    # ---- hostile files and names
    "an_npz_declaring_more_than_it_holds_is_refused_quickly": """
        import io, zipfile, struct
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2684354560,), }"
        header += " " * (118 - len(header)) + "\\n"
        npy = b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(header)) + header.encode() + b"\\0" * 4096
        p = os.path.join(tempfile.mkdtemp(), "big.npz")
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("w.npy", npy)
        raises(Exception, lambda: torch.load(p))
    """,
    "shared_memory_names_are_plain_names": """
        for bad in ("../etc/x", "a/b", "..", ""):
            raises(Exception, lambda: torch.shared(bad, (4,), torch.float32))
        raises(Exception, lambda: torch.shared("bridge_adv_neg", (-1,), torch.float32))
    """,
    "a_torch_checkpoint_that_runs_code_is_refused_with_weights_only": """
        class Evil:
            def __reduce__(self):
                return (os.system, ("echo pwned",))
        p = os.path.join(tempfile.mkdtemp(), "evil.pt")
        torch.save({"x": Evil()}, p)
        import pickle as pk
        raises(pk.UnpicklingError, lambda: torch.load(p, weights_only=True))
    """,
    "a_missing_file_is_file_not_found": """
        raises(FileNotFoundError, lambda: torch.load("/nonexistent/model.pt"))
    """,
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack(name):
    code = PRELUDE + textwrap.dedent(ATTACKS[name])
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: hung (no answer in 120 s)")
    if out.returncode < 0:
        pytest.fail(f"{name}: crashed with signal {-out.returncode}\n{out.stderr.decode()[-2000:]}")
    assert out.returncode == 0, f"{name}: exit {out.returncode}\n{out.stderr.decode()[-3000:]}"

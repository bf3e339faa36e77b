"""What an IDE or a type checker sees of the package (issue 21): mypy, finding bridge through its py.typed marker and
stubs, knows the signatures of the calls, that they return tensors, and Tensor's methods on what they return.

Needs mypy (Debian's python3-mypy); skipped without it."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import bridge

pytest.importorskip("mypy.api", reason="mypy is not installed (apt-get install python3-mypy)")

PACKAGE_PARENT = pathlib.Path(bridge.__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import bridge as torch
    import bridge.nn.functional as F

    x = torch.zeros(2, 3, requires_grad=True)
    y = (x.sin() * 2 + 1).sum()
    reveal_type(y)
    reveal_type(F.relu(torch.randn(4)))
    reveal_type(torch.tanh)
    reveal_type(y.backward)
    torch.sin(x, bogus=1)
    torch.nn.functional.cross_entropy(x, x, label_smothing=0.1)
""")


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory):
    """One mypy run (it takes a while) over a user's script and the stubs themselves: (exit code, output lines)."""
    tmp = tmp_path_factory.mktemp("mypy")
    (tmp / "use.py").write_text(SCRIPT)
    stubs = [str(PACKAGE_PARENT / "bridge" / "__init__.pyi"), str(PACKAGE_PARENT / "bridge" / "nn" / "functional.pyi")]
    env = dict(os.environ, PYTHONPATH=str(PACKAGE_PARENT), MYPY_CACHE_DIR=str(tmp / "cache"))
    run = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--no-error-summary", "use.py", *stubs],
                         cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    return run.returncode, (run.stdout + run.stderr).splitlines()


def test_a_type_checker_sees_signatures_and_tensor_results(mypy_output):
    code, lines = mypy_output
    out = "\n".join(lines)
    revealed = [line.split("Revealed type is ", 1)[1] for line in lines if "Revealed type is" in line]
    assert revealed[:3] == ['"bridge.Tensor"', '"bridge.Tensor"', '"def (input: Any, *, out: Any =) -> bridge.Tensor"'], out
    assert "gradient: Any =, retain_graph: Any =, create_graph: Any =, inputs: Any =" in revealed[3], out
    assert any('Unexpected keyword argument "bogus" for "sin"' in line for line in lines), out
    assert any('Unexpected keyword argument "label_smothing"' in line for line in lines), out
    assert code == 1


def test_the_stubs_themselves_type_check(mypy_output):
    _, lines = mypy_output
    errors = [line for line in lines if ": error:" in line]
    assert len(errors) == 2 and all(line.startswith("use.py:") for line in errors), "\n".join(lines)

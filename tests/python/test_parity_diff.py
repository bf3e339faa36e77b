"""bridge.parity's diff as a user runs it (python -m bridge.parity diff): verdicts, exit codes, JUnit, reports.

The fixtures (tests/parity-fixtures) are a real PyTorch recording and hand-made variants; expected.txt is the
verdict for each pair, which the C# diff (ParityDiffTests) must give too.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "parity-fixtures" / "diff"


# The package this test process imported (installed in the venv, or the source tree): the CLI runs the same one.
import bridge as _bridge_for_path  # noqa: E402
BRIDGE_HOME = str(Path(_bridge_for_path.__file__).resolve().parents[1])

def cli(*args, cwd=FIXTURES):
    env = {**os.environ, "PYTHONPATH": BRIDGE_HOME + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bridge.parity", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def expected_pairs():
    for line in (FIXTURES / "expected.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split()


@pytest.mark.parametrize("spec", list(expected_pairs()), ids=lambda s: s[0])
def test_fixture_pairs_get_the_expected_verdict(spec):
    cand, code = spec[0], int(spec[1])
    r = cli("diff", "reference.csv", cand)
    assert r.returncode == code, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    if code == 1:
        step, label, index = spec[2], spec[3], spec[4]
        first = r.stdout.splitlines()[0]
        assert f"first divergence at step {step}, {label}" in first, first
        if index != "-":
            assert f"{label} index {index}:" in first, first
    if code == 2:
        assert r.stderr.startswith("bridge-parity: unusable input:"), r.stderr


def test_a_shorter_run_is_a_reported_failure_with_a_note():
    r = cli("diff", "reference.csv", "shorter.csv")
    assert r.returncode == 1
    assert r.stdout.splitlines()[1] == "note: the reference covers steps 0..1 (2), the candidate steps 0"


def test_perturbed_value_writes_a_junit_failure_naming_step_index_values_and_ulp(tmp_path):
    junit = tmp_path / "parity.xml"
    r = cli("diff", "reference.csv", "perturbed.csv", "--junit", junit)
    assert r.returncode == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 9 and suite.get("tests") == "9" and suite.get("failures") == "1"
    failing = [c for c in cases if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failing] == [("parity.forward", "act")]
    message = failing[0].find("failure").get("message")
    # reference.csv's value at forward/act step 1 index 5, and the ULP distance to 0.123 in float32
    assert message.startswith("step 1, forward/act index 5: reference -0.19710411 vs candidate 0.123 (2084945174 ulp")


def test_agreeing_pair_writes_a_passing_junit_and_reports(tmp_path):
    r = cli("diff", "reference.csv", "same.csv", "--junit", tmp_path / "j.xml", "--html", tmp_path / "r.html",
            "--markdown", tmp_path / "r.md")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("AGREE: 9 names, 18 records (102 values) within rtol=1e-05 atol=1e-08")
    suite = ET.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) == 9
    assert "AGREE" in (tmp_path / "r.html").read_text()
    assert (tmp_path / "r.svg").read_text().startswith("<svg")
    assert "![per-layer error against step](r.svg)" in (tmp_path / "r.md").read_text()


def test_markdown_puts_verdict_then_first_divergence_then_plot(tmp_path):
    assert cli("diff", "reference.csv", "two_faults.csv", "--markdown", tmp_path / "r.md").returncode == 1
    md = (tmp_path / "r.md").read_text()
    verdict, first, plot = md.index("# Parity: DIFFER"), md.index("## First divergence"), md.index("![per-layer")
    assert verdict < first < plot
    assert "Step **0**, `grad/fc1.weight`" in md
    assert "**`grad/fc1.weight`**" in md and "**`forward/fc1`**" in md  # both failing names stand out


def test_tolerances_decide_the_verdict(tmp_path):
    # forward/act at step 1 index 5 is off by 0.32: a loose per-name rule lets it pass, the default does not
    rules = tmp_path / "tol.txt"
    rules.write_text("# pattern tolerance\nforward/act  rtol=0 atol=0.5   # loose for act only\n")
    assert cli("diff", "reference.csv", "perturbed.csv", "--tolerances", rules).returncode == 0
    assert cli("diff", "reference.csv", "perturbed.csv", "--atol", "0.5").returncode == 0
    assert cli("diff", "reference.csv", "perturbed.csv", "--atol", "0.3").returncode == 1
    assert cli("diff", "reference.csv", "same.csv", "--exact").returncode == 0


@pytest.mark.parametrize("args, message", [
    (["diff", "reference.csv"], "bridge-parity: error:"),
    (["diff", "reference.csv", "same.csv", "--rtol", "abc"], "bridge-parity: error:"),
    (["diff", "reference.csv", "same.csv", "--rtol", "-1"], "must be numbers >= 0"),
    (["diff", "reference.csv", "same.csv", "--tolerances", "missing.txt"], "cannot read the tolerance file"),
    (["diff", "reference.csv", "same.csv", "--junit", "/nonexistent-dir/j.xml"], "cannot write"),
    (["frobnicate"], "invalid choice"),
    ([], ""),
])
def test_bad_invocations_exit_2_with_a_message(args, message, tmp_path):
    bad_rules = tmp_path / "bad.txt"
    bad_rules.write_text("fc1 rtol=x\n")
    r = cli(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    r = cli("diff", "reference.csv", "same.csv", "--tolerances", bad_rules)
    assert r.returncode == 2 and f"{bad_rules}:1: bad tolerance 'rtol=x'" in r.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\xff\xfe\x00garbage", "not a text CSV"),
    (b"case,checkpoint,step,name,dtype,shape,index,value,runtime,version\nc,forward,0,fc1,float16,,0,1.0,torch,1\n",
     "dtype 'float16' is not one of"),
    (b"case,checkpoint,step,name,dtype,shape,index,value,runtime,version\nc,forward,x,fc1,float32,,0,1.0,torch,1\n",
     "must be integers"),
    (b"case,checkpoint,step,name,dtype,shape,index,value,runtime,version\nc,forward,0,fc1,float32,2,0,1.0,torch,1\n",
     "1 values for shape [2]"),
    (b"case,checkpoint,step,name,dtype,shape,index,value,runtime,version\nc,forward,0,fc1,float32,,1,1.0,torch,1\n",
     "index 1, expected 0"),
    (b"case,checkpoint,step,name\nc,forward,0,fc1\n", "schema mismatch"),
])
def test_unusable_files_exit_2_naming_the_problem(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    for pair in (("reference.csv", bad), (bad, "reference.csv")):
        r = cli("diff", *pair)
        assert r.returncode == 2, r.stdout + r.stderr
        assert message in r.stderr and "Traceback" not in r.stderr


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'bridge-parity = "bridge.parity.cli:main"' in text
    assert 'include = ["bridge*"]' in text  # packages are found under python/, bridge.parity among them
    assert (ROOT / "python" / "bridge" / "parity" / "__init__.py").is_file()


def test_ulp_distance_matches_bit_patterns():
    import numpy as np
    from bridge.parity.diff import ulp_distance
    a = np.array([1.0, 0.0, -0.0, 1.0, np.nan, np.nan, -1e-45], dtype=np.float32)
    b = np.array([np.nextafter(np.float32(1), np.float32(2)), -0.0, 1e-45, 1.0, np.nan, 1.0, 1e-45], dtype=np.float32)
    assert ulp_distance(a, b).tolist() == [1.0, 0.0, 1.0, 0.0, 0.0, float("inf"), 2.0]
    big = np.array([np.finfo(np.float64).max], dtype=np.float64)
    assert ulp_distance(big, -big)[0] == 2.0 * 0x7FEFFFFFFFFFFFFF

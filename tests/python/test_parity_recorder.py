"""The parity suite's Python side: the recorder's CSV format and the runner's handling of runtimes."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "parity"))

from recorder import Recorder  # noqa: E402


def rows(tmp_path, fill):
    rec = Recorder("case", "torch", "1.0")
    fill(rec)
    path = tmp_path / "out.csv"
    rec.write(str(path))
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_float32_values_round_trip_exactly(tmp_path):
    values = np.array([0.1, 1 / 3, -2.5e-30, 3.4e38, 0.0], dtype=np.float32)
    out = rows(tmp_path, lambda r: r.record("cp", "v", values))
    assert [row["dtype"] for row in out] == ["float32"] * 5
    back = np.array([float(row["value"]) for row in out], dtype=np.float32)
    assert back.tobytes() == values.tobytes()


def test_shape_index_and_non_finite_spelling(tmp_path):
    values = np.array([[np.nan, np.inf], [-np.inf, -0.0]], dtype=np.float64)
    out = rows(tmp_path, lambda r: r.record("cp", "v", values, step=3))
    assert [row["shape"] for row in out] == ["2x2"] * 4
    assert [row["index"] for row in out] == ["0", "1", "2", "3"]
    assert [row["value"] for row in out][:3] == ["nan", "inf", "-inf"]
    assert out[3]["value"].startswith("-0")
    assert out[0]["step"] == "3"


def test_python_scalars_have_their_dtypes(tmp_path):
    out = rows(tmp_path, lambda r: (r.record("cp", "f", 0.5), r.record("cp", "i", 7), r.record("cp", "b", True)))
    assert [(row["dtype"], row["shape"], row["value"]) for row in out] == [("float64", "", "0.5"), ("int64", "", "7"), ("bool", "", "1")]


def test_repeated_record_is_refused(tmp_path):
    with pytest.raises(Exception):
        rows(tmp_path, lambda r: (r.record("cp", "v", 1.0), r.record("cp", "v", 2.0)))


def test_bridge_runtime_reports_unavailable_not_passing(tmp_path):
    # A missing native library makes `import bridge` fail: the runner must say so, not pass.
    env = {**os.environ, "BRIDGE_LIB": str(tmp_path / "missing" / "libbridge.so")}
    result = subprocess.run([sys.executable, str(ROOT / "parity" / "run_python.py"), "--runtime", "bridge", "--out", str(tmp_path),
                             "--bridge-path", str(ROOT / "python")], capture_output=True, text=True, env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "bridge runtime unavailable" in result.stdout + result.stderr

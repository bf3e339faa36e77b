"""scripts/tally.py, the one place `make test` gets its totals: aborted, missing or short runs are failures."""

import pathlib
import subprocess
import sys

TALLY = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "tally.py"
NS = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"


def trx(path, outcomes, total=None, run_outcome="Completed"):
    results = "".join(
        f'<UnitTestResult testName="T{i}" outcome="{o}"><Output><ErrorInfo><Message>why {i}</Message></ErrorInfo></Output></UnitTestResult>'
        for i, o in enumerate(outcomes))
    path.write_text(f'<TestRun xmlns="{NS}"><Results>{results}</Results><ResultSummary outcome="{run_outcome}">'
                    f'<Counters total="{total if total is not None else len(outcomes)}" /></ResultSummary></TestRun>')


def run(tmp_path, rows):
    (tmp_path / "suites.tsv").write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))
    p = subprocess.run([sys.executable, str(TALLY), str(tmp_path)], capture_output=True, text=True)
    return p.returncode, p.stdout.strip().splitlines()[-1], p.stdout


def test_passing_and_skipped_tests_are_counted_with_reasons(tmp_path):
    trx(tmp_path / "a.trx", ["Passed", "Passed", "NotExecuted"])
    (tmp_path / "b.xml").write_text('<testsuites><testsuite><testcase name="x"/><testcase name="y"><skipped message="no gpu"/></testcase>'
                                    '</testsuite></testsuites>')
    code, last, out = run(tmp_path, [("ms", "trx", tmp_path / "a.trx", 0), ("py", "junit", tmp_path / "b.xml", 0), ("step", "check", "-", 0)])
    assert (code, last) == (0, "4 passed, 0 failed, 2 skipped")
    assert "why 2" in out and "no gpu" in out


def test_a_runner_that_exits_nonzero_with_no_failure_recorded_is_a_failure(tmp_path):
    trx(tmp_path / "a.trx", ["Passed"] * 5)
    code, last, _ = run(tmp_path, [("ms", "trx", tmp_path / "a.trx", 1)])
    assert (code, last) == (1, "5 passed, 1 failed, 0 skipped")


def test_an_aborted_host_that_ran_fewer_tests_than_it_found_counts_the_missing_ones(tmp_path):
    trx(tmp_path / "a.trx", ["Passed"] * 6, total=245, run_outcome="Aborted")
    code, last, out = run(tmp_path, [("ms", "trx", tmp_path / "a.trx", 1)])
    assert code == 1 and last == "6 passed, 240 failed, 0 skipped"
    assert "239 of 245 discovered tests never reported a result" in out


def test_missing_or_broken_result_files_and_failed_checks_fail(tmp_path):
    (tmp_path / "bad.xml").write_text("<testsuites><testsuite>")
    code, last, _ = run(tmp_path, [("gone", "trx", tmp_path / "nope.trx", 0), ("bad", "junit", tmp_path / "bad.xml", 0),
                                   ("step", "check", "-", 2)])
    assert (code, last) == (1, "0 passed, 3 failed, 0 skipped")


def test_no_suite_at_all_is_a_failure(tmp_path):
    code, last, _ = run(tmp_path, [])
    assert code == 1 and last.endswith("1 failed, 0 skipped")

"""Totals for `make test` from structured results, never from console text.

Reads RESULTS/suites.tsv, one row per suite step written by scripts/lib/suites.sh:
    label <TAB> kind <TAB> result file <TAB> exit code
kind is `trx` (MSTest), `junit` (pytest and friends) or `check` (one pass/fail step such as a build or an
example program: passed when it exited 0). A suite counts as failed, whatever its file says, when the file is
missing or unreadable, when its runner exited non-zero with no failed test recorded (an aborted test host), or
when it executed fewer tests than it discovered. Skipped and inconclusive tests are counted and listed with
their reasons. Prints one line per suite, the skip reasons, and last `N passed, N failed, N skipped`; exits 1
when anything failed. Standard library only (it must run before any package is installed).
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

TRX_NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


class Counts:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []   # (test, message)
        self.notes = []      # suite-level remarks whose failures are already counted
        self.skips = []      # (test, reason)
        self.problems = []   # suite-level reasons for failure: each adds one failure unless already counted


def first_line(text):
    text = (text or "").strip()
    # MSTest wraps a skip in a [TestInitialize] as "Initialization method X threw exception. Assert.Inconclusive. why"
    text = re.sub(r"^Initialization method \S+ threw exception\. ", "", text)
    text = re.sub(r"^Assert\.Inconclusive(?: failed)?\.\s*", "", text)
    return text.splitlines()[0][:200] if text else ""


def read_trx(path, c):
    root = ET.parse(path).getroot()
    counters = root.find(f"{TRX_NS}ResultSummary/{TRX_NS}Counters")
    summary = root.find(f"{TRX_NS}ResultSummary")
    if counters is None or summary is None:
        raise ValueError("no ResultSummary/Counters")
    for r in root.iter(f"{TRX_NS}UnitTestResult"):
        name, outcome = r.get("testName", "?"), r.get("outcome", "")
        message = first_line(r.findtext(f"{TRX_NS}Output/{TRX_NS}ErrorInfo/{TRX_NS}Message"))
        if not message:
            message = first_line(r.findtext(f"{TRX_NS}Output/{TRX_NS}StdOut"))
        if outcome == "Passed":
            c.passed += 1
        elif outcome in ("NotExecuted", "Inconclusive"):
            c.skipped += 1
            c.skips.append((name, message or outcome))
        else:
            c.failed += 1
            c.failures.append((name, f"{outcome}: {message}"))
    total = int(counters.get("total", "0"))
    seen = c.passed + c.failed + c.skipped
    if seen < total:
        c.failed += total - seen   # counted here, one failure per missing test
        c.notes.append(f"{total - seen} of {total} discovered tests never reported a result")
    if summary.get("outcome") in ("Aborted", "Error", "Timeout"):
        c.problems.append(f"test run outcome {summary.get('outcome')}")


def read_junit(path, c):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for s in suites:
        for case in s.iter("testcase"):
            name = f"{case.get('classname', '')}.{case.get('name', '?')}".lstrip(".")
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            skip = case.find("skipped")
            if bad is not None:
                c.failed += 1
                c.failures.append((name, first_line(bad.get("message") or bad.text)))
            elif skip is not None:
                c.skipped += 1
                c.skips.append((name, first_line(skip.get("message") or skip.text) or "skipped"))
            else:
                c.passed += 1


def tally(results_dir):
    rows_path = os.path.join(results_dir, "suites.tsv")
    rows = []
    if os.path.exists(rows_path):
        with open(rows_path) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    total = Counts()
    if not rows:
        total.failed = 1
        print("no suite recorded any result")
    for label, kind, path, code in rows:
        c = Counts()
        code = int(code)
        if kind == "check":
            if code == 0:
                c.passed = 1
            else:
                c.failed = 1
                c.failures.append((label, f"exited {code}"))
        else:
            try:
                (read_trx if kind == "trx" else read_junit)(path, c)
            except (OSError, ET.ParseError, ValueError) as e:
                c.problems.append(f"no readable results ({type(e).__name__}: {e}); runner exited {code}")
            if code != 0 and c.failed == 0:
                c.problems.append(f"runner exited {code} with no failed test recorded")
        c.failed += len(c.problems)
        verdict = "ok" if c.failed == 0 else "FAILED"
        print(f"{verdict:6} {label}: {c.passed} passed, {c.failed} failed, {c.skipped} skipped")
        for p in c.notes + c.problems:
            print(f"         ! {p}")
        for name, message in c.failures[:20]:
            print(f"         failed: {name}: {message}")
        if len(c.failures) > 20:
            print(f"         ... and {len(c.failures) - 20} more failures")
        total.passed += c.passed
        total.failed += c.failed
        total.skipped += c.skipped
        total.skips += [(f"{label}: {n}", r) for n, r in c.skips]
    if total.skips:
        print(f"\nskipped ({total.skipped}), with reasons:")
        reasons = {}
        for name, reason in total.skips:
            reasons.setdefault(reason, []).append(name)
        for reason, names in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
            shown = ", ".join(n.split(": ", 1)[-1].rsplit(".", 1)[-1] for n in names[:3])
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            print(f"  {len(names):4} x {reason}  [{shown}{more}]")
    print()
    print(f"{total.passed} passed, {total.failed} failed, {total.skipped} skipped")
    return 0 if total.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(tally(sys.argv[1]))

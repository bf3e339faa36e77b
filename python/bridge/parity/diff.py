"""Compares two parity recordings record by record and finds where they first part.

A record passes when its dtype and shape match and every element does: ``exact`` means bitwise equal in the
record's dtype, ``rtol=R atol=A`` means ``|cand - ref| <= A + R*|ref|``; in both, nan meets nan and inf its own
sign; int64 and bool are always exact. A record missing on one side fails. The first divergence is the failing
record with the earliest step and, within that step, the earliest position in the reference file, which is
execution order (a watched model's outputs in forward order, its gradients in backward order).
The C# twin is ``Bridge.Parity.Diff`` (src/Parity); tests/python/test_parity_diff.py holds both to the same
verdicts.
"""

import fnmatch
import math

import numpy as np

from .schema import UnusableInput

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


class Tolerance:
    """``exact`` or ``rtol=R atol=A``."""

    def __init__(self, exact=False, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL):
        self.exact, self.rtol, self.atol = exact, float(rtol), float(atol)

    @classmethod
    def parse(cls, text):
        """A Tolerance from its text, ``"exact"`` or ``"rtol=R atol=A"`` (ValueError naming what is wrong otherwise)."""
        words = text.split()
        if words == ["exact"]:
            return cls(exact=True, rtol=0.0, atol=0.0)
        values = {}
        for w in words:
            k, sep, v = w.partition("=")
            if not sep or k not in ("rtol", "atol") or k in values:
                raise ValueError(f"bad tolerance '{text}' (write 'exact' or 'rtol=R atol=A')")
            try:
                values[k] = float(v)
            except ValueError:
                raise ValueError(f"bad tolerance '{text}': '{v}' is not a number") from None
            if not values[k] >= 0:
                raise ValueError(f"bad tolerance '{text}': {k} must be >= 0")
        if set(values) != {"rtol", "atol"}:
            raise ValueError(f"tolerance '{text}' needs both rtol= and atol=")
        return cls(rtol=values["rtol"], atol=values["atol"])

    def __str__(self):
        return "exact" if self.exact else f"rtol={self.rtol:g} atol={self.atol:g}"


class Tolerances:
    """A default and per-name overrides: the first pattern (fnmatch, against ``checkpoint/name`` or ``name``)
    that matches a record decides."""

    def __init__(self, default, rules=()):
        self.default, self.rules = default, list(rules)

    def for_record(self, checkpoint, name):
        """The tolerance for record ``name`` at ``checkpoint``: the first rule whose pattern matches, else the default."""
        label = f"{checkpoint}/{name}"
        for pattern, tol in self.rules:
            if fnmatch.fnmatchcase(label, pattern) or fnmatch.fnmatchcase(name, pattern):
                return tol
        return self.default

    @staticmethod
    def read_rules(path):
        """Lines ``PATTERN exact|rtol=R atol=A  # why``; blank lines and comments are skipped."""
        rules = []
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise UnusableInput(f"{path}: cannot read the tolerance file ({e.strerror or e})") from None
        for n, raw in enumerate(lines, 1):
            body = raw.split("#", 1)[0].strip()
            if not body:
                continue
            pattern, _, rest = body.partition(" ")
            try:
                rules.append((pattern, Tolerance.parse(rest.strip())))
            except ValueError as e:
                raise UnusableInput(f"{path}:{n}: {e}") from None
        return rules


class RecordDiff:
    """One (checkpoint, step, name) compared. ``problem`` is set for missing/extra/dtype/shape; otherwise
    ``index`` is the first failing element (-1 when all pass) with both texts and their ULP distance."""

    def __init__(self, checkpoint, step, name, position, dtype="", shape="", count=0):
        self.checkpoint, self.step, self.name, self.position = checkpoint, step, name, position
        self.dtype, self.shape, self.count = dtype, shape, count
        self.max_abs = self.max_rel = self.max_ulp = 0.0
        self.failed_elements = 0
        self.index = -1
        self.ref_value = self.cand_value = None
        self.ulp = self.max_abs_at_index = 0.0
        self.problem = None
        self.tolerance = None

    @property
    def label(self):
        """``checkpoint/name``: what a JUnit test case and a report row are called."""
        return f"{self.checkpoint}/{self.name}"

    @property
    def passed(self):
        """Whether the record agrees (no problem and no element outside the tolerance)."""
        return self.problem is None and self.index < 0

    def describe(self):
        """One line naming step, index, both values and the ULP distance (or the problem)."""
        where = f"step {self.step}, {self.label}"
        if self.problem:
            return f"{where}: {self.problem}"
        return (f"{where} index {self.index}: reference {self.ref_value} vs candidate {self.cand_value} "
                f"({_num(self.ulp)} ulp, |diff| {_num(self.max_abs_at_index)}; {self.failed_elements} of "
                f"{self.count} elements outside {self.tolerance})")


class DiffResult:
    """Every record compared, in execution order, with the verdict and the first divergence."""

    def __init__(self, reference, candidate, records, tolerances):
        self.reference, self.candidate, self.tolerances = reference, candidate, tolerances
        self.records = records
        self.failures = [r for r in records if not r.passed]
        self.first = min(self.failures, key=lambda r: (r.step, r.position)) if self.failures else None

    @property
    def agree(self):
        """Whether every record agrees."""
        return not self.failures

    def labels(self):
        """``checkpoint/name`` in order of first appearance, each with its records in step order."""
        groups = {}
        for r in sorted(self.records, key=lambda r: (r.position,)):
            groups.setdefault(r.label, []).append(r)
        return {label: sorted(rs, key=lambda r: r.step) for label, rs in groups.items()}

    def steps(self, recording):
        """The sorted step numbers present in ``recording``."""
        return sorted({rec.step for rec in recording.records})

    def headline(self):
        """The verdict in a few words, for a report's banner."""
        labels = self.labels()
        if self.agree:
            return f"AGREE: all {len(labels)} names within tolerance"
        bad = sum(1 for rs in labels.values() if any(not r.passed for r in rs))
        return f"DIFFER: {bad} of {len(labels)} names disagree, first at step {self.first.step}, {self.first.label}"

    def verdict(self):
        """The one line a person reads first."""
        labels = self.labels()
        values = sum(r.count for r in self.records)
        if self.agree:
            return (f"AGREE: {len(labels)} names, {len(self.records)} records ({values} values) within "
                    f"{self.tolerances.default}{' (and per-name tolerances)' if self.tolerances.rules else ''}")
        bad = sum(1 for rs in labels.values() if any(not r.passed for r in rs))
        return f"DIFFER: {bad} of {len(labels)} names disagree; first divergence at {self.first.describe()}"

    def length_note(self):
        """Says so when the runs cover different steps (a run that stopped early)."""
        a, b = self.steps(self.reference), self.steps(self.candidate)
        if a == b:
            return None
        return (f"the reference covers steps {_span(a)}, the candidate steps {_span(b)}")


def compare(reference, candidate, tolerances):
    """Compares two Recordings; raises UnusableInput when they share no record at all."""
    common = [k for k in reference.by_key if k in candidate.by_key]
    if not common:
        raise UnusableInput(f"nothing in common: {reference.path} and {candidate.path} share no "
                            f"(checkpoint, step, name) record; reference has e.g. "
                            f"{_examples(reference)}, candidate {_examples(candidate)}")
    results = []
    for rec in reference.records:
        d = RecordDiff(rec.checkpoint, rec.step, rec.name, rec.position, rec.dtype, rec.shape, len(rec.values))
        d.tolerance = tolerances.for_record(rec.checkpoint, rec.name)
        other = candidate.by_key.get(rec.key)
        if other is None:
            d.problem = "missing in the candidate"
            d.max_abs = d.max_rel = d.max_ulp = math.inf
        else:
            _compare_record(d, rec, other)
        results.append(d)
    offset = len(reference.records)
    for rec in candidate.records:
        if rec.key not in reference.by_key:
            d = RecordDiff(rec.checkpoint, rec.step, rec.name, offset + rec.position, rec.dtype, rec.shape,
                           len(rec.values))
            d.problem = "extra in the candidate (not in the reference)"
            d.max_abs = d.max_rel = d.max_ulp = math.inf
            results.append(d)
    return DiffResult(reference, candidate, results, tolerances)


def _compare_record(d, ref, cand):
    if cand.dtype != ref.dtype:
        d.problem = f"dtype {cand.dtype} in the candidate, {ref.dtype} in the reference"
    elif cand.shape != ref.shape:
        d.problem = f"shape [{cand.shape}] in the candidate, [{ref.shape}] in the reference"
    if d.problem:
        d.max_abs = d.max_rel = d.max_ulp = math.inf
        return
    ok, abs_err, rel_err, ulp = compare_values(ref.dtype, ref.values, cand.values, d.tolerance)
    d.max_abs, d.max_rel, d.max_ulp = (float(x.max()) if x.size else 0.0 for x in (abs_err, rel_err, ulp))
    bad = np.flatnonzero(~ok)
    d.failed_elements = int(bad.size)
    if bad.size:
        i = int(bad[0])
        d.index, d.ref_value, d.cand_value = i, ref.values[i], cand.values[i]
        d.ulp, d.max_abs_at_index = float(ulp[i]), float(abs_err[i])


def compare_values(dtype, ref_texts, cand_texts, tol):
    """Element-wise (pass, |b - a|, |b - a| / |a|, ULP distance) arrays; non-finite mismatches are infinite."""
    if dtype == "bool":
        eq = np.array([a == b for a, b in zip(ref_texts, cand_texts)], dtype=bool)
        err = np.where(eq, 0.0, 1.0)
        return eq, err, np.where(eq, 0.0, np.inf), err
    if dtype == "int64":
        a = np.array([int(x) for x in ref_texts], dtype=object)
        b = np.array([int(x) for x in cand_texts], dtype=object)
        eq = np.array([x == y for x, y in zip(a, b)], dtype=bool)
        err = np.array([float(abs(y - x)) for x, y in zip(a, b)], dtype=np.float64)
        rel = np.array([0.0 if e == 0 else (math.inf if x == 0 else e / abs(float(x)))
                        for x, e in zip(a, err)], dtype=np.float64)
        return eq, err, rel, err
    np_type, int_type = (np.float32, np.int32) if dtype == "float32" else (np.float64, np.int64)
    a = np.array([float(x) for x in ref_texts], dtype=np.float64).astype(np_type)
    b = np.array([float(x) for x in cand_texts], dtype=np.float64).astype(np_type)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    both_nan = np.isnan(a64) & np.isnan(b64)
    same_inf = np.isinf(a64) & (a64 == b64)
    finite = np.isfinite(a64) & np.isfinite(b64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_err = np.where(finite, np.abs(b64 - a64), np.where(both_nan | same_inf, 0.0, np.inf))
        rel_err = np.where(abs_err == 0, 0.0, np.where(a64 == 0, np.inf, abs_err / np.abs(a64)))
        rel_err = np.where(finite | both_nan | same_inf, rel_err, np.inf)
    if tol.exact:
        ok = (a.view(int_type) == b.view(int_type)) | both_nan
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            ok = np.where(finite, abs_err <= tol.atol + tol.rtol * np.abs(a64), both_nan | same_inf)
    return ok.astype(bool), abs_err, rel_err, ulp_distance(a, b)


def ulp_distance(a, b):
    """How many representable values of the arrays' float dtype lie between a and b (0 for +0 vs -0); nan
    against nan is 0, nan against a number infinite."""
    int_type = np.int32 if a.dtype == np.float32 else np.int64
    magnitude = np.iinfo(int_type).max

    def ordered(x):  # the bit patterns as a monotonic integer line: -0 and +0 both at 0
        bits = x.view(int_type).astype(np.int64)
        return np.where(bits < 0, -(bits & magnitude), bits)

    oa, ob = ordered(a), ordered(b)
    same_side = (oa >= 0) == (ob >= 0)
    with np.errstate(over="ignore"):
        near = np.abs(oa - ob).astype(np.float64)  # exact when both lie on one side of zero
    far = np.abs(oa).astype(np.float64) + np.abs(ob).astype(np.float64)  # across zero: may not fit int64
    dist = np.where(same_side, near, far)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    return np.where(nan_a & nan_b, 0.0, np.where(nan_a | nan_b, np.inf, dist))


def _num(x):
    if x == math.inf:
        return "inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.3g}"


def _span(steps):
    if not steps:
        return "none"
    return f"{steps[0]}..{steps[-1]} ({len(steps)})" if len(steps) > 1 else str(steps[0])


def _examples(recording, n=3):
    keys = [f"{r.checkpoint}/{r.name}@{r.step}" for r in recording.records[:n]]
    return ", ".join(keys) if keys else "(no records)"

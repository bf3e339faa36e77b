"""``bridge-parity diff REF.csv CAND.csv`` (also ``python -m bridge.parity diff``): exit 0 when the runs agree,
1 when they differ, 2 when the input cannot be compared. Never a traceback: every failure is a message."""

import argparse
import sys

from . import report
from .diff import DEFAULT_ATOL, DEFAULT_RTOL, Tolerance, Tolerances, compare
from .schema import UnusableInput, read_recording

AGREE, DIFFER, UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code for usage errors is 2 as well
        self.print_usage(sys.stderr)
        print(f"bridge-parity: error: {message}", file=sys.stderr)
        sys.exit(UNUSABLE)


def build_parser():
    """The argument parser of ``bridge-parity`` (its one command, ``diff``, and the options)."""
    ap = _Parser(prog="bridge-parity", description="Compare parity recordings (CSV) of two runs of a model.")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    d = sub.add_parser("diff", help="compare CAND against REF; exit 0 agree, 1 differ, 2 unusable input")
    d.__class__ = _Parser
    d.add_argument("reference", metavar="REF.csv")
    d.add_argument("candidate", metavar="CAND.csv")
    d.add_argument("--rtol", type=float, default=DEFAULT_RTOL, help=f"relative tolerance (default {DEFAULT_RTOL:g})")
    d.add_argument("--atol", type=float, default=DEFAULT_ATOL, help=f"absolute tolerance (default {DEFAULT_ATOL:g})")
    d.add_argument("--exact", action="store_true", help="bitwise equality instead of rtol/atol")
    d.add_argument("--tolerances", metavar="FILE", help="per-name tolerances: lines 'PATTERN exact|rtol=R atol=A', "
                   "PATTERN an fnmatch pattern on checkpoint/name or name; the first match wins")
    d.add_argument("--junit", metavar="FILE", help="write a JUnit XML file (one test case per record name)")
    d.add_argument("--html", metavar="FILE", help="write an HTML report")
    d.add_argument("--markdown", metavar="FILE", help="write a Markdown report (and FILE's stem .svg beside it)")
    d.add_argument("--quiet", action="store_true", help="print only the verdict line")
    return ap


def run_diff(args):
    """Runs ``bridge-parity diff`` for parsed ``args``: compares, writes the requested reports, prints the summary;
    returns the exit code."""
    if args.rtol < 0 or args.atol < 0 or args.rtol != args.rtol or args.atol != args.atol:
        raise UnusableInput(f"--rtol and --atol must be numbers >= 0 (got {args.rtol}, {args.atol})")
    default = Tolerance(exact=True, rtol=0, atol=0) if args.exact else Tolerance(rtol=args.rtol, atol=args.atol)
    rules = Tolerances.read_rules(args.tolerances) if args.tolerances else []
    reference = read_recording(args.reference)
    candidate = read_recording(args.candidate)
    result = compare(reference, candidate, Tolerances(default, rules))
    for path, writer in ((args.junit, report.write_junit), (args.html, report.write_html),
                         (args.markdown, report.write_markdown)):
        if path:
            try:
                writer(result, path)
            except OSError as e:
                raise UnusableInput(f"{path}: cannot write ({e.strerror or e})") from None
    print(result.verdict() if args.quiet else report.text_summary(result))
    return AGREE if result.agree else DIFFER


def main(argv=None):
    """The ``bridge-parity`` command line (``argv``: the arguments, sys.argv's if None); returns 0 agree, 1 differ, 2
    unusable input."""
    args = build_parser().parse_args(argv)
    if args.command != "diff":
        build_parser().print_help(sys.stderr)
        return UNUSABLE
    try:
        return run_diff(args)
    except UnusableInput as e:
        print(f"bridge-parity: unusable input: {e}", file=sys.stderr)
        return UNUSABLE
    except KeyboardInterrupt:
        return UNUSABLE
    except Exception as e:  # a bug of ours must still not look like a verdict, nor a traceback in a CI log
        print(f"bridge-parity: internal error ({type(e).__name__}: {e}); please report it", file=sys.stderr)
        return UNUSABLE

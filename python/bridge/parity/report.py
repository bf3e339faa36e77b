"""What a diff tells people: a JUnit file for CI, and Markdown/HTML pages (verdict first, then the first
divergence, then per-layer error against step as a hand-made SVG, the first divergent layer highlighted)."""

import html
import math
import os
import xml.etree.ElementTree as ET

MAX_LISTED_STEPS = 20


# ---- JUnit -------------------------------------------------------------------------------------------

def write_junit(result, path):
    """One <testcase> per record name (``checkpoint/name``); a failing one carries a <failure> whose message
    names the first failing step, the index, both values and their ULP distance."""
    labels = result.labels()
    failures = sum(1 for rs in labels.values() if any(not r.passed for r in rs))
    suite = ET.Element("testsuite", name="bridge-parity", tests=str(len(labels)), failures=str(failures),
                       errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    for k, v in (("reference", result.reference.path), ("candidate", result.candidate.path),
                 ("tolerance", str(result.tolerances.default))):
        ET.SubElement(props, "property", name=k, value=str(v))
    for label, records in labels.items():
        checkpoint, _, name = label.partition("/")
        case = ET.SubElement(suite, "testcase", classname=f"parity.{checkpoint}", name=name)
        bad = [r for r in records if not r.passed]
        if not bad:
            continue
        first = min(bad, key=lambda r: r.step)
        failure = ET.SubElement(case, "failure", type=_kind(first), message=first.describe())
        lines = [f"{len(bad)} of {len(records)} steps fail ({first.tolerance or 'n/a'}):"]
        lines += [r.describe() for r in bad[:MAX_LISTED_STEPS]]
        if len(bad) > MAX_LISTED_STEPS:
            lines.append(f"... and {len(bad) - MAX_LISTED_STEPS} more steps")
        failure.text = "\n".join(lines)
    root = ET.Element("testsuites", tests=str(len(labels)), failures=str(failures))
    root.append(suite)
    if hasattr(ET, "indent"):  # Python >= 3.9
        ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _kind(record):
    if record.problem is None:
        return "mismatch"
    return record.problem.split(" ", 1)[0]  # missing / extra / dtype / shape


# ---- the plot --------------------------------------------------------------------------------------------

PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
           "#ff7f0e", "#aec7e8", "#98df8a", "#c5b0d5"]
HIGHLIGHT = "#d62728"


def error_svg(result, width=760, height=360):
    """Max |candidate - reference| of each record name against step, log scale; exact matches sit on the
    bottom line ("exact"), unusable pairs (missing, shape) on the top line ("fail"). The first divergent name
    is drawn thick and red."""
    labels = result.labels()
    steps = sorted({r.step for rs in labels.values() for r in rs})
    finite = [r.max_abs for rs in labels.values() for r in rs if 0 < r.max_abs < math.inf]
    lo = math.floor(math.log10(min(finite))) - 1 if finite else -12
    hi = math.ceil(math.log10(max(finite))) if finite else 0
    hi = max(hi, lo + 2)
    left, right, top, bottom = 64, 210, 34, 44
    pw, ph = width - left - right, height - top - bottom
    band = 16  # room above the scale for "fail" points and below it for exact ones
    first_label = result.first.label if result.first else None

    def x(step):
        if len(steps) == 1:
            return left + pw / 2
        return left + pw * (steps.index(step)) / (len(steps) - 1)

    def y(err):
        if err == math.inf or err != err:
            return top
        if err <= 0:
            return top + ph
        e = min(max(math.log10(err), lo), hi)
        return top + band + (ph - 2 * band) * (hi - e) / (hi - lo)  # a band above for fail, below for exact

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img" '
           f'aria-label="per-layer error against step">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="18" font-size="13" font-weight="bold">max |candidate - reference| per name '
           f'and step (log scale)</text>']
    for e in range(lo, hi + 1):
        yy = y(10.0 ** e)
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + pw}" y2="{yy:.1f}" stroke="#e6e6e6"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">1e{e}</text>')
    out.append(f'<text x="{left - 6}" y="{top + ph + 4:.1f}" text-anchor="end">exact</text>')
    out.append(f'<text x="{left - 6}" y="{top + 4:.1f}" text-anchor="end" fill="{HIGHLIGHT}">fail</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>')
    ticks = steps if len(steps) <= 12 else [steps[round(i * (len(steps) - 1) / 10)] for i in range(11)]
    for s in ticks:
        out.append(f'<text x="{x(s):.1f}" y="{top + ph + 16}" text-anchor="middle">{s}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 8}" text-anchor="middle">step</text>')
    ordered = [lb for lb in labels if lb != first_label] + ([first_label] if first_label in labels else [])
    for i, label in enumerate(ordered):
        records = labels[label]
        hot = label == first_label
        color = HIGHLIGHT if hot else PALETTE[i % len(PALETTE)]
        pts = [(x(r.step), y(r.max_abs)) for r in records]
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            opacity = "1" if hot else "0.85"
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{3 if hot else 1.3}" '
                       f'opacity="{opacity}"><title>{html.escape(label)}</title></polyline>')
        for (px, py), r in zip(pts, records):
            mark = ' stroke="#000" stroke-width="1"' if not r.passed else ""
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{4 if hot else 2.5}" fill="{color}"{mark}>'
                       f'<title>{html.escape(label)} step {r.step}: {_g(r.max_abs)}</title></circle>')
    legend = ([first_label] if first_label in labels else []) + [lb for lb in labels if lb != first_label]
    shown = legend[:16]
    for i, label in enumerate(shown):
        ly = top + 8 + 16 * i
        hot = label == first_label
        color = HIGHLIGHT if hot else PALETTE[ordered.index(label) % len(PALETTE)]
        text = _short(label, 26) + (" (first divergence)" if hot else "")
        weight = "bold" if hot else "normal"
        out.append(f'<rect x="{width - right + 12}" y="{ly - 8}" width="12" height="{6 if hot else 4}" '
                   f'fill="{color}"/><text x="{width - right + 30}" y="{ly}" font-weight="{weight}">'
                   f'{html.escape(text)}</text>')
    if len(legend) > len(shown):
        out.append(f'<text x="{width - right + 12}" y="{top + 8 + 16 * len(shown)}">... {len(legend) - len(shown)} '
                   f'more</text>')
    out.append("</svg>")
    return "\n".join(out)


def _short(text, n):
    return text if len(text) <= n else text[: n - 1] + "…"


def _g(x):
    if x == math.inf:
        return "inf"
    return "0" if x == 0 else f"{x:.3g}"


# ---- Markdown and HTML -----------------------------------------------------------------------------------

def _table_rows(result):
    rows = []
    for label, records in result.labels().items():
        bad = [r for r in records if not r.passed]
        worst_abs = max(r.max_abs for r in records)
        worst_ulp = max(r.max_ulp for r in records)
        tol = records[0].tolerance
        rows.append((label, str(len(records)), "FAIL" if bad else "ok", f"{len(bad)}" if bad else "0",
                     str(min(r.step for r in bad)) if bad else "", _g(worst_abs), _g(worst_ulp),
                     str(tol) if tol else "n/a"))
    return rows


HEAD = ("name", "steps", "result", "failing steps", "first failing step", "max abs error", "max ulp", "tolerance")


def _summary_lines(result):
    lines = [f"reference: `{result.reference.path}` ({result.reference.runtime or '?'} "
             f"{result.reference.version or ''})".rstrip(),
             f"candidate: `{result.candidate.path}` ({result.candidate.runtime or '?'} "
             f"{result.candidate.version or ''})".rstrip()]
    note = result.length_note()
    if note:
        lines.append(f"note: {note}")
    return lines


def markdown(result, svg_name):
    """The Markdown report of ``result`` (a DiffResult), its plot referenced as the file ``svg_name``."""
    md = [f"# Parity: {result.headline()}", ""]
    md += [f"- {line}" for line in _summary_lines(result)] + [""]
    if result.first:
        r = result.first
        md += ["## First divergence", "", f"Step **{r.step}**, `{r.label}` (dtype {r.dtype}, shape [{r.shape}])", ""]
        if r.problem:
            md += [f"- {r.problem}", ""]
        else:
            md += [f"- index {r.index}: reference `{r.ref_value}`, candidate `{r.cand_value}`, "
                   f"{_g(r.ulp)} ulp apart",
                   f"- {r.failed_elements} of {r.count} elements outside `{r.tolerance}`; max abs error "
                   f"{_g(r.max_abs)}, max rel error {_g(r.max_rel)}", ""]
    md += ["## Error per name and step", "", f"![per-layer error against step]({svg_name})", "",
           "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for row in _table_rows(result):
        cells = list(row)
        cells[0] = f"`{cells[0]}`" if row[2] == "ok" else f"**`{cells[0]}`**"
        md.append("| " + " | ".join(cells) + " |")
    return "\n".join(md) + "\n"


def write_markdown(result, path):
    """Writes ``path`` and the plot beside it as ``<stem>.svg``."""
    stem = os.path.splitext(os.path.basename(path))[0]
    svg_path = os.path.join(os.path.dirname(os.path.abspath(path)), stem + ".svg")
    with open(svg_path, "w") as f:
        f.write(error_svg(result))
    with open(path, "w") as f:
        f.write(markdown(result, os.path.basename(svg_path)))


CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}
.verdict{font-size:1.6em;font-weight:bold;padding:.6em .8em;border-radius:6px;color:#fff}
.agree{background:#2e7d32}.differ{background:#c62828}
.first{border-left:6px solid #c62828;padding:.4em 1em;background:#fff5f5}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
tr.fail td{background:#fdecea}tr.hot td{background:#f8c9c4;font-weight:bold}code{font-size:.95em}"""


def html_page(result):
    """The HTML report of ``result`` (a DiffResult) as one self-contained page (the plot inline)."""
    e = html.escape
    cls = "agree" if result.agree else "differ"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Parity: {'AGREE' if result.agree else 'DIFFER'}</title><style>{CSS}</style></head><body>",
             f'<div id="verdict" class="verdict {cls}">{e(result.headline())}</div>',
             "<ul>" + "".join(f"<li>{e(line.replace('`', ''))}</li>" for line in _summary_lines(result)) + "</ul>"]
    if result.first:
        r = result.first
        parts.append(f'<div id="first-divergence" class="first"><h2>First divergence</h2>'
                     f"<p>Step <b>{r.step}</b>, <code>{e(r.label)}</code> (dtype {e(r.dtype)}, shape [{e(r.shape)}])</p>")
        if r.problem:
            parts.append(f"<p>{e(r.problem)}</p></div>")
        else:
            parts.append(f"<p>index {r.index}: reference <code>{e(str(r.ref_value))}</code>, candidate "
                         f"<code>{e(str(r.cand_value))}</code>, {e(_g(r.ulp))} ulp apart; {r.failed_elements} of "
                         f"{r.count} elements outside <code>{e(str(r.tolerance))}</code>; max abs error "
                         f"{e(_g(r.max_abs))}</p></div>")
    parts.append("<h2>Error per name and step</h2>")
    parts.append(error_svg(result))
    parts.append("<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in HEAD) + "</tr></thead><tbody>")
    first_label = result.first.label if result.first else None
    for row in _table_rows(result):
        klass = "hot" if row[0] == first_label else ("fail" if row[2] == "FAIL" else "")
        parts.append(f'<tr class="{klass}">' + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts)


def write_html(result, path):
    """Writes html_page(result) to ``path``."""
    with open(path, "w") as f:
        f.write(html_page(result))


def text_summary(result, limit=10):
    """What the CLI prints: the verdict, the length note, the failing names."""
    lines = [result.verdict()]
    note = result.length_note()
    if note:
        lines.append(f"note: {note}")
    shown = 0
    for label, records in result.labels().items():
        bad = [r for r in records if not r.passed]
        if bad and shown < limit:
            lines.append(f"  FAIL {label}: {len(bad)} of {len(records)} steps; first: {min(bad, key=lambda r: r.step).describe()}")
            shown += 1
    return "\n".join(lines)

"""compare.py PROG [args]: runs a PyTorch program (kept outside this repository) with torch 1.13 (/usr/bin/python3)
and under ``import bridge as torch`` (as_bridge.py), and compares what they print: every number at rtol 1e-4
(atol 1e-6), the text around the numbers exactly. Timings (``time ..ms``, ``mfu``, ``ms/batch``) and object
addresses are masked; DROP (an environment regex) removes lines one runtime prints by design. The bridge side runs
BRIDGE_PY (default: this checkout's .venv). Prints RESULT: AGREE, RAN-DIFFERS or BLOCKED (with the error)."""
import re, subprocess, sys, os, math
here = os.path.dirname(os.path.abspath(__file__))
venv = os.environ.get("BRIDGE_PY", os.path.join(here, "..", "..", ".venv", "bin", "python"))
prog = os.path.abspath(sys.argv[1]); args = sys.argv[2:]
cwd = os.path.dirname(prog)
env = dict(os.environ, PYTHONHASHSEED="0")
def run(cmd):
    """The completed process, or a stand-in with rc 124 when it ran past T seconds (default 900)."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=int(os.environ.get("T", 900)))
    except subprocess.TimeoutExpired as e:
        class R: pass
        r = R(); r.stdout = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""); r.stderr = "TIMEOUT"; r.returncode = 124
        return r
t = run(["/usr/bin/python3", prog] + args)
b = run([venv, os.path.join(here, "as_bridge.py"), prog] + args)
mask = re.compile(r"time[: ]+[-\d.]+ ?m?s|mfu -?[\d.]+%|ms/batch\s+[\d.]+|0x[0-9a-fA-F]+|object at \S+|-{2,}|={2,}")
num = re.compile(r"(?<![A-Za-z_])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
def split(s):
    """(the numbers of a line, the line with each number replaced by N), after masking."""
    s = mask.sub("#", s)
    return [float(x) for x in num.findall(s)], num.sub("N", s)
drop = re.compile(os.environ["DROP"]) if os.environ.get("DROP") else None  # lines one runtime prints by design
tl, bl = [[l for l in o.splitlines() if not (drop and drop.search(l))] for o in (t.stdout, b.stdout)]
bad = 0; worst = 0.0; shown = 0
for i, (x, y) in enumerate(zip(tl, bl)):
    (nx, sx), (ny, sy) = split(x), split(y)
    ok = len(nx) == len(ny) and sx.replace(" ", "") == sy.replace(" ", "")
    if ok:
        for p, q in zip(nx, ny):
            if math.isnan(p) and math.isnan(q): continue
            d = abs(p - q)
            if d > 1e-4 * abs(p) + 1e-6: ok = False
            elif p != 0: worst = max(worst, d / abs(p))
    if not ok:
        bad += 1
        if shown < 6:
            shown += 1; print(f"line {i} differs:\n  torch : {x[:300]}\n  bridge: {y[:300]}")
if t.returncode != 0: print("TORCH FAILED:\n" + t.stderr[-3000:])
ran = b.returncode == 0
print(f"torch lines {len(tl)}, bridge lines {len(bl)}, lines differing {bad}, worst rel {worst:.2e}, bridge rc {b.returncode}")
if not ran: print("BRIDGE FAILED:\n" + b.stderr[-2500:])
print("RESULT:", "AGREE" if ran and bad == 0 and len(tl) == len(bl) and t.returncode == 0 else ("RAN-DIFFERS" if ran else "BLOCKED"))

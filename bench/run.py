#!/usr/bin/python3
"""One command for the issue #9 benchmark: the same workloads on Bridge (C#), PyTorch (Debian's reference BLAS,
and OpenBLAS through LD_LIBRARY_PATH), TorchSharp where it loads, and Bridge from Python where the package
exists; interleaved rounds, medians, then bench/RESULTS.md and PNG plots.

    /usr/bin/python3 bench/run.py [--rounds 3] [--threads 1,2] [--only REGEX] [--no-build]

Runtimes that cannot run here are listed in RESULTS.md with the reason and skipped; nothing else stops.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
PY = "/usr/bin/python3"
PEER = os.path.join(HERE, "peers", "torch_peer.py")
BRIDGE_DLL = os.path.join(HERE, "Bridge.Bench", "bin", "Release", "net10.0", "Bridge.Bench.dll")
TORCHSHARP_DIR = os.path.join(HERE, "peers", "TorchSharpPeer")
TORCHSHARP_DLL = os.path.join(TORCHSHARP_DIR, "bin", "Release", "net10.0", "TorchSharpPeer.dll")
OPENBLAS_CACHE = os.path.join(HERE, ".cache", "openblas")
OPENBLAS_DIR = os.path.join(OPENBLAS_CACHE, "x", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread")

# Workloads that run alone in a fresh process (peak memory must not include the others).
ALONE = ["mlp_peak_mb"]
# Slow with reference BLAS (about 3 s per 2048 product): measured in the first round only.
SLOW_REF = re.compile(r"matmul_f(32|64)_(1024|2048)(_tn|_nt)?$")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def ensure_openblas():
    """OpenBLAS unpacked into bench/.cache (never installed: that would switch the system's libblas)."""
    if os.path.exists(os.path.join(OPENBLAS_DIR, "libblas.so.3")):
        return None
    os.makedirs(OPENBLAS_CACHE, exist_ok=True)
    r = sh(["apt-get", "download", "libopenblas0-pthread"], cwd=OPENBLAS_CACHE)
    debs = glob.glob(os.path.join(OPENBLAS_CACHE, "libopenblas0-pthread_*.deb"))
    if not debs:
        return f"apt-get download libopenblas0-pthread failed: {r.stderr.strip()[-200:]}"
    sh(["dpkg-deb", "-x", debs[0], os.path.join(OPENBLAS_CACHE, "x")])
    return None if os.path.exists(os.path.join(OPENBLAS_DIR, "libblas.so.3")) else "OpenBLAS package has no libblas.so.3"


def ensure_matplotlib():
    if sh([PY, "-c", "import matplotlib"]).returncode == 0:
        return None
    if os.geteuid() != 0:
        return "matplotlib missing (apt-get install python3-matplotlib); plots skipped"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh(["apt-get", "install", "-y", "-q", "--no-install-recommends", "python3-matplotlib"], env=env)
    return None if sh([PY, "-c", "import matplotlib"]).returncode == 0 else "python3-matplotlib did not install; plots skipped"


def runtimes(args, notes):
    """name -> (command prefix, env). Each command takes --threads N [--only REGEX]."""
    rts = {}
    if not args.no_build:
        log("building bench/Bridge.Bench (Release)")
        r = sh(["dotnet", "build", os.path.join(HERE, "Bridge.Bench"), "-c", "Release", "-nologo", "--verbosity", "quiet"])
        if r.returncode != 0:
            sys.exit("Bridge.Bench build failed:\n" + r.stdout[-3000:])
    rts["bridge-cs"] = (["dotnet", BRIDGE_DLL], None)
    rts["torch"] = ([PY, PEER, "--runtime", "torch", "--label", "torch"], None)
    err = ensure_openblas()
    if err:
        notes.append(f"PyTorch + OpenBLAS skipped: {err}")
    else:
        env = dict(os.environ, LD_LIBRARY_PATH=OPENBLAS_DIR)
        rts["torch-openblas"] = ([PY, PEER, "--runtime", "torch", "--label", "torch-openblas"], env)
    # TorchSharp: a benchmark-only project; it needs a libstdc++ newer than Debian 12's (see PEERS.md).
    if os.path.isdir(TORCHSHARP_DIR):
        if not args.no_build:
            sh(["dotnet", "build", TORCHSHARP_DIR, "-c", "Release", "-nologo", "--verbosity", "quiet"])
        probe = sh(["dotnet", TORCHSHARP_DLL, "--threads", "1", "--only", "^add_1elem$"]) if os.path.exists(TORCHSHARP_DLL) else None
        if probe is not None and probe.returncode != 0:
            # Debian 12's libstdc++ lacks GLIBCXX_3.4.32, wanted only for a symbol nothing calls: mark that
            # requirement weak in the peer's own build output (PEERS.md) and try again.
            import elfweak
            libs = glob.glob(os.path.join(TORCHSHARP_DIR, "bin", "Release", "net10.0", "**", "libLibTorchSharp.so"), recursive=True)
            if sum(elfweak.mark_weak(p, "GLIBCXX_3.4.32") for p in libs):
                probe = sh(["dotnet", TORCHSHARP_DLL, "--threads", "1", "--only", "^add_1elem$"])
                if probe.returncode == 0:
                    notes.append("TorchSharp loaded after marking libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak "
                                 "(bench/elfweak.py; the one symbol tied to it, std::ios_base_library_init, is never called)")
        if probe is not None and probe.returncode == 0 and probe.stdout.strip():
            rts["torchsharp"] = (["dotnet", TORCHSHARP_DLL], None)
        else:
            why = (probe.stderr.strip().splitlines() or ["no output"])[-1][:300] if probe is not None else "project did not build"
            notes.append(f"TorchSharp skipped: it does not load here ({why})")
    else:
        notes.append("TorchSharp skipped: bench/peers/TorchSharpPeer is absent")
    # Bridge's package lives in the repository's .venv (scripts/python-package.sh, which `make bench` runs).
    venv_py = os.path.join(ROOT, ".venv", "bin", "python")
    bridge_py = venv_py if os.path.exists(venv_py) else PY
    probe = sh([bridge_py, PEER, "--runtime", "bridge", "--only", "^$"])
    if probe.returncode == 0:
        rts["bridge-py"] = ([bridge_py, PEER, "--runtime", "bridge", "--label", "bridge-py"], None)
    else:
        notes.append("Bridge (Python) skipped: " + (probe.stderr.strip().splitlines() or ["package not importable"])[-1])
    return rts


def run_one(cmd, env, threads, only, timeout=1800):
    full = cmd + ["--threads", str(threads)] + (["--only", only] if only else [])
    if env is not None and "LD_LIBRARY_PATH" in env:
        # OpenBLAS keeps its own thread pool, which torch.set_num_threads does not size: tell it directly.
        env = dict(env, OPENBLAS_NUM_THREADS=str(threads))
    try:
        r = subprocess.run(full, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"  timeout: {' '.join(full)}")
        return []
    if r.stderr.strip():
        for line in r.stderr.strip().splitlines()[-5:]:
            log("  " + line)
    rows = []
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default=None, help="regex over workload names")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-loop", action="store_true", help="skip Bridge's 10^6-step memory loop")
    ap.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from bench/out/raw.jsonl without running")
    args = ap.parse_args()
    if args.report_only:
        import report
        with open(os.path.join(OUT, "raw.jsonl")) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        runtimes_seen = {r["runtime"]: None for r in rows}
        threads = sorted({r["threads"] for r in rows})
        report.write(rows, runtimes_seen, threads, ["Rewritten from bench/out/raw.jsonl (--report-only): the run-time notes of the original run are not kept."], argparse.Namespace(rounds=max(r.get("round", 0) for r in rows) + 1), datetime.timedelta(0))
        return
    os.makedirs(OUT, exist_ok=True)
    notes = []
    rts = runtimes(args, notes)
    mpl = ensure_matplotlib()
    if mpl:
        notes.append(mpl)
    threads = [int(t) for t in args.threads.split(",")]
    only = args.only
    raw_path = os.path.join(OUT, "raw.jsonl")
    rows = []
    started = datetime.datetime.now()
    for rnd in range(args.rounds):
        order = list(rts)
        random.Random(rnd).shuffle(order)
        for t in threads:
            for name in order:
                cmd, env = rts[name]
                # Everything except the alone/loop workloads in one process; then those one by one.
                exclude = "|".join(ALONE + ["loop_growth_mb"])
                if name == "torch" and rnd > 0:
                    exclude += "|" + SLOW_REF.pattern.rstrip("$")
                pattern = f"^(?!({exclude})$)" + (f"(?:{only})" if only else "")
                log(f"round {rnd + 1}/{args.rounds}, {t} thread(s): {name}")
                got = run_one(cmd, env, t, pattern)
                for w in ALONE:
                    if not only or re.search(only, w):
                        got += run_one(cmd, env, t, f"^{w}$")
                for g in got:
                    g["round"] = rnd
                rows += got
                with open(raw_path, "a") as f:
                    for g in got:
                        f.write(json.dumps(g) + "\n")
    if not args.no_loop and (not only or re.search(only, "loop_growth_mb")):
        log("bridge-cs: 10^6-step memory loop")
        rows += run_one(rts["bridge-cs"][0], None, 1, "^loop_growth_mb$")
    elapsed = datetime.datetime.now() - started
    import report
    report.write(rows, rts, threads, notes, args, elapsed)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()

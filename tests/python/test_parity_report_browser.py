"""The diff's HTML report in a real headless browser (Debian's Chromium): it renders, verdict first, then the first
divergence, then the plot with the divergent layer in red. Skipped, saying why, where no Chromium is installed
(`apt-get install chromium`)."""
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "parity-fixtures" / "diff"
CLI_DLL = ROOT / "parity" / "Bridge.Parity.Cli" / "bin" / "Release" / "net10.0" / "Bridge.Parity.Cli.dll"
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH (apt-get install chromium)")


def chromium(tmp_path, *args):
    cmd = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1100", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def read_png(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA non-interlaced PNG, which Chromium writes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, prev, rows = zlib.decompress(idat), width * channels, bytearray(width * channels), []
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def near(pixel, color, tol=24):
    return all(abs(p - c) <= tol for p, c in zip(pixel, color))


def python_report(tmp_path, cand):
    page = tmp_path / "report.html"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-m", "bridge.parity", "diff", str(FIXTURES / "reference.csv"), str(FIXTURES / cand),
                        "--html", str(page)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return page


def csharp_report(tmp_path, cand):
    if not CLI_DLL.exists():
        pytest.skip(f"the C# tool is not built ({CLI_DLL}; dotnet build parity/Bridge.Parity.Cli -c Release)")
    page = tmp_path / "report.html"
    r = subprocess.run(["dotnet", str(CLI_DLL), "diff", str(FIXTURES / "reference.csv"), str(FIXTURES / cand), "--html", str(page)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return page


@pytest.mark.parametrize("make", [python_report, csharp_report], ids=["python", "csharp"])
def test_differ_report_renders_verdict_divergence_and_plot(tmp_path, make):
    page = make(tmp_path, "perturbed.csv")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    verdict, first, plot = text.index('id="verdict"'), text.index('id="first-divergence"'), text.index("<svg")
    assert verdict < first < plot  # verdict first, then the divergence, then the plot
    assert "DIFFER: 1 of 9 names disagree, first at step 1, forward/act" in text
    assert "forward/act (first divergence)" in text and "<polyline" in text

    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    width, height, rows = read_png(shot)
    assert (width, height) == (1000, 1100)
    pixels = [p for row in rows[::2] for p in row[::2]]
    assert len(set(pixels)) > 50, "the page rendered (nearly) blank"
    banner = max(sum(near(p, (0xC6, 0x28, 0x28)) for p in row) for row in rows[20:100])  # the red DIFFER banner
    assert banner > width * 0.9, f"no red verdict banner at the top (at most {banner} red pixels in a row)"
    plot_red = sum(near(p, (0xD6, 0x27, 0x28), 30) for p in pixels[len(pixels) // 3:])
    assert plot_red > 20, "the first divergent layer is not drawn in red"


def test_agree_report_is_green(tmp_path):
    page = python_report(tmp_path, "same.csv")
    shot = tmp_path / "shot.png"
    assert chromium(tmp_path, f"--screenshot={shot}", page.as_uri()).returncode == 0
    _, _, rows = read_png(shot)
    assert max(sum(near(p, (0x2E, 0x7D, 0x32)) for p in row) for row in rows[20:100]) > 900, "no green AGREE banner"

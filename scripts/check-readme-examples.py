"""The README's C# and Python examples are the files in examples/readme, verbatim: exits 1 naming the first
differing line otherwise, so the examples `make test` compiles and runs are the ones a reader copies."""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
pairs = {"csharp": root / "examples/readme/csharp/Program.cs", "python": root / "examples/readme/python/example.py"}
status = 0
for lang, path in pairs.items():
    blocks = re.findall(rf"```{lang}\n(.*?)```", readme, re.S)
    if not blocks:
        print(f"README.md has no ```{lang} block")
        status = 1
        continue
    want, have = path.read_text().splitlines(), blocks[0].splitlines()
    if want != have:
        n = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
        print(f"README.md's first {lang} block differs from {path.relative_to(root)} at line {n + 1}:")
        print(f"  README: {have[n] if n < len(have) else '<end>'}")
        print(f"  file:   {want[n] if n < len(want) else '<end>'}")
        status = 1
sys.exit(status)

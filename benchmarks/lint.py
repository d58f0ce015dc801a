"""`kg lint` on the seed table against a reference process measured in the same run:
`python -c "import spacy; spacy.blank('zh')"` (the least any kg command that reads text costs).
Runs alternate (reference, lint, reference, lint, ...) so both see the same machine load; the
medians and their ratio are printed, and with --record written to benchmarks/lint.md.

    python benchmarks/lint.py --runs 7 --record
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = [sys.executable, "-c", "import spacy; spacy.blank('zh')"]
LINT = [sys.executable, "-m", "kg", "lint", str(ROOT / "data" / "talks.md")]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="write benchmarks/lint.md")
    args = parser.parse_args()
    wall(REFERENCE), wall(LINT)  # warm the file cache
    reference, lint = [], []
    for _ in range(args.runs):
        reference.append(wall(REFERENCE))
        lint.append(wall(LINT))
    ref, mine = statistics.median(reference), statistics.median(lint)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# kg lint benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}."
        f" Load average at the end: {load}.",
        f"Command: `python benchmarks/lint.py --runs {args.runs}` (runs alternate).",
        "",
        "| process | runs | median wall s | all runs s |",
        "| --- | ---: | ---: | --- |",
        f"| reference: `import spacy; spacy.blank('zh')` | {args.runs} | {ref:.2f} | "
        + " ".join(f"{x:.2f}" for x in reference) + " |",
        f"| `kg lint data/talks.md` | {args.runs} | {mine:.2f} | "
        + " ".join(f"{x:.2f}" for x in lint) + " |",
        "",
        f"Ratio kg lint / reference: {mine / ref:.2f}x (target <= 1.5x).",
    ]
    print("\n".join(lines))
    if args.record:
        (ROOT / "benchmarks" / "lint.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

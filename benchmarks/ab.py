"""Time one `kg` command under two source trees, side by side: this checkout ("new") and another
checkout of kg ("old", e.g. `git worktree add ../kg-old main`), alternating run by run so that load
on the machine falls on both alike; print the medians and their ratio.

    python benchmarks/ab.py --old ../kg-old [--runs 5] -- build --input data/talks.md

Each run is a fresh process with `PYTHONPATH` set to the tree (its code and its `ontology/`) and
`python -P`, so that neither this checkout's folder nor an installed kg comes first (the tree
each run imports is checked before timing), in a fresh output directory (the build cache would
otherwise answer at once). Both trees read the same input files, this checkout's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported(tree: Path) -> Path:
    """The folder of the kg a run under `tree` imports."""
    code = "import kg, pathlib; print(pathlib.Path(kg.__file__).resolve().parent.parent)"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    found = subprocess.run(
        [sys.executable, "-P", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip())


def run(tree: Path, command: list[str]) -> float:
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-P", "-m", "kg", *command, "--output-dir", out],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the other checkout of kg")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the kg command")
    args = parser.parse_args()
    command = [c for c in args.command if c != "--"]
    for tree in (args.old.resolve(), ROOT):
        if imported(tree) != tree:
            parser.error(f"a run under {tree} imports the kg of {imported(tree)}")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.runs):
        times["old"].append(run(args.old.resolve(), command))
        times["new"].append(run(ROOT, command))
    old, new = (statistics.median(times[k]) for k in ("old", "new"))
    print(f"kg {' '.join(command)}: medians of {args.runs} runs, alternating")
    print("| tree | median s | runs s |\n| --- | ---: | --- |")
    for name, median in (("old", old), ("new", new)):
        print(f"| {name} | {median:.2f} | {' / '.join(f'{t:.2f}' for t in times[name])} |")
    print(f"new / old: {new / old:.2f}; new - old: {new - old:+.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

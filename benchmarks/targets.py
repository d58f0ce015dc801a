"""The issue's targets, each beside its reference measured in the same session (medians):

- the seed build and `kg build --check` on unchanged inputs, against the process
  `python -c "import spacy; spacy.blank('zh')"` (runs interleaved, so load hits both alike);
- the 10k and 100k builds (`--jobs 2 --no-html`): wall, CPU, peak memory, growth, KB per talk;
- the Oxigraph store `kg query` builds for the 100k export.

    python benchmarks/make_tables.py --talks 10000 --talks 100000
    python benchmarks/targets.py [--runs 3] [--big-runs 1]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from run import timed

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    blank = [sys.executable, "-c", "import spacy; spacy.blank('zh')"]
    work = Path(tempfile.mkdtemp(prefix="kg-targets-"))
    seed = str(REPO / "data" / "talks.md")
    reference, builds, checks = [], [], []
    for _ in range(args.runs):
        reference.append(timed(blank)[0])
        builds.append(timed([*kg, "build", "--input", seed, "--output-dir", str(work / "seed")])[0])
        checks.append(
            timed([*kg, "build", "--check", "--input", seed, "--output-dir", str(work / "seed")])[0]
        )
    ref = median(reference)
    print(f"spacy.blank process: {ref:.2f} s (median of {args.runs})")
    print(f"seed build: {median(builds):.2f} s = {median(builds) / ref:.2f}x (target <= 2x)")
    print(f"check, unchanged: {median(checks):.2f} s = {median(checks) / ref:.2f}x (target <= 1.5x)")
    walls = {}
    for size in (10_000, 100_000):
        table = args.data / f"talks-{size}.md"
        out = work / str(size)
        runs = [
            timed([*kg, "build", "--input", str(table), "--output-dir", str(out), "--jobs", "2",
                   "--no-html"])  # fmt: skip
            for _ in range(args.big_runs)
        ]
        walls[size] = median([r[0] for r in runs])
        cpu = median([r[1] for r in runs])
        peak = max(r[2] for r in runs) / 2**30
        per_talk = (out / "talks.ttl").stat().st_size / size / 1000
        print(
            f"{size} talks: {walls[size]:.1f} s wall, {cpu:.1f} s CPU, {peak:.2f} GiB peak, "
            f"{per_talk:.1f} KB per talk (median of {args.big_runs})"
        )
    print(f"growth 10k -> 100k: {walls[100_000] / walls[10_000]:.1f}x (target <= 10.5x)")
    export = work / "100000" / "talks.ttl"
    store = timed([*kg, "query", "ASK { ?s ?p ?o }", "--graph", str(export), "--engine", "oxigraph"])
    print(f"Oxigraph store for the 100k export, with one query: {store[0]:.1f} s (target <= 30 s)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""The issue's targets, each beside its reference measured in the same session (medians):

- the seed build and `kg build --check` on unchanged inputs, against the process
  `python -c "import spacy; spacy.blank('zh')"` (runs interleaved, so load hits both alike);
- the 10k and 100k builds (`--jobs 2 --no-html`): wall, CPU, peak memory, growth, KB per talk;
- the Oxigraph store `kg query` builds for the 100k export (built afresh each run).

Every build starts without the output folder's cache (.kg-cache/), as a first build does; a
last 100k build then runs with the cache of the one before (no table changed). The load average
is printed beside each figure: other work on the machine slows the build and its reference alike.

    python benchmarks/make_tables.py --talks 10000 --talks 100000
    python benchmarks/targets.py [--runs 3] [--big-runs 1] [--no-seed]
"""

from __future__ import annotations

import argparse
import os
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


def load() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())


def clean_build(command: list[str], out: Path) -> tuple[float, float, int]:
    """`kg build` into `out` without the cache of an earlier build (a first build)."""
    shutil.rmtree(out / ".kg-cache", ignore_errors=True)
    return timed(command)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--no-seed", action="store_true", help="only the 10k and 100k figures")
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    blank = [sys.executable, "-c", "import spacy; spacy.blank('zh')"]
    work = Path(tempfile.mkdtemp(prefix="kg-targets-"))
    seed = str(REPO / "data" / "talks.md")
    reference, builds, checks = [], [], []
    seed_out = work / "seed"
    for _ in range(0 if args.no_seed else args.runs):
        reference.append(timed(blank)[0])
        builds.append(
            clean_build([*kg, "build", "--input", seed, "--output-dir", str(seed_out)], seed_out)[0]
        )
        checks.append(
            timed([*kg, "build", "--check", "--input", seed, "--output-dir", str(seed_out)])[0]
        )
    if not args.no_seed:
        ref = median(reference)
        print(f"spacy.blank process: {ref:.2f} s (median of {args.runs}; {load()})")
        print(f"seed build: {median(builds):.2f} s = {median(builds) / ref:.2f}x (target <= 2x)")
        print(
            f"check, unchanged: {median(checks):.2f} s = {median(checks) / ref:.2f}x "
            "(target <= 1.5x)"
        )
    walls = {}
    for size in (10_000, 100_000):
        table = args.data / f"talks-{size}.md"
        out = work / str(size)
        build = [*kg, "build", "--input", str(table), "--output-dir", str(out), "--jobs", "2",
                 "--no-html"]  # fmt: skip
        runs, references = [], []
        for _ in range(args.big_runs):
            references.append(timed(blank)[0])
            runs.append(clean_build(build, out))
        walls[size] = median([r[0] for r in runs])
        cpu = median([r[1] for r in runs])
        peak = max(r[2] for r in runs) / 2**30
        per_talk = (out / "talks.ttl").stat().st_size / size / 1000
        print(
            f"{size} talks: {walls[size]:.1f} s wall, {cpu:.1f} s CPU, {peak:.2f} GiB peak, "
            f"{per_talk:.1f} KB per talk (median of {args.big_runs}; runs "
            + ", ".join(f"{r[0]:.1f}" for r in runs)
            + f"); spacy.blank process beside them: {median(references):.2f} s; {load()}"
        )
    print(f"growth 10k -> 100k: {walls[100_000] / walls[10_000]:.1f}x (target <= 10.5x)")
    out = work / "100000"
    cached = timed(build)
    print(f"100000 talks again, the table unchanged (from the cache): {cached[0]:.1f} s; {load()}")
    export = out / "talks.ttl"
    stores = []
    for _ in range(args.big_runs):
        shutil.rmtree(out / f".oxigraph-{export.name}", ignore_errors=True)
        stores.append(
            timed(
                [*kg, "query", "ASK { ?s ?p ?o }", "--graph", str(export), "--engine", "oxigraph"]
            )
        )
    print(
        f"Oxigraph store for the 100k export, with one query: {median([s[0] for s in stores]):.1f} s "
        f"(target <= 30 s; median of {args.big_runs}; runs "
        + ", ".join(f"{s[0]:.1f}" for s in stores)
        + f", {max(s[2] for s in stores) / 2**30:.2f} GiB peak); {load()}"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""Time `kg build` on generated tables of 1k, 10k and 100k talks; write benchmarks/results.md.

For each size: wall time, talks per second and peak RSS (the sum over kg and its worker
processes, sampled every 50 ms) of `kg build --no-html`, the median of several runs (fewer for the
big sizes). Then `kg query` over the biggest export, with pyoxigraph and with rdflib.

    python benchmarks/make_tables.py --talks 1000 --talks 10000 --talks 100000
    python benchmarks/run.py --jobs 2
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RUNS = {1000: 5, 10000: 3, 100000: 3}


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def timed(command: list[str]) -> tuple[float, int]:
    """Run `command`; return (wall seconds, peak RSS of its process tree in bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, error = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.decode()}")
    return time.perf_counter() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(RUNS))
    parser.add_argument("--runs", type=int, default=None, help="runs per size (default 5/3/3)")
    parser.add_argument("--out", type=Path, default=ROOT / "results.md")
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    gazetteer = ["--gazetteer", str(ROOT / "gazetteer.ttl")]
    rows, seconds = [], {}
    with tempfile.TemporaryDirectory() as out:
        for size in args.sizes:
            table = args.data / f"talks-{size}.md"
            runs = []
            for _ in range(args.runs or RUNS.get(size, 3)):
                command = [*kg, "build", "--input", str(table), *gazetteer, "--output-dir", out]
                runs.append(timed([*command, "--no-html", "--jobs", str(args.jobs)]))
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            seconds[size] = wall
            size_mb = (Path(out) / "talks.ttl").stat().st_size / 1e6
            rows.append(
                f"| {size:,} | {len(runs)} | {wall:.1f} | {min(r[0] for r in runs):.1f} "
                f"| {size / wall:,.0f} | {rss / 2**20:,.0f} | {size_mb:,.0f} |"
            )
            print(rows[-1], flush=True)
    lines = [
        "# kg build benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}.",
        f"Command: `kg build --input talks-N.md --gazetteer benchmarks/gazetteer.ttl --no-html --jobs {args.jobs}`"
        " (tables from benchmarks/make_tables.py). Load average at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + ".",
        "",
        "| talks | runs | median s | best s | talks/s | peak RSS MiB | talks.ttl MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]
    if 10000 in seconds and 100000 in seconds:
        lines += ["", f"100k / 10k time: {seconds[100000] / seconds[10000]:.1f}x (target <= 11x)."]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""Time `kg build` on generated tables of 1k, 10k and 100k talks; write benchmarks/results.md.

For each size: wall time, CPU time, talks per second and peak memory (PSS of kg and its worker
processes, sampled every 50 ms, after 5 s every 500 ms) of `kg build --jobs N`, the median of
several runs. Then the README's queries (queries/*.rq) with `kg query`: Oxigraph on the 10k and
100k exports, rdflib on the 1k export.

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
QUERIES = ROOT.parent / "queries"
RUNS = {1000: 5, 10000: 3, 100000: 3}


def tree_pss(pid: int) -> int:
    """Proportional memory (bytes) of `pid` and its descendants: shared pages (forked workers)
    are counted once, not once per process as a sum of RSS would."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def timed(command: list[str]) -> tuple[float, float, int]:
    """Run `command`; return (wall seconds, CPU seconds of it and its workers, peak memory)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            # Every 50 ms for 5 s, then every 500 ms: reading the memory of big processes is
            # kernel work that would slow the build it measures.
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_pss(process.pid))
                time.sleep(0.05 if time.perf_counter() - started < 5 else 0.5)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, peak


def query_times(kg: list[str], export: Path, engine: str, runs: int = 3) -> list[str]:
    """Median wall time of `kg query` (the whole command) for each benchmarks/queries/*.rq."""
    cells = []
    for path in sorted(QUERIES.glob("*.rq")):
        times = [
            timed([*kg, "query", str(path), "--graph", str(export), "--engine", engine])[0]
            for _ in range(runs)
        ]
        cells.append(f"{statistics.median(times):.2f}")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(RUNS))
    parser.add_argument("--runs", type=int, default=None, help="runs per size (default 5/3/3)")
    parser.add_argument("--out", type=Path, default=ROOT / "results.md")
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    rows, seconds, queries = [], {}, []
    with tempfile.TemporaryDirectory() as out:
        for size in args.sizes:
            table = args.data / f"talks-{size}.md"
            export = Path(out) / str(size) / "talks.ttl"
            command = [*kg, "build", "--input", str(table), "--output-dir", str(export.parent)]
            runs = [
                timed([*command, "--jobs", str(args.jobs)])
                for _ in range(args.runs or RUNS.get(size, 3))
            ]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            memory = statistics.median(r[2] for r in runs)
            seconds[size] = wall
            rows.append(
                f"| {size:,} | {len(runs)} | {wall:.1f} | {min(r[0] for r in runs):.1f} | {cpu:.1f} "
                f"| {size / wall:,.0f} | {memory / 2**20:,.0f} | {export.stat().st_size / 1e6:,.0f} |"
            )
            print(rows[-1], flush=True)
            if size >= 10000:
                ask = [*kg, "query", "ASK { ?s ?p ?o }", "--graph", str(export)]
                first = timed([*ask, "--engine", "oxigraph"])
                cells = query_times(kg, export, "oxigraph")
                queries.append(
                    f"| {size:,} | Oxigraph (store built once: {first[0]:.0f} s) | "
                    + " | ".join(cells)
                    + " |"
                )
                print(queries[-1], flush=True)
            elif size == 1000:
                cells = query_times(kg, export, "rdflib")
                queries.append(
                    f"| {size:,} | rdflib (parses the file each time) | " + " | ".join(cells) + " |"
                )
                print(queries[-1], flush=True)
    lines = [
        "# kg build benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}.",
        f"Command: `kg build --input talks-N.md --jobs {args.jobs}`"
        " (tables from benchmarks/make_tables.py). Load average at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + ".",
        "CPU s is user + system time of kg and its workers; memory is the peak proportional set size"
        " (PSS) of kg and its workers together, sampled every 50 ms (after 5 s, every 500 ms).",
        "",
        "| talks | runs | median wall s | best wall s | CPU s | talks/s | peak memory MiB | talks.ttl MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]
    if 10000 in seconds and 100000 in seconds:
        lines += ["", f"100k / 10k time: {seconds[100000] / seconds[10000]:.1f}x (target <= 11x)."]
    if queries:
        names = [p.stem for p in sorted(QUERIES.glob("*.rq"))]
        lines += [
            "",
            "`kg query` wall time in seconds (the whole command, median of 3) for the README's"
            " queries (queries/*.rq):",
            "",
            "| talks | engine | " + " | ".join(names) + " |",
            "| ---: | --- |" + " ---: |" * len(names),
            *queries,
        ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

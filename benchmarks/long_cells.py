"""Benchmark: build time of a table whose one summary cell is long (`python benchmarks/long_cells.py`).

Builds in memory (nothing is written) and prints the median of several runs per input:
- realistic prose: the real summaries repeated up to N bytes (short sentences, few mentions);
- repeated mentions: "Ray Serve 中文 " N times (one mention every 13 characters, no sentence end).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"


def real_prose(size: int) -> str:
    rows = (ROOT / "data" / "talks.md").read_text(encoding="utf-8").splitlines()[2:]
    text = " ".join(row.rsplit("|", 2)[-2].strip() for row in rows if row.startswith("|"))
    data = (text * (size // len(text.encode()) + 1)).encode()[:size]
    return data.decode("utf-8", "ignore")


def seconds(summary: str, runs: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "talks.md"
        table.write_text(
            HEADER + f"| Ray Serve | Long \\| Ray Summit 2025 | {summary} |\n", "utf-8"
        )
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            build([table], Path(folder) / "out", write=False)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"median of {runs} runs, build in memory")
    for size in (250_000, 500_000, 1_000_000):
        print(f"realistic prose, {size:>9} bytes: {seconds(real_prose(size), runs):6.2f} s")
    for count in (1_000, 2_000, 4_000):
        summary = "Ray Serve 中文 " * count
        print(f"repeated mentions, {count:>6} x: {seconds(summary, runs):6.2f} s")


if __name__ == "__main__":
    main()

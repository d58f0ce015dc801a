"""Write benchmark tables of N talks by recombining the seed table's rows under unique titles.

Talk k is seed row k (mod 72) under the title "<title> #k", at an event drawn from a short list of
conferences, so the tables look like several events' worth of the seed. (A title and a summary
from different rows can name both employers of two namesakes, "Han" at Adobe and "Han" at
Character.AI, which the extractor links to both: an export that fails its SHACL check.) The output
is deterministic for the same arguments.

    python benchmarks/make_tables.py --talks 1000 --talks 10000 --talks 100000 --out benchmarks/data
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.ontology import slug
from kg.table import read_table

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "talks.md"
EVENTS = (
    "Ray Summit 2025",
    "Ray Summit 2024",
    "PyTorch Conference 2025",
    "KubeCon Summit 2025",
    "AI Infra Summit 2025",
)
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def rows(talks: int, seed: int = 6) -> list[str]:
    """The table rows of `talks` talks, each with a title unique within its event."""
    source = read_table(SEED)
    rng = random.Random(seed)
    lines, seen = [], set()
    for k in range(talks):
        head = body = source[k % len(source)]
        event = EVENTS[rng.randrange(len(EVENTS))]
        title = f"{head.title} #{k + 1}"
        key = (slug(event), slug(title))
        assert key not in seen, key
        seen.add(key)
        summary = body.summary or "原视频描述有误"
        lines.append(f"| {cell(head.track)} | {cell(title)} \\| {event} | {cell(summary)} |\n")
    return lines


def write_tables(talks: int, out: Path, files: int = 1) -> list[Path]:
    """Write `talks` talks as `files` tables (talks-N.md, or talks-N/part-XX.md); return the paths."""
    lines = rows(talks)
    if files == 1:
        paths = [out / f"talks-{talks}.md"]
    else:
        folder = out / f"talks-{talks}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"part-{i:02d}.md" for i in range(files)]
    out.mkdir(parents=True, exist_ok=True)
    size = -(-len(lines) // files)
    for i, path in enumerate(paths):
        path.write_text(HEADER + "".join(lines[i * size : (i + 1) * size]), encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, action="append", required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--files", type=int, default=1, help="split each table into this many")
    args = parser.parse_args()
    for talks in args.talks:
        for path in write_tables(talks, args.out, args.files):
            print(path)


if __name__ == "__main__":
    main()

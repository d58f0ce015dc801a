"""What the generated gazetteer layer costs: `kg build` on the seed table, and extraction per talk,
with the curated core alone ("old") and with the generated layer ("new"), side by side.

    python benchmarks/gazetteer.py [--runs 5] [--input data/talks.md]

Each figure is the median of --runs runs; old and new runs alternate, so load on the machine
falls on both alike. The build is the whole `kg build` command in a fresh process (start-up,
loading, matching, export, SHACL, writing); "old" is the same code with the generated layer
left out (`kg.ontology.read_layer` returns no entities).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = """
import sys, time
import kg.ontology
if sys.argv[1] == "old":
    kg.ontology.read_layer = lambda: {"entities": []}
from kg.cli import main
start = time.perf_counter()
try:
    main(["build", "--input", sys.argv[2], "--output-dir", sys.argv[3]])
except SystemExit:
    pass
print("WALL", time.perf_counter() - start, file=sys.stderr)
"""


def build_seconds(which: str, table: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", BUILD, which, str(table), out],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def extraction(which: str, table: Path) -> tuple[float, float, float, int, int]:
    """Seconds to load the gazetteer and build the matcher; seconds per talk to match (extract)
    and to find the links (extract, speakers, link: the stage a talk goes through); the number
    of entities and of links."""
    import kg.ontology
    from kg.extract import build_nlp, extract
    from kg.pipeline import find_links, read_talks

    talks = read_talks([table])
    start = time.perf_counter()
    gazetteer = kg.ontology.load_gazetteer(layer=which == "new")
    nlp = build_nlp(gazetteer)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    extract(nlp, gazetteer, talks)
    matching = (time.perf_counter() - start) / len(talks)
    start = time.perf_counter()
    found = find_links(nlp, gazetteer, talks)
    per_talk = (time.perf_counter() - start) / len(talks)
    return setup, matching, per_talk, len(gazetteer.entities), len(found.links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--input", type=Path, default=Path("data/talks.md"))
    args = parser.parse_args()
    builds: dict[str, list[float]] = {"old": [], "new": []}
    setups: dict[str, list[float]] = {"old": [], "new": []}
    talks: dict[str, list[float]] = {"old": [], "new": []}
    matching: dict[str, list[float]] = {"old": [], "new": []}
    sizes: dict[str, tuple[int, int]] = {}
    for _ in range(args.runs):
        for which in ("old", "new"):
            builds[which].append(build_seconds(which, args.input))
            setup, matched, per_talk, entities, links = extraction(which, args.input)
            setups[which].append(setup)
            matching[which].append(matched)
            talks[which].append(per_talk)
            sizes[which] = (entities, links)
    print(f"{args.input}, medians of {args.runs} runs, old = curated core, new = with the layer")
    print("| measure | old | new | new / old | new - old |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values, unit, scale in (
        ("kg build, whole command", builds, "s", 1.0),
        ("load gazetteer + build matcher", setups, "s", 1.0),
        ("matching (extract), per talk", matching, "ms", 1000.0),
        ("extract, speakers and link, per talk", talks, "ms", 1000.0),
    ):
        old, new = statistics.median(values["old"]), statistics.median(values["new"])
        print(
            f"| {name} | {old * scale:.3f} {unit} | {new * scale:.3f} {unit} | {new / old:.2f}"
            f" | {(new - old) * scale:+.3f} {unit} |"
        )
    for which in ("old", "new"):
        print(f"{which}: {sizes[which][0]} entities, {sizes[which][1]} links")


if __name__ == "__main__":
    main()

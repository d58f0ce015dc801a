"""What the version patterns and the cues cost: extraction time per talk with them, beside a
reference run without them (the gazetteer matcher, speakers by the presenter clause and linking
only), in the same process, alternating, medians of several runs.

    python benchmarks/extraction_cost.py [--runs 7] [--copies 10]

Tables: the seed and every annotated table under tests/data/, each repeated `--copies` times
(under other titles) so that a run lasts long enough to time. Prints a Markdown table for
benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from kg import speakers
from kg.extract import build_nlp
from kg.ontology import load_gazetteer
from kg.pipeline import find_links, read_talks

ROOT = Path(__file__).resolve().parent.parent


def none(*_args: object) -> tuple[dict, list]:
    return {}, []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    tables = [ROOT / "data" / "talks.md"]
    tables += [
        gold.parent / "talks.md" for gold in sorted(ROOT.glob("tests/data/*/talks.gold.tsv"))
    ]
    talks = []
    for table in tables:
        for talk in read_talks([table], table.parent.name):
            talks += [replace(talk, title=f"{talk.title} ({n})") for n in range(args.copies)]
    gazetteer = load_gazetteer()
    nlp = build_nlp(gazetteer)
    find_links(nlp, gazetteer, talks[:50])  # warm up
    versions, cued = speakers.find_versions, speakers._cued
    times: dict[str, list[float]] = {"reference": [], "with patterns and cues": []}
    for _ in range(args.runs):
        for name in times:
            on = name != "reference"
            speakers.find_versions = versions if on else none  # type: ignore[assignment]
            speakers._cued = cued if on else none  # type: ignore[assignment]
            started = time.perf_counter()
            find_links(nlp, gazetteer, talks)
            times[name].append(time.perf_counter() - started)
    speakers.find_versions, speakers._cued = versions, cued
    reference = statistics.median(times["reference"])
    print(f"{len(talks)} talks ({len(tables)} tables x {args.copies}), {args.runs} runs each")
    print()
    print("| extraction | median s | ms per talk | ratio to reference |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(
            f"| {name} | {median:.2f} | {1000 * median / len(talks):.2f} | {median / reference:.2f} |"
        )


if __name__ == "__main__":
    main()

"""The issue's reference for the big builds: Morph-KGC, a mapping-only RML engine, turning the
same table into RDF, one node per talk with its type, title, track and summary (four triples).

Morph-KGC reads CSV, not Markdown tables: `prepare` writes the table's talks as CSV with a
mapping and a configuration (not timed), and returns the command that runs Morph-KGC on them.
Morph-KGC is not a dependency of kg; install it into a venv of its own and pass its Python to
`targets.py --morph-python` (or run this file to time it alone):

    python -m venv /tmp/morph && /tmp/morph/bin/pip install morph-kgc
    python benchmarks/morph.py benchmarks/data/talks-100000.md --morph-python /tmp/morph/bin/python
"""

from __future__ import annotations

import argparse
import csv
import statistics
from pathlib import Path

from kg.ontology import slug
from kg.table import read_table

MAPPING = """\
@prefix rr: <http://www.w3.org/ns/r2rml#> .
@prefix rml: <http://semweb.mmlab.be/ns/rml#> .
@prefix ql: <http://semweb.mmlab.be/ns/ql#> .
@prefix schema: <https://schema.org/> .
@prefix kg: <https://example.org/kg/vocab#> .

<#Talk> a rr:TriplesMap ;
    rml:logicalSource [ rml:source "{source}" ; rml:referenceFormulation ql:CSV ] ;
    rr:subjectMap [ rr:template "https://example.org/kg/id/talk/{id}" ; rr:class kg:Talk ] ;
    rr:predicateObjectMap [ rr:predicate schema:name ; rr:objectMap [ rml:reference "title" ] ] ,
        [ rr:predicate kg:track ; rr:objectMap [ rml:reference "track" ] ] ,
        [ rr:predicate kg:summary ; rr:objectMap [ rml:reference "summary" ] ] .
"""
CONFIG = """\
[CONFIGURATION]
output_file = {output}
output_format = N-TRIPLES

[Talks]
mappings = {mapping}
"""


def prepare(table: Path, work: Path, python: str) -> list[str]:
    """Write `table` as talks.csv with the mapping and configuration into `work`; return the
    command that runs Morph-KGC there (it writes work/out.nt)."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / "talks.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "track", "summary"])
        for talk in read_table(table):
            ident = f"{slug(talk.event or '')}/{slug(talk.title)}"
            writer.writerow([ident, talk.title, talk.track, talk.summary])
    (work / "mapping.ttl").write_text(
        MAPPING.replace("{source}", str(work / "talks.csv")), encoding="utf-8"
    )
    config = CONFIG.replace("{output}", str(work / "out.nt"))
    (work / "config.ini").write_text(
        config.replace("{mapping}", str(work / "mapping.ttl")), encoding="utf-8"
    )
    return [python, "-m", "morph_kgc", str(work / "config.ini")]


def main() -> None:
    import tempfile

    from run import timed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path)
    parser.add_argument("--morph-python", required=True, help="a Python with morph-kgc")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as location:
        work = Path(location)
        command = prepare(args.table.resolve(), work, args.morph_python)
        walls = []
        for _ in range(args.runs):
            walls.append(timed(command)[0])
        lines = sum(1 for _ in (work / "out.nt").open("rb"))
    print(f"Morph-KGC: {statistics.median(walls):.1f} s (median of {args.runs}), {lines} triples")


if __name__ == "__main__":
    main()

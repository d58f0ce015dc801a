"""Candidates for the export's one writer and one validator, timed on the same graph.

    python benchmarks/make_tables.py --talks 1000      # benchmarks/tables/talks-1000.md
    python benchmarks/writers.py [--runs 3] [TABLE ...]

Writers: rdflib's Turtle serializer over the graph rdflib builds (`kg.rdf.to_graph`), pyoxigraph's
serializer over the same triples sorted (its own term objects made from rdflib's), and kg.turtle
(blocks rendered as text, the context by rdflib). Validators: pySHACL over the rdflib graph,
pyrudof (if installed: `pip install pyrudof`) over the Turtle, and kg.shacl's compiled checks.
Each figure is the median of `--runs`, seconds of this process (extraction not included).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_time(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tables", nargs="*", type=Path, default=[ROOT / "data" / "talks.md"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import pyoxigraph
    from pyshacl import validate as pyshacl_validate
    from rdflib import BNode, Literal

    from kg.claims import find_claims
    from kg.engine import find_links
    from kg.extract import build_nlp
    from kg.inputs import read_talks
    from kg.ontology import DEFAULT_BASE, load_gazetteer, read_ontology
    from kg.rdf import context_graph, serialize, to_graph
    from kg.shacl import check, finish, graph_subjects
    from kg.turtle import Renderer, Runs, write_turtle

    def ox(term: object) -> object:
        if isinstance(term, BNode):
            return pyoxigraph.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return pyoxigraph.Literal(str(term), language=term.language)
            datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
            return pyoxigraph.Literal(str(term), datatype=datatype)
        return pyoxigraph.NamedNode(str(term))

    print(
        "| talks | triples | rdflib write | pyoxigraph write | kg.turtle write | pySHACL | pyrudof | kg.shacl |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for table in args.tables:
        talks = read_talks([table])
        gazetteer = load_gazetteer()
        found = find_links(build_nlp(gazetteer), gazetteer, talks)
        claims = find_claims(talks)
        graph = to_graph(found.gazetteer, talks, found.links, DEFAULT_BASE, claims)
        text = serialize(graph)

        def rdflib_write() -> bytes:
            return serialize(to_graph(found.gazetteer, talks, found.links, DEFAULT_BASE, claims))

        def oxigraph_write() -> bytes:
            built = to_graph(found.gazetteer, talks, found.links, DEFAULT_BASE, claims)
            triples = sorted(built, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
            out = io.BytesIO()
            pyoxigraph.serialize(
                [pyoxigraph.Triple(ox(s), ox(p), ox(o)) for s, p, o in triples],  # type: ignore[arg-type]
                out,
                pyoxigraph.RdfFormat.TURTLE,
                prefixes={str(k): str(v) for k, v in built.namespaces()},
            )
            return out.getvalue()

        def ours_write() -> bytes:
            # Rendering includes the chunk's compiled SHACL check (kg.shacl), as in a build.
            with tempfile.TemporaryDirectory() as spill:
                runs = Runs(Path(spill))
                chunk = Renderer(found.gazetteer, DEFAULT_BASE).render(talks, found.links, claims)
                runs.add(0, chunk.data)
                context = context_graph(found.gazetteer, talks, chunk.roles, DEFAULT_BASE)
                finish(chunk.report, context)
                out = io.BytesIO()
                write_turtle(out, context, runs, chunk.refs, bool(talks), chunk.sentences > 0)
                return out.getvalue()

        def rudof_check() -> object:
            import pyrudof  # type: ignore[import-not-found]

            rudof = pyrudof.Rudof(pyrudof.RudofConfig())
            rudof.read_data(text.decode("utf-8"))
            rudof.read_shacl((ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8"))
            return rudof.validate_shacl()

        try:
            import pyrudof  # type: ignore[import-not-found]  # noqa: F401

            rudof = f"{median_time(args.runs, rudof_check):.2f} s"
        except ImportError:
            rudof = "not installed"
        shapes = read_ontology("shapes.ttl")

        def pyshacl_check() -> object:
            return pyshacl_validate(graph, shacl_graph=shapes, inference="none", advanced=False)

        assert ours_write() == text, "kg.turtle must write rdflib's bytes"
        figures = [
            median_time(args.runs, rdflib_write),
            median_time(args.runs, oxigraph_write),
            median_time(args.runs, ours_write),
            median_time(args.runs, pyshacl_check),
        ]
        ours_check = median_time(args.runs, lambda: check(graph_subjects(graph), final=True))
        cells = " | ".join(f"{f:.2f} s" for f in figures)
        print(f"| {len(talks)} | {len(graph)} | {cells} | {rudof} | {ours_check:.2f} s |")


if __name__ == "__main__":
    main()

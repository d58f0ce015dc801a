"""The RDF export against a small golden graph written by hand."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.extract import build_nlp, extract, link
from kg.ontology import DEFAULT_BASE, gazetteer_from, read_ontology
from kg.rdf import serialize, to_graph
from kg.table import parse_table

GOLDEN = Path(__file__).parent / "data" / "golden"


def golden_export(base: str = DEFAULT_BASE) -> Graph:
    gazetteer = gazetteer_from(Graph().parse(GOLDEN / "gazetteer.ttl"))
    talks = parse_table((GOLDEN / "table.md").read_text(encoding="utf-8"), "table.md")
    links = link(gazetteer, talks, extract(build_nlp(gazetteer), gazetteer, talks))
    return to_graph(gazetteer, talks, links, base)


def test_export_matches_the_golden_graph():
    data = golden_export() - read_ontology("kg.ttl")
    expected = Graph().parse(GOLDEN / "expected.ttl")
    if not isomorphic(data, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(data))
        raise AssertionError(
            "missing:\n"
            + missing.serialize(format="nt")
            + "\nextra:\n"
            + extra.serialize(format="nt")
        )


def test_export_includes_the_vocabulary():
    assert len(read_ontology("kg.ttl") - golden_export()) == 0


def test_base_iri_moves_every_instance_but_not_the_vocabulary():
    graph = golden_export("http://other.test/x/")
    subjects = {str(s) for s in graph.subjects()}
    assert "http://other.test/x/organization/zoox" in subjects
    assert not any(s.startswith(DEFAULT_BASE) for s in subjects)
    assert any(s.startswith("https://example.org/kg/vocab") for s in subjects)


def test_turtle_is_byte_identical_across_builds():
    assert serialize(golden_export()) == serialize(golden_export())

"""The RDF export against a small golden graph written by hand."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.term import Node

from kg.extract import build_nlp, extract, link
from kg.ontology import DEFAULT_BASE, KG, gazetteer_from, read_ontology
from kg.rdf import evidence, serialize, to_graph
from kg.table import parse_table

GOLDEN = Path(__file__).parent / "data" / "golden"


def golden_export(base: str = DEFAULT_BASE) -> Graph:
    gazetteer = gazetteer_from(Graph().parse(GOLDEN / "gazetteer.ttl"))
    talks = parse_table((GOLDEN / "table.md").read_text(encoding="utf-8"), "table.md")
    links = link(gazetteer, talks, extract(build_nlp(gazetteer), gazetteer, talks))
    return to_graph(gazetteer, talks, links, base)


def sentence_iris(graph: Graph) -> Graph:
    """The golden graph's sentence:FIELD-START-LENGTH names as the export names them: the first 16
    hex digits of the SHA-1 of "talk IRI, field, start, length", one a line (README)."""
    talk = str(next(graph.subjects(RDF.type, KG.Talk)))
    renamed = Graph()
    for triple in graph:
        renamed.add(tuple(_renamed(term, talk) for term in triple))  # type: ignore[arg-type]
    return renamed


def _renamed(term: Node, talk: str) -> Node:
    prefix = DEFAULT_BASE + "sentence/"
    if not (isinstance(term, URIRef) and term.startswith(prefix)):
        return term
    field, start, length = term[len(prefix) :].split("-")
    digest = hashlib.sha1(f"{talk}\n{field}\n{start}\n{length}".encode()).hexdigest()[:16]
    return URIRef(prefix + digest)


def test_export_matches_the_golden_graph():
    data = golden_export() - read_ontology("kg.ttl")
    expected = sentence_iris(Graph().parse(GOLDEN / "expected.ttl"))
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


def test_evidence_reads_words_sentence_and_field_offsets():
    rows = evidence(golden_export())
    zuks = [row for row in rows if row.words == "Zuks"]
    # One place, two links: "Zuks" (summary 9:13) names Zoox, the presenter.
    assert [(row.link, row.field, row.start, row.end) for row in zuks] == [
        (str(KG.mentionsOrganization), "summary", 9, 13),
        (str(KG.presentedBy), "summary", 9, 13),
    ]
    assert {row.sentence for row in zuks} == {"本视频由Zuks的Ed Oakes分享。"}
    assert {(row.sentence_start, row.method, row.confidence) for row in zuks} == {
        (5, "gazetteer", 1.0)
    }
    assert len(rows) == 6  # five places, one of them supporting two links
    assert {row.entity for row in rows if row.words == "Ray Serve"} == {
        DEFAULT_BASE + "ray-library/ray-serve"
    }

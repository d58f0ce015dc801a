"""The SHACL shapes (ontology/shapes.ttl) themselves: a real export conforms, and each kind of
broken graph is caught with a message that says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.errors import ValidationError
from kg.ontology import KG, NIF
from kg.pipeline import build
from kg.rdf import validate

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
TABLE = HEADER + "| Ray Serve | Serving at Zyxcorp \\| Ray Summit 2025 | Zyxcorp用Qwopflow。 |\n"
EXTRA = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/kg/id/organization/zyxcorp> a kg:Organization ; skos:prefLabel "Zyxcorp"@en .
<https://example.org/kg/id/software/qwopflow> a kg:Software ; skos:prefLabel "Qwopflow"@en .
"""
BASE = "https://example.org/kg/id/"
TALK = URIRef(BASE + "talk/ray-summit-2025/serving-at-zyxcorp")
ZYXCORP = URIRef(BASE + "organization/zyxcorp")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("shapes")
    (folder / "talks.md").write_text(TABLE, encoding="utf-8")
    (folder / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    result = build([folder / "talks.md"], folder, gazetteers=(folder / "extra.ttl",), write=False)
    return result.contents["talks.ttl"]


@pytest.fixture
def graph(exported: bytes) -> Graph:
    """A fresh copy of a small, valid export, for a test to break."""
    return Graph().parse(data=exported, format="turtle")


def report(graph: Graph) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(graph)
    return caught.value.report


def test_export_conforms(graph: Graph) -> None:
    assert (TALK, KG.mentionsOrganization, ZYXCORP) in graph
    validate(graph)


def test_real_build_conforms() -> None:
    root = Path(__file__).resolve().parent.parent
    validate(Graph().parse(root / "outputs" / "talks.ttl", format="turtle"))


def test_talk_without_title_fails(graph: Graph) -> None:
    graph.remove((TALK, RDFS.label, None))
    assert "a talk has exactly one title (rdfs:label)" in report(graph)


def test_talk_with_two_titles_fails(graph: Graph) -> None:
    graph.add((TALK, RDFS.label, Literal("Another title", lang="en")))
    assert "a talk has exactly one title (rdfs:label)" in report(graph)


def test_link_to_entity_without_type_fails(graph: Graph) -> None:
    ghost = URIRef(BASE + "organization/ghost")
    graph.add((TALK, KG.mentionsOrganization, ghost))
    graph.add((ghost, RDFS.label, Literal("Ghost")))
    text = report(graph)
    assert "a linked entity has a type (rdf:type)" in text
    assert "organization/ghost" in text or "organization:ghost" in text


def test_link_to_entity_of_the_wrong_class_fails(graph: Graph) -> None:
    graph.remove((ZYXCORP, RDF.type, KG.Organization))
    graph.add((ZYXCORP, RDF.type, KG.Software))
    assert f"{ZYXCORP} is not an instance of {KG.Organization}" in report(graph)


def test_entity_without_label_fails(graph: Graph) -> None:
    graph.remove((ZYXCORP, RDFS.label, None))
    assert "an entity has exactly one canonical English name (rdfs:label)" in report(graph)


def test_entity_label_in_another_language_fails(graph: Graph) -> None:
    graph.add((ZYXCORP, SKOS.prefLabel, Literal("Zyxcorp SA", lang="fr")))
    assert f'{ZYXCORP} {SKOS.prefLabel}: "Zyxcorp SA" has language "fr"' in report(graph)


def test_talk_without_track_fails(graph: Graph) -> None:
    graph.remove((TALK, KG.track, None))
    assert f"{TALK} {KG.track}: needs 1 to 1 value(s), has 0" in report(graph)


def test_evidence_from_an_unknown_field_fails(graph: Graph) -> None:
    evidence = next(graph.objects(TALK, KG.evidence))
    sentence = graph.value(evidence, NIF.referenceContext)
    graph.set((sentence, KG.field, Literal("abstract")))
    assert f'{sentence} {KG.field}: "abstract" is not one of the allowed values' in report(graph)

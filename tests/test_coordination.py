"""Names nobody listed, taken as the kind of the known names beside them in a list."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.extract import build_nlp, extract, link
from kg.ontology import gazetteer_from
from kg.speakers import find_speakers
from kg.table import parse_table

GAZETTEER = """
@prefix kg:   <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sw:   <https://example.org/kg/id/software/> .
sw:pandas a kg:Software ; skos:prefLabel "pandas"@en .
sw:karmada a kg:Software ; skos:prefLabel "Karmada"@en .
sw:kong a kg:Software ; skos:prefLabel "Kong"@en ; kg:matchCase true ; kg:contextWord "gateway" .
sw:iceberg a kg:Software ; skos:prefLabel "Apache Iceberg"@en ; skos:altLabel "Iceberg"@en .
<https://example.org/kg/id/model/bloom> a kg:Model ; skos:prefLabel "BLOOM"@en .
<https://example.org/kg/id/organization/ibm> a kg:Organization ; skos:prefLabel "IBM"@en .
<https://example.org/kg/id/technique/fsdp> a kg:Technique ; skos:prefLabel "FSDP"@en .
"""


def found_in(title: str, summary: str):
    """The grown gazetteer, the talk and the mentions the finders add for one talk."""
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    table = f"| track | title | summary |\n|---|---|---|\n| T | {title} | {summary} |\n"
    talks = parse_table(table, "t.md", "E 2025")
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    gazetteer, found = find_speakers(gazetteer, talks, mentions)
    return gazetteer, talks, found


def linked(title: str, summary: str) -> set[tuple[str, str, str]]:
    """(kind, label, how it was found) of every entity the finders link for one talk."""
    gazetteer, talks, found = found_in(title, summary)
    return {
        (entity.kind, entity.label, entity.found_by)
        for entity in (gazetteer.entities[item.entity] for item in link(gazetteer, talks, found))
    }


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Using tools like PyArrow, Pandas, or Polars makes it easy to work with dataframes.",
            {("software", "PyArrow", "cue"), ("software", "Polars", "cue")},
        ),
        (
            "对比 Karmada、OCM 和 Kubefed 三种多集群方案。",
            {("software", "OCM", "cue"), ("software", "Kubefed", "cue")},
        ),
        (
            "We trained OpenGPT2, BLOOM and Caduceus on it.",
            {("model", "OpenGPT2", "cue"), ("model", "Caduceus", "cue")},
        ),
        # A technique beside the names says nothing of their kind.
        ("It compares FSDP, Karmada and Zeta.", {("software", "Zeta", "cue")}),
    ],
)
def test_unknown_names_in_a_list_take_the_kind_of_the_known_ones(summary, expected):
    assert linked("A talk", summary) == expected


def test_a_name_found_in_a_list_is_linked_where_the_talk_writes_it_again():
    _, _, found = found_in("The Power of PyIceberg", "It joins Iceberg and PyIceberg.")
    assert {(m.field, m.text, m.entity) for m in found} == {
        ("title", "PyIceberg", "software/pyiceberg"),
        ("summary", "PyIceberg", "software/pyiceberg"),
    }


@pytest.mark.parametrize(
    "summary",
    [
        "It runs on Python, Karmada and YAML.",  # a language and a format: judged not entities
        "Currently, Karmada is slow.",  # a sentence's first word
        "Talks by IBM and Linsong Chu.",  # organizations are not taken from lists
        "It mixes Karmada and Refik Anadol.",  # a person's name
        "Numbers in FP8 and Karmada and APIs.",  # number formats and kinds of thing
        "It uses Karmada and R2.",  # a bare version
    ],
)
def test_words_of_a_list_that_are_no_new_name(summary):
    assert not {item for item in linked("A talk", summary) if item[2] == "cue"}


def test_a_list_stands_in_for_the_context_words_of_a_name_the_gazetteer_knows():
    assert linked("A talk", "It runs Kong beside Karmada.") == set()  # no context word
    assert linked("A talk", "It runs Kong and Karmada.") == {("software", "Kong", "gazetteer")}
    assert linked("A talk", "It runs KONG and Karmada.") == set()  # its case rule still holds


def test_a_list_of_two_kinds_names_nothing_new():
    assert linked("A talk", "IBM, Karmada and Zeta work together.") == set()


def test_a_titles_capitalised_words_are_no_names_but_a_summarys_are():
    assert linked("Karmada and Federation", "") == set()
    assert linked("A talk", "We compare Karmada and Federation.") == {
        ("software", "Federation", "cue")
    }

"""The shipped ontology: the gazetteer is consistent data, and an installed kg finds it."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib import RDF, SKOS, Literal

from kg.ontology import KG, KINDS, key_of, load_gazetteer, read_ontology, slug


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_local_names_are_slugs_of_the_english_name(gazetteer):
    for entity in gazetteer.entities.values():
        kind, name = entity.key.split("/", 1)
        assert kind == entity.kind
        # Namesakes among people get a suffix: person:han, person:han-character-ai.
        ok = name == slug(entity.label) or (
            kind == "person" and name.startswith(slug(entity.label) + "-")
        )
        assert ok, f"{entity.key} is not the slug of {entity.label!r}"


def test_no_label_names_two_entities_of_one_kind_except_namesakes(gazetteer):
    owners = defaultdict(set)
    for entity in gazetteer.entities.values():
        for label in entity.labels:
            owners[(entity.kind, re.sub(r"[\s-]+", "", label.casefold()))].add(entity.key)
    shared = {k: v for k, v in owners.items() if len(v) > 1 and k[0] != "person"}
    assert not shared


def test_links_between_entities_point_to_known_entities(gazetteer):
    graph = gazetteer.graph
    for predicate in (SKOS.broader, KG.vendor, KG.developer, KG.affiliation):
        for subject, target in graph.subject_objects(predicate):
            assert key_of(target) in gazetteer.entities, f"{subject} {predicate} {target}"


def test_techniques_have_english_and_chinese_names(gazetteer):
    graph = gazetteer.graph
    for subject in graph.subjects(RDF.type, KG.Technique):
        languages = {label.language for label in graph.objects(subject, SKOS.prefLabel)}
        assert languages == {"en", "zh"}, subject


@pytest.mark.parametrize(
    ("variant", "key"),
    [
        ("Zuks", "organization/zoox"),
        ("Bance", "organization/bytedance"),
        ("IronCache", "software/lmcache"),
        ("Macco", "software/mako"),
        ("Quen3", "model/qwen3"),
        ("预填充与解码分离", "technique/prefill-decode-disaggregation"),
        ("PD分拆", "technique/prefill-decode-disaggregation"),
    ],
)
def test_transcription_variants_are_aliases(gazetteer, variant, key):
    assert variant in gazetteer.entities[key].labels


def test_hardware_hierarchy_reaches_gpu(gazetteer):
    graph = gazetteer.graph
    chain, node = [], next(iter(graph.subjects(SKOS.prefLabel, Literal("GB200 NVL72", lang="en"))))
    while node is not None:
        chain.append(key_of(node))
        node = graph.value(node, SKOS.broader)
    assert chain[:4] == [
        "hardware/gb200-nvl72",
        "hardware/gb200",
        "hardware/nvidia-gpu",
        "hardware/gpu",
    ]


def test_every_class_of_the_contract_is_in_the_vocabulary():
    vocabulary = read_ontology("kg.ttl")
    for cls, prop in KINDS.values():
        assert (cls, RDF.type, None) in vocabulary
        assert (prop, None, None) in vocabulary

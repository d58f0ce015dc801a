"""The shipped ontology: the gazetteer is consistent data, and an installed kg finds it."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from click.testing import CliRunner
from rdflib import RDF, SKOS, Literal

from kg.cli import main
from kg.errors import KgError
from kg.ontology import KG, KINDS, common_words, key_of, load_gazetteer, read_ontology, slug


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


PREFIXES = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <https://example.org/kg/id/organization/> .
@prefix sw: <https://example.org/kg/id/software/> .
"""


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "  "@en .',
            'org:acme: altLabel "  " is only spaces; remove it',
        ),
        (
            'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "A"@en .',
            'org:acme: altLabel "A" is one character and would match almost anywhere; remove it',
        ),
        (
            'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "Market"@en .',
            'org:acme: altLabel "Market" is a common English word; give the entity'
            " kg:matchCase true or a kg:contextWord, or remove the label",
        ),
        (
            'sw:acme a kg:Software ; skos:prefLabel "Acme DB"@en ; skos:altLabel "Anyscale"@en .',
            'sw:acme: label "Anyscale" also names organization/anyscale, an entity of another'
            " class; keep it on one",
        ),
        (
            'org:acme a kg:Organization , kg:Software ; skos:prefLabel "Acme"@en .',
            "org:acme is typed as both kg:Organization and kg:Software; keep one class",
        ),
    ],
)
def test_harmful_curated_entries_are_refused_with_file_and_entity(tmp_path, entry, message):
    extra = tmp_path / "extra.ttl"
    extra.write_text(PREFIXES + entry + "\n", encoding="utf-8")
    expected = f"{extra}: " + message.replace("org:acme", "organization/acme").replace(
        "sw:acme", "software/acme"
    )
    with pytest.raises(KgError) as raised:
        load_gazetteer((extra,))
    assert str(raised.value) == expected
    result = CliRunner().invoke(
        main, ["build", "--gazetteer", str(extra), "--output-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert result.output == f"Error: {expected}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "entry",
    [
        # A common word is fine with a rule (matchCase or context words), and on a technique.
        'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "Market"@en ;'
        " kg:matchCase true .",
        'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "Market"@en ;'
        ' kg:contextWord "retail" .',
        '<https://example.org/kg/id/technique/marketing> a kg:Technique ; skos:prefLabel "marketing'
        ' analytics"@en , "营销分析"@zh ; skos:altLabel "market"@en .',
        # A grouping concept that never matches may have broad labels.
        'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ; skos:altLabel "M"@en ;'
        " kg:matchable false .",
    ],
)
def test_entries_with_a_rule_are_accepted(tmp_path, entry):
    extra = tmp_path / "extra.ttl"
    extra.write_text(PREFIXES + entry + "\n", encoding="utf-8")
    load_gazetteer((extra,))


def test_context_words_and_match_case_are_read(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        PREFIXES + 'org:acme a kg:Organization ; skos:prefLabel "Acme"@en ;'
        ' kg:matchCase true ; kg:contextWord "retail" , "零售" .\n',
        encoding="utf-8",
    )
    entity = load_gazetteer((extra,)).entities["organization/acme"]
    assert (entity.match_case, entity.context) == (True, ("retail", "零售"))


def test_the_common_word_list_holds_everyday_words_only():
    words = common_words()
    assert {"market", "spark", "ray", "helm", "envoy"} <= words
    assert not {"kubernetes", "pytorch", "nvidia"} & words

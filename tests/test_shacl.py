"""The chunked SHACL check (kg.shacl) finds what pySHACL finds, on the shapes we ship."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ROOT, TALKS
from pyshacl import validate
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from kg import engine
from kg.claims import find_claims
from kg.cli import main
from kg.ontology import KG, NIF, read_ontology
from kg.pipeline import analyse
from kg.rdf import to_graph
from kg.shacl import check, graph_subjects

ID = Namespace("https://example.org/kg/id/")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    found = analyse([TALKS])
    return to_graph(found.gazetteer, found.talks, found.links, claims=find_claims(found.talks))


def first_talk(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, KG.Talk))[0]  # type: ignore[return-value]


def first_evidence(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, NIF.Phrase))[0]  # type: ignore[return-value]


def first_sentence(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, NIF.Context))[0]  # type: ignore[return-value]


def drop_label(g: Graph) -> None:
    g.remove((first_talk(g), RDFS.label, None))


def second_label(g: Graph) -> None:
    g.add((first_talk(g), RDFS.label, Literal("Another title", lang="en")))


def line_as_text(g: Graph) -> None:
    talk = first_talk(g)
    g.remove((talk, KG.sourceLine, None))
    g.add((talk, KG.sourceLine, Literal("12")))


def unknown_field(g: Graph) -> None:
    node = first_sentence(g)
    g.remove((node, KG.field, None))
    g.add((node, KG.field, Literal("body")))


def untyped_speaker(g: Graph) -> None:
    g.add((first_talk(g), KG.hasSpeaker, ID["person/nobody"]))


def wrong_class(g: Graph) -> None:
    g.add((first_talk(g), KG.mentionsHardware, ID["organization/anyscale"]))


def french_label(g: Graph) -> None:
    g.add((ID["organization/anyscale"], SKOS.prefLabel, Literal("Anyscale SA", lang="fr")))


def two_english_labels(g: Graph) -> None:
    g.add((ID["organization/anyscale"], SKOS.prefLabel, Literal("AnyScale Inc", lang="en")))


def start_as_decimal(g: Graph) -> None:
    node = first_evidence(g)
    g.remove((node, NIF.beginIndex, None))
    g.add((node, NIF.beginIndex, Literal("3.0", datatype=XSD.decimal)))


def unknown_method(g: Graph) -> None:
    node = first_evidence(g)
    g.set((node, KG.method, Literal("guess")))


def evidence_without_sentence(g: Graph) -> None:
    g.remove((first_evidence(g), NIF.referenceContext, None))


def literal_broader(g: Graph) -> None:
    g.add((ID["organization/anyscale"], SKOS.broader, Literal("companies")))


def first_claim(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, KG.Claim))[0]  # type: ignore[return-value]


def value_as_text(g: Graph) -> None:
    node = first_claim(g)
    g.remove((node, KG.value, None))
    g.add((node, KG.value, Literal("50")))


def claim_without_unit(g: Graph) -> None:
    g.remove((first_claim(g), KG.unit, None))


def claim_of_a_talk_is_evidence(g: Graph) -> None:
    g.add((first_talk(g), KG.claim, first_evidence(g)))


def claim_sentence_as_text(g: Graph) -> None:
    node = first_claim(g)
    g.set((node, KG.sentence, Literal("the sentence, copied")))


def part_without_end(g: Graph) -> None:
    part = sorted(g.objects(None, KG.conclusion))[0]
    g.remove((part, KG.end, None))


def two_entity_labels(g: Graph) -> None:
    g.add((ID["organization/anyscale"], RDFS.label, Literal("Any Scale", lang="en")))


MUTATIONS = [
    drop_label, second_label, line_as_text, unknown_field, untyped_speaker, wrong_class,
    french_label, two_english_labels, start_as_decimal, unknown_method, evidence_without_sentence,
    literal_broader, value_as_text,
    claim_without_unit, claim_of_a_talk_is_evidence, claim_sentence_as_text, part_without_end,
    two_entity_labels,
]  # fmt: skip


def pyshacl_focus(graph: Graph) -> set[str]:
    conforms, report, _ = validate(graph, shacl_graph=read_ontology("shapes.ttl"), inference="none")
    return {str(node) for node in report.objects(None, SH.focusNode)}


def our_focus(graph: Graph) -> set[str]:
    return {
        problem.split(" ", 1)[0] for problem in check(graph_subjects(graph), final=True).problems
    }


def test_the_seed_graph_conforms_for_both(seed_graph):
    assert pyshacl_focus(seed_graph) == set()
    assert our_focus(seed_graph) == set()


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_both_find_the_same_focus_nodes(seed_graph, mutate):
    graph = Graph()
    graph += seed_graph
    mutate(graph)
    expected = pyshacl_focus(graph)
    assert expected, "the mutation should break a shape"
    assert our_focus(graph) == expected


def test_a_violation_reads_the_same_in_one_chunk_and_in_many(write_table, tmp_path, monkeypatch):
    # An affiliation to something that is not an organization breaks PersonShape.
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kg: <https://example.org/kg/vocab#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/kg/id/person/jane-roe> a kg:Person ; skos:prefLabel "Jane Roe"@en ;\n'
        "  kg:affiliation <https://example.org/kg/id/hardware/gpu> .\n",
        encoding="utf-8",
    )
    table = write_table(
        r"| Ray Data | Talk by Jane Roe \| Ray Summit 2025 | 本视频由Jane Roe分享 GPU |"
        "\n"
        r"| Ray Data | Another talk \| Ray Summit 2025 | 本视频由Jane Roe分享 TPU |"
        "\n"
    )
    outputs = []
    for size in (500, 1):  # one chunk, then a chunk per talk
        monkeypatch.setattr(engine, "CHUNK_TALKS", size)
        out = tmp_path / f"out-{size}"
        result = CliRunner().invoke(
            main,
            ["build", "--input", str(table), "--gazetteer", str(extra), "--output-dir", str(out)],
        )
        assert result.exit_code == 1, result.output
        assert not out.exists() or not (out / "talks.ttl").exists()
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    # Jane Roe's affiliation is not an organization, and so neither is the presenter of her talks.
    id, vocab = "https://example.org/kg/id/", "https://example.org/kg/vocab#"
    gpu = f"{id}hardware/gpu is not an instance of {vocab}Organization"
    assert outputs[0].splitlines()[1:] == [
        f"{id}person/jane-roe {vocab}affiliation: {gpu} (shape https://example.org/kg/shapes#PersonShape)",
        *(
            f"{id}talk/ray-summit-2025/{talk} {vocab}{link}: {gpu}"
            for talk in ("another-talk", "talk-by-jane-roe")
            for link in ("mentionsOrganization", "presentedBy")
        ),
    ]


@pytest.fixture
def strict_shapes(monkeypatch):
    """shapes.ttl with sentences allowed in summaries only: every title's sentence breaks it."""
    import kg.shacl

    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    strict = text.replace(
        'kg:field ; sh:minCount 1 ; sh:maxCount 1 ; sh:in ( "title" "summary" )',
        'kg:field ; sh:minCount 1 ; sh:maxCount 1 ; sh:in ( "summary" )',
        1,
    )
    assert strict != text
    real = kg.shacl.read_ontology

    def read(name: str) -> Graph:
        return Graph().parse(data=strict, format="turtle") if name == "shapes.ttl" else real(name)

    monkeypatch.setattr(kg.shacl, "read_ontology", read)
    kg.shacl.shapes.cache_clear()
    kg.shacl.verbatim_paths.cache_clear()
    yield Graph().parse(data=strict, format="turtle")
    kg.shacl.shapes.cache_clear()
    kg.shacl.verbatim_paths.cache_clear()


def test_chunks_name_every_failing_sentence_as_pyshacl_does(seed_graph, strict_shapes):
    """Checked chunk by chunk, the report names the same nodes as pySHACL's."""
    from kg.engine import Settings, chunked, process

    conforms, report, _ = validate(seed_graph, shacl_graph=strict_shapes, inference="none")
    expected = {str(node) for node in report.objects(None, SH.focusNode)}
    assert not conforms and len(expected) > 50
    found = analyse([TALKS])
    settings = Settings((), "https://example.org/kg/id/")
    failing = set()
    for index, talks in enumerate(chunked(found.talks, 10)):
        failing |= {
            p.split(" ", 1)[0] for p in process(settings, index, talks).chunk.report.problems
        }
    assert failing == expected

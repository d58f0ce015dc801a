"""The export (kg.turtle) holds the triples of `kg.rdf.to_graph`, and a build in chunks writes
exactly the bytes of the build in one piece, talks, evidence, claims and speakers included."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, TALKS
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer

from kg import engine, pipeline
from kg.claims import find_claims
from kg.ontology import DEFAULT_BASE, Gazetteer
from kg.rdf import bind_prefixes, to_graph
from kg.shacl import value_of as term_value
from kg.turtle import Renderer, decimal, quote

# Invented entities: an organization, a person of it (a known speaker), a chip and its vendor.
EXTRA = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <https://example.org/kg/id/organization/> .
org:zyxcorp a kg:Organization ; skos:prefLabel "Zyxcorp"@en , "紫星"@zh .
<https://example.org/kg/id/person/ada-qwop> a kg:Person ; skos:prefLabel "Ada Qwop"@en ; kg:affiliation org:zyxcorp .
<https://example.org/kg/id/hardware/zx-9> a kg:Hardware ; skos:prefLabel "ZX-9"@en ; kg:vendor org:zyxcorp .
"""


def turtle(
    tables: list[Path], gazetteers: tuple[Path, ...], base: str = DEFAULT_BASE, jobs: int = 1
) -> bytes:
    result = pipeline.build(tables, Path("unused"), base, None, gazetteers, write=False, jobs=jobs)
    return result.contents["talks.ttl"]


@pytest.fixture
def chunked(monkeypatch: pytest.MonkeyPatch):
    """Builds from here on run chunk by chunk, 7 talks a chunk, views off."""

    def use() -> None:
        monkeypatch.setattr(pipeline, "SMALL_BUILD", 0)
        monkeypatch.setattr(engine, "CHUNK_TALKS", 7)

    return use


def described(graph: Graph) -> Counter:
    """The graph's triples, each blank node replaced by its predicates and objects (the export's
    are evidence phrases, each referenced once) and each literal by its value: `isomorphic`
    takes minutes on the seed's thousands of blank nodes."""

    def name(node: object) -> object:
        if isinstance(node, BNode):
            return tuple(sorted(((p, name(o)) for p, o in graph.predicate_objects(node)), key=repr))
        if isinstance(node, Literal):
            return (node.value, node.datatype, node.language)
        return node

    return Counter((s, p, name(o)) for s, p, o in graph if not isinstance(s, BNode))


@pytest.fixture(scope="module")
def seed_export() -> bytes:
    return turtle([TALKS], ())


def test_the_export_reads_back_as_the_graph_of_the_same_build(seed_export):
    found = pipeline.analyse([TALKS])
    expected = to_graph(found.gazetteer, found.talks, found.links, claims=find_claims(found.talks))
    data = Graph().parse(data=seed_export, format="turtle")
    assert len(data) == len(expected) > 16_000
    assert described(data) == described(expected)


def test_an_evidence_phrase_takes_one_line(seed_export):
    text = seed_export.decode("utf-8")
    phrases = [line for line in text.splitlines() if "[ a nif:Phrase ;" in line]
    assert len(phrases) == text.count("[ a nif:Phrase ;") > 1000
    for line in phrases:
        assert re.fullmatch(r" +(kg:evidence )?\[ a nif:Phrase ; [^\n]+ \]( ?[,;.])?", line), line
        assert "nif:beginIndex" in line and "nif:endIndex" in line and "itsrdf:taIdentRef" in line


@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://example.com/other#"])
def test_seed_table_in_chunks_is_the_same_bytes(base, chunked):
    expected = turtle([TALKS], (), base)
    chunked()
    assert turtle([TALKS], (), base) == expected


def test_the_committed_export_is_what_chunks_make_with_any_number_of_jobs(chunked, monkeypatch):
    """outputs/talks.ttl is what `kg build` makes in one piece; 11 chunks make it too."""
    monkeypatch.chdir(ROOT)  # the export names its source as given: data/talks.md
    chunked()
    expected = Path("outputs/talks.ttl").read_bytes()
    for jobs in (1, 2):
        assert turtle([Path("data/talks.md")], (), jobs=jobs) == expected


def test_awkward_text_and_events_in_chunks_are_the_same_bytes(write_table, tmp_path, chunked):
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    rows = (
        r'| Ray 生态 | Quotes "in" \\ a title """ Anyscale \| Ray Summit 2025 | 视频描述：Zyxcorp公司的'
        r'Ada Qwop分享了 Ray Serve，成本降低50%。 视频介绍：second "part" with a backslash \\ 结论：ZX-9 结论。 |'
        "\n"
        r"|  | Same title, other event \| PyTorch Conference 2025 | 原视频描述有误 |"
        "\n"
        r'| New Track | Ends with a quote" \| Ray Summit 2025 | Zuks 在 Any Scale 平台上用 GPUs" 快了2-3倍 |'
        "\n"
        r"| New Track | 中文标题 Anyscale平台 10x \| KubeCon Summit 2025 | 本视频由Anyscale的Wei Qian和Ed Oakes共同分享 |"
        "\n"
    )
    table = write_table(rows)
    second = write_table(
        r"| Ray Data | Another file's talk \| Ray Summit 2025 | Ray Data 与 GPU，省了3.50万美元 |"
        "\n",
        "b.md",
    )
    tables = [table, second]
    expected = turtle(tables, (extra,))
    for part in (
        b"kg:Claim",
        b"kg:maxValue 3.0",
        b"person:wei-qian-anyscale",
        b"kg:vendor",
        b"kg:affiliation",
    ):
        assert part in expected
    chunked()
    assert turtle(tables, (extra,)) == expected


def test_generated_talks_in_chunks_are_the_same_bytes(tmp_path, chunked):
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("make_tables", ROOT / "benchmarks" / "make_tables.py")
    assert spec and spec.loader
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    [table] = module.write_tables(150, tmp_path / "tables")
    expected = turtle([table], ())
    chunked()
    assert turtle([table], ()) == expected


@pytest.mark.parametrize("digest", ["0123456789012345", "abcdef0123456789", "0000000000000abc"])
@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://example.com/other#"])
def test_sentence_iris_are_named_as_rdflib_names_them(digest, base):
    """The renderer names sentence IRIs without asking rdflib: the names must be rdflib's, a
    digest of digits only or starting with one included."""
    iri = f"{base}sentence/{digest}"
    graph = Graph()
    bind_prefixes(graph, base)
    rdflib_name = TurtleSerializer(graph).get_pname(URIRef(iri), gen_prefix=False)
    renderer = Renderer(Gazetteer({}, {}, Graph()), base)
    assert renderer.node(iri) == rdflib_name == f"sentence:{digest}"


@given(st.text(min_size=0, max_size=30))
def test_quote_escapes_as_rdflib(text):
    assert quote(text) == Literal(text)._quote_encode()


@given(st.from_regex(r"\A\d{1,6}(\.\d{1,4})?\Z"))
def test_decimal_is_written_as_rdflib_writes_it(number):
    lexical = term_value(Literal(Decimal(number)))[1]
    assert decimal(lexical) == Literal(Decimal(number))._literal_n3(use_plain=True)

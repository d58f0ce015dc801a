"""The real table, end to end: the build conforms to the shapes, and the README's questions get the
answers checked by hand against data/talks.md (grep the table for the words in each comment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.ontology import read_ontology
from kg.pipeline import build
from kg.query import run_query

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    out = tmp_path_factory.mktemp("outputs")
    build([ROOT / "data" / "talks.md"], out)
    return Graph().parse(out / "talks.ttl")


def answer(graph: Graph, name: str) -> list[tuple[str, ...]]:
    result = run_query(graph, (QUERIES / name).read_text(encoding="utf-8"))
    return [tuple(str(value) for value in row) for row in result]  # type: ignore[union-attr]


def test_the_build_conforms_to_the_shapes(graph):
    from pyshacl import validate

    conforms, _, report = validate(graph, shacl_graph=read_ontology("shapes.ttl"))
    assert conforms, report


def test_every_talk_is_there_with_its_source_line(graph):
    lines = {
        int(row[0]) for row in graph.query("SELECT ?l WHERE { ?t a kg:Talk ; kg:sourceLine ?l }")
    }
    assert lines == set(range(3, 75))


def test_organizations_presenting_ray_serve_talks(graph):
    # "Ray Serve" is named on lines 7 (Anyscale), 19 (Zoox), 24 (Wisedocs, from the title),
    # 26 (Workday), 37 (Adobe), 47 (AnyScale), 54 (Apple).
    assert answer(graph, "ray-serve-organizations.rq") == [
        ("Adobe", "1"),
        ("Anyscale", "2"),
        ("Apple", "1"),
        ("Wisedocs", "1"),
        ("Workday", "1"),
        ("Zoox", "1"),
    ]


def test_talks_on_prefill_decode_disaggregation(graph):
    # PD分拆 (56), PD解耦 (58), 预填充与解码分离 (47, 57), 预填充-解码分离 (50), 分离式服务 (59).
    rows = answer(graph, "pd-disaggregation.rq")
    assert [(line, said) for line, _, said in rows] == [
        ("47", "预填充与解码分离"),
        ("50", "预填充-解码分离"),
        ("56", "PD分拆"),
        ("57", "预填充与解码分离"),
        ("58", "PD解耦"),
        ("59", "分离式服务"),
    ]


def test_google_speakers(graph):
    # Lines 66, 68 (Aaron Liang from 谷歌; Jui-An Huang is Anyscale's), 69 and 70 name them.
    assert answer(graph, "google-speakers.rq") == [
        ("Nisha Johnson", "66"),
        ("Ryan Oolirri", "66"),
        ("Aaron Liang", "68"),
        ("Roger", "69"),
        ("Spencer", "69"),
        ("Alex Blenco", "70"),
        ("Brandon Royal", "70"),
    ]


def test_broad_hardware_concept_finds_narrower_chips(graph):
    # "TPU" is on lines 27, 52 and 66; line 52 also names Google's Ironwood TPU.
    assert answer(graph, "tpu-talks.rq") == [
        ("27", "TPU"),
        ("52", "Ironwood"),
        ("52", "TPU"),
        ("66", "TPU"),
    ]


def test_talks_per_track(graph):
    # The track column: 企业DL/ML实践 covers lines 17-40, 大模型推理 47-60, 多模态... 41-46.
    rows = dict(answer(graph, "talks-per-track.rq"))
    assert rows["Enterprise DL/ML practice"] == "24"
    assert rows["LLM inference"] == "14"
    assert rows["Multimodal data and big-data components"] == "6"
    assert sum(int(n) for n in rows.values()) == 72
    assert len(rows) == 16


def test_evidence_of_a_link(graph):
    # Line 19: the title ends "with Ray Serve"; the summary says "如何利用Ray Serve解决".
    rows = answer(graph, "evidence.rq")
    assert [(field, start, end, words) for field, start, end, words, _ in rows] == [
        ("summary", "41", "50", "Ray Serve"),
        ("title", "69", "78", "Ray Serve"),
    ]
    assert "Zuks" in rows[0][4] and "Ray Serve" in rows[0][4]


def test_broad_technique_concept_finds_narrower_techniques(graph):
    # Forms of parallelism are named on lines 9 (数据并行, 模型并行, 流水线并行, 分片训练, ZeRO),
    # 47 (宽专家并行), 50 (张量并行, 数据并行注意力, 专家并行), 52 (SPMD), 53 (弹性专家并行) and
    # 58 (专家并行); "并行验证" (8) and "并行工具执行" (70) are not parallelism techniques.
    rows = graph.query(
        """SELECT DISTINCT ?line WHERE {
             ?p rdfs:label "parallelism"@en .
             ?talk kg:mentionsTechnique/skos:broader* ?p ; kg:sourceLine ?line }"""
    )
    assert sorted(int(row[0]) for row in rows) == [9, 47, 50, 52, 53, 58]  # type: ignore[index]


def test_conclusions_are_cut_from_the_summary_by_their_offsets(graph):
    # Every row whose summary has a 结论 part; line 7's reads "结论：Ray Serve作为...理想选择。", line
    # 22's ends without a full stop ("...前瞻性设计理念 |").
    rows = dict(answer(graph, "conclusions.rq"))
    table = (ROOT / "data" / "talks.md").read_text(encoding="utf-8").splitlines()
    assert sorted(int(line) for line in rows) == [
        number for number, text in enumerate(table, 1) if "结论" in text
    ]
    assert rows["7"].startswith("Ray Serve作为一个生产就绪的AI推理引擎")
    assert rows["7"].endswith("成为企业级AI推理的理想选择。")
    assert rows["22"].endswith("前瞻性设计理念")


def test_a_claim_points_at_its_sentence(graph):
    # Line 24: "...代码量减少50%..." in the conclusion; the claim's sentence holds the figure.
    rows = graph.query(
        """SELECT ?text ?sentence ?field WHERE {
             ?talk kg:sourceLine 24 ; kg:claim ?claim .
             ?claim kg:matchedText ?text ; kg:sentence ?context .
             ?context nif:isString ?sentence ; kg:field ?field }"""
    )
    found = {(str(text), str(field)) for text, sentence, field in rows if str(text) in sentence}
    assert ("50%", "summary") in found
    assert all(str(text) in str(sentence) for text, sentence, _ in rows)

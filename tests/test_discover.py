"""Candidates: names the text marks as names but the gazetteer does not know."""

from __future__ import annotations

from rdflib import Graph

from kg.discover import candidates
from kg.extract import build_nlp, extract
from kg.ontology import gazetteer_from
from kg.table import parse_table

GAZETTEER = """
@prefix kg:   <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org:  <https://example.org/kg/id/organization/> .
@prefix sw:   <https://example.org/kg/id/software/> .
org:anyscale a kg:Organization ; skos:prefLabel "Anyscale"@en .
sw:vllm a kg:Software ; skos:prefLabel "vLLM"@en .
"""


def found(*summaries: str) -> dict[str, tuple[str, int]]:
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    rows = "".join(f"| T | Talk {chr(65 + i)} | {s} |\n" for i, s in enumerate(summaries))
    talks = parse_table(f"| 分类 | 演讲内容 | 概要 |\n|---|---|---|\n{rows}", "t.md", "E 2025")
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    return {c.name: (c.kind, c.count) for c in candidates(gazetteer, talks, mentions)}


def test_patterns_report_unknown_names_with_counts():
    result = found(
        "本视频由Tensorloom公司的工程师分享，介绍了AIBrix框架和vLLM。",
        "Engineers from Kestrel Analytics run Llama 3 on H100 GPUs with FSDP.",
        "Tensorloom公司再次出现。",
    )
    assert result["Tensorloom"] == ("organization", 2)
    assert result["AIBrix"][0] == "software"
    assert result["Kestrel Analytics"] == ("organization", 1)
    assert {"Llama 3", "H100", "FSDP"} <= result.keys()


def test_known_names_and_common_words_are_not_candidates():
    result = found("Anyscale公司的工程师用vLLM框架，在AI和LLM上。")
    assert result == {}


def test_candidates_carry_evidence():
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    talks = parse_table(
        "| 分类 | 演讲内容 | 概要 |\n|---|---|---|\n| T | Talk | 由Tensorloom公司分享。 |\n",
        "t.md",
        "E 2025",
    )
    (candidate,) = candidates(gazetteer, talks, extract(build_nlp(gazetteer), gazetteer, talks))
    assert candidate.evidence == ("t.md:3 summary: 由Tensorloom公司分享。",)

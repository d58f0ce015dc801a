"""The fast Turtle writer writes exactly the bytes rdflib writes for the same graph."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, TALKS
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal

from kg.engine import Settings, chunked, process
from kg.extract import build_nlp, extract, link
from kg.ontology import DEFAULT_BASE, load_gazetteer
from kg.pipeline import read_talks
from kg.rdf import serialize, to_graph
from kg.turtle import Runs, context_graph, quote, write_turtle

BENCH_GAZETTEER = ROOT / "benchmarks" / "gazetteer.ttl"


def fast_turtle(
    tables: list[Path], gazetteers: tuple[Path, ...], tmp_path: Path, base: str
) -> bytes:
    talks = read_talks(tables)
    gazetteer = load_gazetteer(gazetteers)
    settings = Settings(gazetteers, base)
    runs, refs, roles = Runs(tmp_path), Counter[str](), set[tuple[str, str]]()
    for chunk in chunked(talks, 40):
        result = process(settings, chunk)
        runs.add(result.chunk.blocks)
        refs.update(result.chunk.refs)
        roles |= result.chunk.roles
    out = io.BytesIO()
    write_turtle(out, context_graph(gazetteer, talks, roles, base), runs, refs)
    return out.getvalue()


def rdflib_turtle(tables: list[Path], gazetteers: tuple[Path, ...], base: str) -> bytes:
    talks = read_talks(tables)
    gazetteer = load_gazetteer(gazetteers)
    nlp = build_nlp(gazetteer)
    links = link(gazetteer, talks, extract(nlp, gazetteer, talks))
    return serialize(to_graph(gazetteer, talks, links, base))


@pytest.mark.parametrize("gazetteers", [(), (BENCH_GAZETTEER,)], ids=["shipped", "bench"])
@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://example.com/other#"])
def test_seed_table_bytes_match_rdflib(gazetteers, base, tmp_path):
    assert fast_turtle([TALKS], gazetteers, tmp_path, base) == rdflib_turtle(
        [TALKS], gazetteers, base
    )


def test_awkward_text_and_several_events_match_rdflib(write_table, tmp_path):
    rows = (
        r'| Ray 生态 | Quotes "in" \\ a title """ Anyscale \| Ray Summit 2025 | 视频描述：Anyscale公司的'
        r'Ed Oakes分享了 Ray Serve。 视频介绍：second "part" with a backslash \\ 结论：GPU 结论。 |'
        "\n"
        r"|  | Same title, other event \| PyTorch Conference 2025 | 原视频描述有误 |"
        "\n"
        r'| New Track | Ends with a quote" \| Ray Summit 2025 | Zuks 在 Any Scale 平台上用 GPUs" |'
        "\n"
        r"| New Track | 中文标题 Anyscale平台 \| KubeCon Summit 2025 | 本视频由Anyscale的Ed Oakes介绍 |"
        "\n"
    )
    table = write_table(rows)
    second = write_table(
        r"| Ray Data | Another file's talk \| Ray Summit 2025 | Ray Data 与 GPU |" "\n", "b.md"
    )
    tables = [table, second]
    expected = rdflib_turtle(tables, (BENCH_GAZETTEER,), DEFAULT_BASE)
    assert fast_turtle(tables, (BENCH_GAZETTEER,), tmp_path, DEFAULT_BASE) == expected


def test_generated_talks_match_rdflib(tmp_path):
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("make_tables", ROOT / "benchmarks" / "make_tables.py")
    assert spec and spec.loader
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    [table] = module.write_tables(300, tmp_path / "tables")
    gazetteers = (BENCH_GAZETTEER,)
    expected = rdflib_turtle([table], gazetteers, DEFAULT_BASE)
    assert fast_turtle([table], gazetteers, tmp_path, DEFAULT_BASE) == expected


@given(st.text(min_size=0, max_size=30))
def test_quote_escapes_as_rdflib(text):
    assert quote(text) == Literal(text)._quote_encode()

"""Builds over many tables and many workers: one graph, the same bytes."""

from __future__ import annotations

import io
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from rdflib import Graph, Literal, URIRef

from kg import engine, pipeline
from kg.cli import main


def make_tables():
    spec = spec_from_file_location("make_tables", ROOT / "benchmarks" / "make_tables.py")
    assert spec and spec.loader
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(*args: str):
    return CliRunner().invoke(main, ["build", *args], catch_exceptions=False)


def test_jobs_give_the_same_bytes(tmp_path):
    [table] = make_tables().write_tables(1100, tmp_path / "tables")  # three chunks
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = build("--input", str(table), "--output-dir", str(out), "--jobs", jobs)
        assert result.exit_code == 0, result.output
        outputs[jobs] = (out / "talks.ttl").read_bytes()
    assert outputs["1"] == outputs["2"]
    assert b"kg:Talk" in outputs["1"]


def test_a_folder_is_every_table_in_it_sorted(write_table, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    write_table(
        r"| Ray Data | Second \| Ray Summit 2024 | Anyscale 的 Ray Data |" "\n", "tables/b.md"
    )
    write_table(r"| Ray Data | First \| Ray Summit 2025 | Anyscale公司 |" "\n", "tables/a.md")
    (folder / "notes.txt").write_text("not a table", encoding="utf-8")
    out = tmp_path / "out"
    result = build("--input", str(folder), "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    assert "talks: 2" in result.output
    graph = Graph().parse(out / "talks.ttl")
    sources = sorted(
        str(o) for o in graph.objects(None, URIRef("https://example.org/kg/vocab#sourceFile"))
    )
    assert sources == [str(folder / "a.md"), str(folder / "b.md")]


def test_an_entity_is_one_node_across_events_and_talks_keep_file_and_line(write_table, tmp_path):
    a = write_table(
        r"| Ray Data | Data at Anyscale \| Ray Summit 2025 | Anyscale公司的工程师分享了Ray Data |"
        "\n"
        r"| Ray Serve | Serving \| Ray Summit 2025 | 本视频由Anyscale介绍 Ray Serve |"
        "\n",
        "summit.md",
    )
    b = write_table(
        r"| Keynote | Anyscale keynote \| PyTorch Conference 2025 | Anyscale 的 GPU 平台 |" "\n",
        "pytorch.md",
    )
    out = tmp_path / "out"
    result = build("--input", str(a), "--input", str(b), "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out / "talks.ttl")
    rows = graph.query(
        """SELECT ?event ?file ?line WHERE {
             ?talk kg:mentionsOrganization ?org ; kg:event/rdfs:label ?event ;
                   kg:sourceFile ?file ; kg:sourceLine ?line }""",
        initNs={"kg": "https://example.org/kg/vocab#"},
        initBindings={"org": URIRef("https://example.org/kg/id/organization/anyscale")},
    )
    found = sorted((str(e), str(f), int(n)) for e, f, n in rows)
    assert found == [
        ("PyTorch Conference 2025", str(b), 3),
        ("Ray Summit 2025", str(a), 3),
        ("Ray Summit 2025", str(a), 4),
    ]
    organizations = set(
        graph.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("https://example.org/kg/vocab#Organization"),
        )
    )
    assert organizations == {URIRef("https://example.org/kg/id/organization/anyscale")}
    assert (None, None, Literal("PyTorch Conference 2025", lang="en")) in graph


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = build("--input", str(tmp_path / "empty"), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert (
        result.output.strip().splitlines()[-1]
        == f"Error: {tmp_path / 'empty'}: no *.md tables in this folder or its subfolders"
    )


@pytest.mark.parametrize("jobs", ["0", "x"])
def test_jobs_must_be_a_positive_number(jobs, tmp_path):
    result = build("--jobs", jobs, "--output-dir", str(tmp_path))
    assert result.exit_code == 2


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_nothing_elsewhere(monkeypatch):
    from kg import cli

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert cli._progress_bar() is None
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    show = cli._progress_bar()
    assert show is not None
    show(500, 1000)
    show(500, 1000)
    assert (
        terminal.getvalue()
        == f"\r[{'#' * 15}{'-' * 15}] 500/1000 talks\r[{'#' * 30}] 1000/1000 talks\n"
    )


# "Zeta Q" is an organization; its short name "Zq" is not a label.
ZETA = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/kg/id/organization/zq> a kg:Organization ; skos:prefLabel "Zeta Q"@en .
"""


def test_a_speaker_found_in_two_chunks_is_the_person_of_its_last_finding(
    write_table, tmp_path, monkeypatch
):
    """Two findings, "Wei Zq" (no affiliation) and "Wei" of Zeta Q, get one key: person/wei-zq.
    In one piece the later finding wins, so the first talk is presented by Zeta Q through its
    speaker; chunks of one talk each must agree, though the first never sees the second talk."""
    extra = tmp_path / "zeta.ttl"
    extra.write_text(ZETA, encoding="utf-8")
    table = write_table(
        r"| Ray Data | Scheduling \| Ray Summit 2025 | Presented by Wei Zq, this session presents a scheduler. |"
        "\n"
        r"| Ray Data | Serving \| Ray Summit 2025 | 本视频由Zeta Q的Wei和Lin共同分享。 |"
        "\n"
    )

    def export() -> bytes:
        made = pipeline.build([table], tmp_path, gazetteers=(extra,), write=False, html=False)
        return made.contents["talks.ttl"]

    whole = export()
    graph = Graph().parse(data=whole, format="turtle")
    first = URIRef("https://example.org/kg/id/talk/ray-summit-2025/scheduling")
    presenters = set(graph.objects(first, URIRef("https://example.org/kg/vocab#presentedBy")))
    assert presenters == {URIRef("https://example.org/kg/id/organization/zq")}
    monkeypatch.setattr(pipeline, "SMALL_BUILD", 0)
    monkeypatch.setattr(engine, "CHUNK_TALKS", 1)
    assert export() == whole


def test_chunks_count_the_candidates_a_build_in_one_piece_counts(write_table, monkeypatch):
    """A speaker found in one chunk ("Wei Qian") is no candidate in another chunk that names it
    ("from Wei Qian"); "Foobarix" is one candidate, although two chunks find it."""
    table = write_table(
        r"| Ray Data | One \| Ray Summit 2025 | 本视频由Anyscale的Wei Qian和Ed Oakes共同分享。 |"
        "\n"
        r"| Ray Data | Two \| Ray Summit 2025 | A talk from Wei Qian about the Foobarix框架. |"
        "\n"
        r"| Ray Data | Three \| Ray Summit 2025 | 我们用Foobarix框架。 |"
        "\n"
    )
    whole = pipeline.build([table], Path("unused"), write=False)
    monkeypatch.setattr(pipeline, "SMALL_BUILD", 0)
    monkeypatch.setattr(engine, "CHUNK_TALKS", 1)
    chunked = pipeline.build([table], Path("unused"), write=False)
    found = {(c.kind, c.name) for c in candidates_of(table)}
    assert ("software", "Foobarix") in found
    assert not any(name == "Wei Qian" for _, name in found)
    assert chunked.candidates == whole.candidates == len(found)


def candidates_of(table: Path):
    from kg.discover import candidates

    found = pipeline.analyse([table])
    return candidates(found.gazetteer, found.talks, found.mentions)

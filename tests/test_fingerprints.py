"""`kg build --check` answers from the build's record (kg-build.json) when nothing it was made
from changed, and does the whole check when anything did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import pipeline
from kg.cli import main
from kg.errors import KgError

TABLE = (
    "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
    "| Ray Serve | Serving at Zoox \\| Ray Summit 2025 | Zoox用Ray Serve。 |\n"
)
EXTRA = (
    "@prefix kg: <https://example.org/kg/vocab#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    '<https://example.org/kg/id/software/qwopflow> a kg:Software ; skos:prefLabel "Qwopflow"@en .\n'
)
ARGS = ["--input", "t.md", "--gazetteer", "extra.ttl", "--output-dir", "out"]


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("t.md").write_text(TABLE, encoding="utf-8")
    Path("extra.ttl").write_text(EXTRA, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", *ARGS])
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


@pytest.fixture
def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build (extraction, the graph) fails at once: only the record can answer."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise KgError("extracted again")

    monkeypatch.setattr(pipeline, "build", refuse)


def test_unchanged_inputs_are_up_to_date_without_extracting(built: Path, no_build: None) -> None:
    result = CliRunner().invoke(main, ["build", "--check", *ARGS])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "up to date: out/talks.ttl, out/graph.html, out/graph.graphml, out/kg-build.json\n"
    )


@pytest.mark.parametrize(
    ("change", "more"),
    [
        (lambda: Path("t.md").write_text(TABLE.replace("Zoox用", "Zoox也用"), "utf-8"), []),
        (lambda: Path("extra.ttl").write_text(EXTRA.replace("Qwopflow", "Qwop"), "utf-8"), []),
        (lambda: Path("out/talks.ttl").write_bytes(b"edited by hand"), []),
        (lambda: Path("out/graph.html").unlink(), []),
        (lambda: Path("out/kg-build.json").write_text("{", "utf-8"), []),
        (lambda: None, ["--base-iri", "http://other.test/"]),
        (lambda: None, ["--no-html"]),
    ],
    ids=["table", "gazetteer", "edited-output", "missing-output", "bad-record", "base", "html"],
)
def test_any_change_means_the_whole_check(built: Path, no_build: None, change, more) -> None:
    change()
    result = CliRunner().invoke(main, ["build", "--check", *ARGS, *more])
    assert result.exit_code == 2
    assert result.stderr == "Error: extracted again\n"


def test_the_record_names_every_table_and_output(built: Path) -> None:
    record = json.loads((built / "kg-build.json").read_text(encoding="utf-8"))
    assert list(record["tables"]) == ["t.md"]
    assert sorted(record["gazetteers"]) == ["extra.ttl", "ontology"]
    assert [name for name, _ in record["outputs"]] == ["talks.ttl", "graph.html", "graph.graphml"]
    assert record["options"] == {"base": "https://example.org/kg/id/", "event": None, "html": None}


def test_a_second_build_in_one_process_reads_the_changed_gazetteer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.md").write_text(TABLE.replace("Ray Serve。", "Qwopflow。"), encoding="utf-8")
    exports = []
    for extra in (EXTRA, EXTRA.split("\n")[0] + "\n"):  # with Qwopflow, then without
        Path("extra.ttl").write_text(extra, encoding="utf-8")
        result = pipeline.build(
            [Path("t.md")], Path("out"), gazetteers=(Path("extra.ttl"),), write=False
        )
        exports.append(result.contents["talks.ttl"])
    assert b"software:qwopflow" in exports[0]
    assert b"software:qwopflow" not in exports[1]

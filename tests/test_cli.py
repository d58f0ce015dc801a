"""The command line as users run it: output, formats, exit codes, and help with examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
TALKS = str(ROOT / "data" / "talks.md")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", "--input", TALKS, "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    return out


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_build_reports_what_it_built(built, tmp_path):
    result = run("build", "--input", TALKS, "--output-dir", str(tmp_path))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "talks: 72"
    assert any(line.startswith("entities: ray-library: ") for line in lines)
    assert any(line.startswith("links: ") for line in lines)
    assert lines[-1].startswith("seconds: ")
    assert (tmp_path / "talks.ttl").read_bytes() == (built / "talks.ttl").read_bytes()
    assert (tmp_path / "graph.html").is_file()


def test_base_iri_must_end_with_a_separator(tmp_path):
    result = run(
        "build", "--input", TALKS, "--output-dir", str(tmp_path), "--base-iri", "http://x.test/id"
    )
    assert result.exit_code == 2
    assert "must end in / or #" in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(built, fmt):
    sparql = "SELECT ?t WHERE { ?t a kg:Talk ; kg:sourceLine 26 }"
    result = run("query", sparql, "--graph", str(built / "talks.ttl"), "--format", fmt)
    assert result.exit_code == 0, result.output
    iri = "https://example.org/kg/id/talk/ray-summit-2025/how-workday-achieved-50x-cheaper-model-serving-with-ray-serve"
    if fmt == "json":
        assert json.loads(result.output) == [{"t": iri}]
    elif fmt == "csv":
        assert result.output == f"t\n{iri}\n"
    else:
        assert result.output.splitlines()[2] == iri
        assert result.output.splitlines()[-1] == "(1 row)"


def test_query_from_a_file(built):
    result = run(
        "query", str(ROOT / "queries" / "google-speakers.rq"), "--graph", str(built / "talks.ttl")
    )
    assert result.exit_code == 0
    assert "Aaron Liang" in result.output


def test_query_output_cannot_drive_the_terminal(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text('<http://x.test/a> <http://x.test/b> "red\\u001b[31m" .\n', encoding="utf-8")
    result = run("query", "SELECT ?o WHERE { ?s ?p ?o }", "--graph", str(graph))
    assert "\x1b" not in result.output
    assert "red\\x1b[31m" in result.output


def test_explain_lists_links_with_evidence(built):
    result = run("explain", "Workday", "--input", TALKS)
    assert result.exit_code == 0
    assert "presenter: Workday" in result.output
    assert (
        'title [52:61] "Ray Serve" (gazetteer label "Ray Serve"; gazetteer, confidence 1.00)'
        in result.output
    )


def test_explain_says_how_a_link_was_found(tmp_path):
    table = tmp_path / "t.md"
    table.write_text(
        "| track | title | summary |\n|---|---|---|\n| T | Serving \\| Ray Summit 2024 | "
        "Lena Ortiz, CTO of Quarkwise Labs, explains why. |\n",
        encoding="utf-8",
    )
    result = run("explain", "Serving", "--input", str(table))
    assert result.exit_code == 0
    assert (
        "organization: Quarkwise Labs  <https://example.org/kg/id/organization/quarkwise-labs>  (not in the gazetteer: found by cue)"
        in result.output
    )
    assert '"Lena Ortiz" (cue: named where a name stands; cue, confidence 0.70)' in result.output


def test_explain_needs_one_talk():
    result = run("explain", "Ray", "--input", TALKS)
    assert result.exit_code == 2
    assert "talks match" in result.output


def test_eval_meets_the_targets_on_the_annotation():
    result = run(
        "eval", "--gold", str(ROOT / "data" / "talks.gold.tsv"), "--input", TALKS, "--summary-only"
    )
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()[1:]]
    f1 = {row[0]: float(row[4]) for row in rows if row[1:2] == ["all"]}
    targets = {
        "organization": 0.98,
        "ray_library": 0.98,
        "hardware": 0.98,
        "software": 0.95,
        "model": 0.95,
        "speaker": 0.95,
        "presenter": 0.95,
        "technique": 0.85,
    }
    assert {t: f1[t] >= v for t, v in targets.items()} == dict.fromkeys(targets, True)


def test_eval_all_scores_the_seed_and_every_annotated_table(tmp_path, monkeypatch):
    for path in ("data/talks.md", "data/talks.gold.tsv"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes((ROOT / path).read_bytes())
    other = tmp_path / "tests" / "data" / "other"
    other.mkdir(parents=True)
    (other / "talks.md").write_text(
        "| track | title | summary |\n|---|---|---|\n"
        "| T | Ray Serve at Zoox \\| Ray Summit 2024 | Zoox uses Ray Serve. |\n",
        encoding="utf-8",
    )
    (other / "talks.gold.tsv").write_text(
        "line\ttype\tname\taffiliation\tevidence\n3\tray_library\tRay Serve\t\tRay Serve\n"
        "3\tsoftware\tQuuxflow\t\tQuuxflow\n",
        encoding="utf-8",
    )
    (tmp_path / "tests" / "data" / "unannotated").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("eval", "--all", "--markdown")
    assert result.exit_code == 0
    assert [line for line in result.output.splitlines() if line.startswith("## ")] == [
        "## Summary: F1 (precision) per table and type",
        "## data/talks.md",
        "## tests/data/other/talks.md",
    ]
    assert "| ray_library | all | 1.000 | 1.000 | 1.000 | 1 | 0 | 0 |" in result.output
    # Zoox is linked (and presents) but not annotated: F1 0 and precision 0 for both types.
    assert (
        "| tests/data/other/talks.md | 0.00 (0.00) | 0.00 (0.00) | 1.00 (1.00) |" in result.output
    )
    assert "- miss software, line 3: Quuxflow (not in the gazetteer" in result.output


def test_candidates_on_the_seed_table_are_all_judged():
    result = run("candidates", "--input", TALKS)
    assert result.exit_code == 0
    assert "no other candidates: every name the patterns find is in the gazetteer" in result.output


def test_candidates_print_the_names_found_as_gazetteer_turtle(tmp_path):
    from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

    table = tmp_path / "t.md"
    table.write_text(
        "| track | title | summary |\n|---|---|---|\n| T | Serving \\| Ray Summit 2024 | "
        'Lena Ortiz, CTO of Quarkwise Labs, explains why "fast" \\\\ matters. |\n',
        encoding="utf-8",
    )
    listed = run("candidates", "--input", str(table))
    assert "organization Quarkwise Labs  (by cue, 1x)" in listed.output
    result = run("candidates", "--input", str(table), "--turtle")
    assert result.exit_code == 0
    graph = Graph().parse(data=result.output, format="turtle")
    org = URIRef("https://example.org/kg/id/organization/quarkwise-labs")
    assert (org, RDF.type, URIRef("https://example.org/kg/vocab#Organization")) in graph
    assert (org, SKOS.prefLabel, Literal("Quarkwise Labs", lang="en")) in graph
    sentence = 'Lena Ortiz, CTO of Quarkwise Labs, explains why "fast" \\\\ matters.'
    assert graph.value(org, RDFS.comment) == Literal(
        f"found by cue in {table}:3 summary: {sentence}"
    )
    person = URIRef("https://example.org/kg/id/person/lena-ortiz-quarkwise-labs")
    assert graph.value(person, URIRef("https://example.org/kg/vocab#affiliation")) == org


@pytest.mark.parametrize(
    "command", [[], ["build"], ["query"], ["eval"], ["explain"], ["candidates"]]
)
def test_every_help_ends_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert (
        "Example" in result.output.strip().splitlines()[-2]
        or "Example" in result.output.split("Options:")[-1]
    )

"""kg push and kg serve against a real Oxigraph server on loopback; answers match kg query."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, TALKS

from kg.cli import main
from kg.server import oxigraph_binary

GRAPH = "https://example.org/graphs/talks"
TITLES = "SELECT ?title WHERE { ?t a kg:Talk ; rdfs:label ?title } ORDER BY ?title"
PER_ORG = (
    "SELECT ?org (COUNT(?t) AS ?talks) WHERE { ?t kg:mentionsOrganization ?org } "
    "GROUP BY ?org ORDER BY ?org"
)
PREFIXES = "PREFIX kg: <https://example.org/kg/vocab#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_select(base: str, sparql: str, graph: str | None = None) -> list[dict[str, str]]:
    params = {"query": PREFIXES + sparql}
    if graph:
        params["default-graph-uri"] = graph
    request = urllib.request.Request(
        f"{base}/query?{urllib.parse.urlencode(params)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def wait_for(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            http_select(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def kg_select(export: Path, sparql: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["query", sparql, "--graph", str(export), "--format", "json"])
    assert result.exit_code == 0, result.output
    # The JSON types numbers; the SPARQL protocol's JSON gives every value as text.
    return [{k: str(v) for k, v in row.items()} for row in json.loads(result.output)]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", "--input", str(TALKS), "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    return out / "talks.ttl"


@pytest.fixture
def store(tmp_path):
    """A read-write Oxigraph server on a free loopback port; stopped after the test."""
    port = free_port()
    server = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(tmp_path / "db"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_push_replaces_the_named_graph_and_answers_match_kg_query(
    export, store, write_table, tmp_path
):
    push = ["push", "--endpoint", f"{store}/store", "--named-graph", GRAPH, "--graph", str(export)]
    result = CliRunner().invoke(main, push)
    assert result.exit_code == 0, result.output
    assert http_select(store, TITLES, GRAPH) == kg_select(export, TITLES)
    assert http_select(store, PER_ORG, GRAPH) == kg_select(export, PER_ORG)
    assert len(http_select(store, TITLES, GRAPH)) == 72
    # A second push replaces the graph as a whole.
    small = tmp_path / "small"
    table = write_table(r"| Ray Data | Only talk \| Ray Summit 2025 | Anyscale公司 |" "\n")
    CliRunner().invoke(main, ["build", "--input", str(table), "--output-dir", str(small)])
    result = CliRunner().invoke(main, [*push[:-1], str(small / "talks.ttl")])
    assert result.exit_code == 0, result.output
    assert http_select(store, TITLES, GRAPH) == [{"title": "Only talk"}]


def test_a_push_to_a_dead_endpoint_fails_in_one_line_and_changes_nothing(export, store):
    CliRunner().invoke(
        main,
        ["push", "--endpoint", f"{store}/store", "--named-graph", GRAPH, "--graph", str(export)],
    )
    before, data = http_select(store, TITLES, GRAPH), export.read_bytes()
    dead = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(
        main, ["push", "--endpoint", dead, "--named-graph", GRAPH, "--graph", str(export)]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {dead}: cannot reach the store (")
    assert lines[0].endswith("nothing was changed")
    assert http_select(store, TITLES, GRAPH) == before and export.read_bytes() == data


def test_a_push_takes_credentials_from_the_environment(export, monkeypatch):
    from kg.server import _headers

    monkeypatch.setenv("KG_PUSH_USER", "me")
    monkeypatch.setenv("KG_PUSH_PASSWORD", "secret")
    assert _headers(export)[0]["Authorization"] == "Basic bWU6c2VjcmV0"
    monkeypatch.setenv("KG_PUSH_TOKEN", "t0ken")
    assert _headers(export)[0]["Authorization"] == "Bearer t0ken"


def test_kg_serve_answers_like_kg_query(export):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--graph", str(export), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        assert http_select(base, PER_ORG) == kg_select(export, PER_ORG)
        assert http_select(base, TITLES) == kg_select(export, TITLES)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_kg_query_engines_agree(export, engine):
    result = CliRunner().invoke(
        main, ["query", PER_ORG, "--graph", str(export), "--format", "csv", "--engine", engine]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == CliRunner()
        .invoke(main, ["query", PER_ORG, "--graph", str(export), "--format", "csv"])
        .output
    )


@pytest.mark.parametrize(
    "path", sorted((ROOT / "queries").glob("*.rq")), ids=lambda path: path.stem
)
def test_oxigraph_prints_what_rdflib_prints_for_the_readme_queries(export, path):
    shown = {
        engine: CliRunner().invoke(
            main, ["query", str(path), "--graph", str(export), "--engine", engine]
        )
        for engine in ("oxigraph", "rdflib")
    }
    assert shown["rdflib"].exit_code == 0, shown["rdflib"].output
    assert "(0 rows)" not in shown["rdflib"].output
    assert shown["oxigraph"].output == shown["rdflib"].output


@pytest.mark.parametrize(
    ("sparql", "error"),
    [
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "update queries (INSERT, DELETE, LOAD, CLEAR ...) are refused: kg query is read-only",
        ),
        (
            "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
            "FROM is refused: kg query reads only the --graph file",
        ),
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "SERVICE is refused: kg query reads only the --graph file",
        ),
    ],
)
def test_the_oxigraph_engine_refuses_what_kg_query_refuses(export, sparql, error):
    result = CliRunner().invoke(
        main, ["query", sparql, "--graph", str(export), "--engine", "oxigraph"]
    )
    assert result.exit_code == 2
    assert result.stderr == f"Error: {error}\n"

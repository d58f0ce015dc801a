"""Bad input as a careless user or an attacker would give it: every failure is one line with
the right exit code, no secret reaches the terminal, and what kg prints other tools can read."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from kg.cli import main

EXPORT = ROOT / "outputs" / "talks.ttl"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NESTED = "SELECT (" + "(" * 40 + "1" + ")" * 40 + " AS ?x) WHERE {}"


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Item 5: queries that crashed, read other files, or ran without end.


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("sparql", "error"),
    [
        (NESTED, "the query nests too deeply to be read; write it with fewer levels"),
        (
            "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
            "GRAPH is refused: kg query reads only the --graph file",
        ),
        (
            "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
            "GRAPH is refused: kg query reads only the --graph file",
        ),
    ],
    ids=["40 parentheses", "GRAPH file", "GRAPH variable"],
)
def test_queries_that_crashed_are_one_line(engine, sparql, error):
    result = kg("query", sparql, "--graph", str(EXPORT), "--engine", engine)
    assert (result.exit_code, result.stderr) == (2, f"Error: {error}\n")


def test_an_aggregate_of_an_unbound_variable_is_one_line():
    result = kg("query", "SELECT (GROUP_CONCAT(DISTINCT ?w) AS ?x) WHERE { ?t a kg:Talk }")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the query failed: Variable w is not bound where it is aggregated; bind it "
        "(OPTIONAL, COALESCE) or use --engine oxigraph\n"
    )


TIMED_OUT = (
    "Error: the query was stopped after 0.5 s (--timeout); narrow it (a LIMIT, fewer "
    "unconstrained patterns) or allow more time with --timeout SECONDS\n"
)


def test_a_query_that_runs_too_long_is_stopped_rdflib():
    result = kg(
        "query", CARTESIAN, "--graph", str(EXPORT), "--engine", "rdflib", "--timeout", "0.5"
    )
    assert (result.exit_code, result.stderr) == (2, TIMED_OUT)


def test_a_query_that_runs_too_long_is_stopped_oxigraph():
    # In a process of its own: Oxigraph's work cannot be interrupted, it ends with the process.
    run = subprocess.run(
        [sys.executable, "-m", "kg", "query", CARTESIAN, "--graph", str(EXPORT)]
        + ["--engine", "oxigraph", "--timeout", "0.5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stderr, run.stdout) == (2, TIMED_OUT, "")


# Item 10: JSON that json.loads reads, with typed values; CSV as RFC 4180 readers read it.

ODD = ["👩\u200d💻", "a\u00a0b", "x\u2028y", "tab\there", 'quote " and \\ backslash', "new\nline"]


@pytest.fixture
def odd_export(tmp_path: Path) -> Path:
    path = tmp_path / "odd.ttl"
    values = ", ".join(json.dumps(text, ensure_ascii=False) for text in ODD)
    path.write_text(
        f"<urn:a> <urn:text> {values} ;\n"
        '  <urn:n> 1, -7, 2.5, "3.0e0"^^<http://www.w3.org/2001/XMLSchema#double> ;\n'
        "  <urn:flag> true .\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_json_is_what_json_loads_reads(odd_export, engine):
    shown = kg(
        "query", "SELECT ?o WHERE { <urn:a> <urn:text> ?o } ORDER BY ?o", "--graph",
        str(odd_export), "--format", "json", "--engine", engine,
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == [{"o": text} for text in sorted(ODD)]
    assert all(c.isprintable() or c == "\n" for c in shown.stdout)  # nothing acts on a terminal


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_json_numbers_and_booleans_are_typed(odd_export, engine):
    sparql = (
        "SELECT (COUNT(?n) AS ?numbers) ?flag (SUM(?n) AS ?sum) (MAX(?n) > 2 AS ?big) "
        "WHERE { <urn:a> <urn:n> ?n ; <urn:flag> ?flag } GROUP BY ?flag"
    )
    shown = kg("query", sparql, "--graph", str(odd_export), "--format", "json", "--engine", engine)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == [{"numbers": 4, "flag": True, "sum": -0.5, "big": True}]


def test_json_shows_an_unbound_value_as_null(odd_export):
    sparql = "SELECT ?o ?none WHERE { <urn:a> <urn:flag> ?o OPTIONAL { ?o <urn:x> ?none } }"
    shown = kg("query", sparql, "--graph", str(odd_export), "--format", "json")
    assert json.loads(shown.stdout) == [{"o": True, "none": None}]


def test_csv_is_what_a_csv_reader_reads(odd_export):
    sparql = "SELECT ?o WHERE { <urn:a> <urn:text> ?o } ORDER BY ?o"
    shown = kg("query", sparql, "--graph", str(odd_export), "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert list(csv.reader(io.StringIO(shown.stdout))) == [["o"], *([t] for t in sorted(ODD))]


# Item 6: kg push never shows a secret, and fails in one line.


@pytest.fixture
def echoing_store():
    """A store on loopback that refuses every PUT with a page echoing the request's headers."""

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = f"denied\nyou sent Authorization: {self.headers['Authorization']}\n".encode()
            self.send_response(401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("env", "secret"),
    [
        ({"KG_PUSH_TOKEN": "t0ken-SECRET"}, "t0ken-SECRET"),
        ({"KG_PUSH_USER": "alice", "KG_PUSH_PASSWORD": "pa55-SECRET"}, "pa55-SECRET"),
    ],
    ids=["token", "password"],
)
def test_an_error_page_echoing_the_credentials_is_redacted(echoing_store, monkeypatch, env, secret):
    import base64

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = kg("push", "--endpoint", echoing_store, "--graph", str(EXPORT))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {echoing_store}: the store refused the graph "
        "(HTTP 401: you sent Authorization: ***)\n"
    )
    basic = base64.b64encode(f"alice:{secret}".encode()).decode()
    assert secret not in result.output and basic not in result.output


@pytest.mark.parametrize(
    ("env", "endpoint", "error"),
    [
        (
            {"KG_PUSH_TOKEN": "abc\r\nX-Injected: SECRET"},
            "http://127.0.0.1:{port}/store",
            "KG_PUSH_TOKEN is not a bearer token: it may hold only ASCII letters, digits and "
            "-._~+/ (then =); nothing was sent",
        ),
        (
            {"KG_PUSH_TOKEN": "sécret-☃-SECRET"},
            "http://127.0.0.1:{port}/store",
            "KG_PUSH_TOKEN is not a bearer token: it may hold only ASCII letters, digits and "
            "-._~+/ (then =); nothing was sent",
        ),
        (
            {},
            "http://127.0.0.1:abc/store",
            "http://127.0.0.1:abc/store: the port is not a number from 0 to 65535",
        ),
        (
            {},
            "http://alice:SECRET@127.0.0.1:{port}/store",
            "http://alice:***@127.0.0.1:{port}/store: credentials in the URL are refused; give "
            "them in KG_PUSH_USER and KG_PUSH_PASSWORD (or KG_PUSH_TOKEN)",
        ),
        (
            {},
            "http://127.0.0.1:{port}/store --named-graph urn:a\nb",
            "kg push: the named graph <urn:a\\x0ab> is not a valid absolute IRI: it holds U+000A "
            "(a control character), which an IRI may not",
        ),
        (
            {"KG_PUSH_USER": "al:ice", "KG_PUSH_PASSWORD": "SECRET"},
            "http://127.0.0.1:{port}/store",
            'KG_PUSH_USER may not hold ":" (basic authentication); nothing was sent',
        ),
    ],
    ids=[
        "token with CR LF",
        "token not Latin-1",
        "port not a number",
        "password in URL",
        "graph IRI",
        "user with colon",
    ],
)
def test_bad_credentials_and_endpoints_are_one_line_without_the_secret(
    monkeypatch, env, endpoint, error
):
    for name in ("KG_PUSH_TOKEN", "KG_PUSH_USER", "KG_PUSH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    url, *graph = endpoint.format(port=port).split(" --named-graph ")
    options = ["--named-graph", graph[0]] if graph else []
    result = kg("push", "--endpoint", url, "--graph", str(EXPORT), *options)
    assert (result.exit_code, result.stderr) == (2, f"Error: {error.format(port=port)}\n")
    assert "SECRET" not in result.output


# Item 7: kg serve fails in one line before it says it serves, and refuses SERVICE itself.


def test_serve_on_a_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kg("serve", "--graph", str(EXPORT), "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); is another server "
        "there? Choose another port with --port\n"
    )


def test_serve_without_the_oxigraph_program_says_so_before_serving(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = kg("serve", "--graph", str(EXPORT), "--port", str(free_port()))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: kg serve needs the Oxigraph server: pip install 'kg[server]' (or oxigraph)\n"
    )


def test_the_server_refuses_service_and_opens_no_connection():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--graph", str(EXPORT), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert server.stderr is not None
        assert server.stderr.readline().decode().startswith("serving ")  # only once it answers
        with socket.socket() as bait:
            bait.bind(("127.0.0.1", 0))
            bait.listen()
            sparql = (
                f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{bait.getsockname()[1]}/sparql> "
                "{ ?s ?p ?o } }"
            )
            for request in (
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": sparql})
                ),
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/query",
                    data=sparql.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                ),
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/query",
                    data=urllib.parse.urlencode({"query": sparql}).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                ),
            ):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=30)
                assert refused.value.code == 400
                assert refused.value.read() == (
                    b"SERVICE is refused: kg serve answers from its export alone\n"
                )
            assert select.select([bait], [], [], 0)[0] == []  # nobody called the bait
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


# Items 1-4 and 13: values that made outputs other tools cannot read, or tracebacks.

ROW = "| Ray Data | {title} \\| Ray Summit 2025 | Uses Ray Data. |\n"
GAZETTEER = (
    "@prefix kg: <https://example.org/kg/vocab#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    '<https://example.org/kg/id/organization/{key}> a kg:Organization ; skos:prefLabel "Zyx"@en'
    ' ; skos:altLabel "{alias}" .\n'
)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ["--event", 'A\nB \\"'],
            "--event: the event holds U+000A (a control character), which RDF or XML readers "
            "refuse or show wrongly; remove it",
        ),
        (
            ["--event", "Summit\x1b[2J 2025"],
            "--event: the event holds U+001B (a control character), which RDF or XML readers "
            "refuse or show wrongly; remove it",
        ),
        (
            ["--base-iri", "not-an-iri/"],
            "--base-iri: the base IRI <not-an-iri/> is not a valid absolute IRI: it has no "
            'scheme (such as "https:")',
        ),
        (
            ["--base-iri", "http://x/a\nb/"],
            "--base-iri: the base IRI <http://x/a\\x0ab/> is not a valid absolute IRI: it holds "
            "U+000A (a control character), which an IRI may not",
        ),
        (
            ["--base-iri", "http://x/a b/"],
            "--base-iri: the base IRI <http://x/a b/> is not a valid absolute IRI: it holds "
            "U+0020 (SPACE), which an IRI may not",
        ),
        (
            ["--base-iri", 'http://x/{a}"b/'],
            '--base-iri: the base IRI <http://x/{a}"b/> is not a valid absolute IRI: it holds '
            "U+007B (LEFT CURLY BRACKET), which an IRI may not",
        ),
        (
            ["--base-iri", "http://x:port/"],
            "--base-iri: the base IRI <http://x:port/> is not a valid absolute IRI: its form is "
            'not an IRI\'s (RFC 3987: a "%" takes two hex digits, a port only digits)',
        ),
        (
            ["--base-iri", "http://x.test/id"],
            "--base-iri: the base IRI <http://x.test/id> must end in / or #",
        ),
        (
            # Raptor reads <http://x.test/a/../talk/t> as <http://x.test/talk/t>, rdflib does not
            ["--base-iri", "http://x.test/a/../"],
            '--base-iri: the base IRI <http://x.test/a/../> has a "." or ".." path segment, '
            "which some RDF readers resolve away and others keep; remove it",
        ),
    ],
    ids=["event newline", "event escape", "no scheme", "newline", "space", "braces", "port"]
    + ["end", "dot segment"],
)
def test_bad_options_are_one_line_and_exit_2(write_table, tmp_path, options, error):
    table = write_table(ROW.format(title="A talk"))
    out = tmp_path / "out"
    result = kg("build", "--input", str(table), "--output-dir", str(out), *options)
    assert (result.exit_code, result.stderr) == (2, f"Error: {error}\n")
    assert not out.exists()


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("A \ufffe talk", "the title holds U+FFFE (a Unicode non-character)"),
        ("A \uffff talk", "the title holds U+FFFF (a Unicode non-character)"),
        ("A \ufdd0 talk", "the title holds U+FDD0 (a Unicode non-character)"),
    ],
)
def test_non_characters_in_a_table_are_refused_with_the_line(write_table, tmp_path, title, error):
    table = write_table(ROW.format(title=title))
    result = kg("build", "--input", str(table), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {table}:3: {error}, which RDF or XML readers refuse or show wrongly; remove it\n"
    )


@pytest.mark.parametrize(
    ("key", "alias", "error"),
    [
        (
            "acme",
            'Ac\\nme \\\\\\"',
            'the literal "Ac\\x0ame \\"" of <https://example.org/kg/id/organization/acme> holds '
            "U+000A (a control character), which RDF or XML readers refuse or show wrongly; "
            "remove it",
        ),
        (
            "acme",
            "Ac\\u001Bme",
            'the literal "Ac\\x1bme" of <https://example.org/kg/id/organization/acme> holds '
            "U+001B (a control character), which RDF or XML readers refuse or show wrongly; "
            "remove it",
        ),
        (
            "ac\\u000Ame",
            "Acme",
            "the IRI <https://example.org/kg/id/organization/ac\\x0ame> is not a valid absolute "
            "IRI: it holds U+000A (a control character), which an IRI may not",
        ),
        (
            "ac\\u003Eme",
            "Acme",
            "the IRI <https://example.org/kg/id/organization/ac>me> is not a valid absolute "
            "IRI: it holds U+003E (GREATER-THAN SIGN), which an IRI may not",
        ),
        (
            "ac\\u0020me",
            "Acme",
            "the IRI <https://example.org/kg/id/organization/ac me> is not a valid absolute "
            "IRI: it holds U+0020 (SPACE), which an IRI may not",
        ),
        (
            "ac\\u00AAme",
            "Acme",
            "the IRI <https://example.org/kg/id/organization/acªme> holds U+00AA (FEMININE "
            "ORDINAL INDICATOR), which rdflib writes into a Turtle prefixed name that other "
            "readers refuse; write it as %C2%AA",
        ),
    ],
    ids=["alias newline", "alias escape", "IRI newline", "IRI >", "IRI space", "IRI ª"],
)
def test_bad_gazetteer_terms_are_one_line_naming_the_file(write_table, tmp_path, key, alias, error):
    table = write_table(ROW.format(title="A talk"))
    extra = tmp_path / "extra.ttl"
    extra.write_text(GAZETTEER.format(key=key, alias=alias), encoding="utf-8")
    result = kg(
        "build", "--input", str(table), "--output-dir", str(tmp_path / "out"),
        "--gazetteer", str(extra),
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (2, f"Error: {extra}: {error}\n")


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            "| 🚀 | One \\| Ray Summit 2025 | x |\n| 🔥 | Two \\| Ray Summit 2025 | x |\n",
            'the track "🔥" gets the same IRI as the track "🚀"',
        ),
        (
            "| ML Ops | One \\| Ray Summit 2025 | x |\n| ml-ops | Two \\| Ray Summit 2025 | x |\n",
            'the track "ml-ops" gets the same IRI as the track "ML Ops"',
        ),
        (
            "| Ray Data | One \\| 🚀 Summit 2025 | x |\n| Ray Data | Two \\| 🔥 Summit 2025 | x |\n",
            'the event "🔥 Summit 2025" gets the same IRI as the event "🚀 Summit 2025"',
        ),
    ],
    ids=["emoji tracks", "ML Ops", "emoji events"],
)
def test_tracks_and_events_whose_iris_collide_are_refused(write_table, tmp_path, rows, error):
    table = write_table(rows)
    result = kg("build", "--input", str(table), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {table}:4: {error} at {table}:3; write them the same way, or make them differ "
        "in letters or digits\n"
    )


def test_a_track_the_gazetteer_knows_may_be_written_two_ways(write_table, tmp_path):
    rows = (
        "| Ray Data | One \\| Ray Summit 2025 | x |\n| ray data | Two \\| Ray Summit 2025 | x |\n"
    )
    result = kg("build", "--input", str(write_table(rows)), "--output-dir", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output

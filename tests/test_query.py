"""`kg query` is read-only and says clearly what is wrong: syntax errors with their position,
updates refused however they are dressed, FROM/SERVICE refused, bad graph files reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import is_update

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ROOT / "outputs" / "talks.ttl"
REFUSED = (
    "Error: update queries (INSERT, DELETE, LOAD, CLEAR ...) are refused: kg query is read-only\n"
)


def query(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_query_answers() -> None:
    result = query("SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Talk }", "--graph", str(GRAPH))
    assert result.exit_code == 0, result.output
    assert result.stdout == "n\n--\n72\n(1 row)\n"


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        (
            "SELECT ?x WHERE { ?x a kg:Talk ",
            "bad SPARQL query at line 1, column 32: Expected SelectQuery, found end of text",
        ),
        (
            "SELECT ?x\nWHERE { ?x a kg:Talk . FILTER( }",
            "bad SPARQL query at line 2, column 24: Expected SelectQuery, found 'FILTER'",
        ),
        (
            "SELEC ?x WHERE { ?x ?p ?o }",
            "bad SPARQL query at line 1, column 1: Expected {SelectQuery | ConstructQuery"
            " | DescribeQuery | AskQuery}, found 'SELEC'",
        ),
        ("SELECT ?x WHERE { ?x foo:bar ?o }", "bad SPARQL query: Unknown namespace prefix : foo"),
        (
            "SELECT \x1b[2J ?x WHERE { ?x ?p ?o }",
            "bad SPARQL query at line 1, column 8: Expected SelectQuery, found '\\x1b'",
        ),
    ],
    ids=["unclosed brace", "second line", "misspelt keyword", "unknown prefix", "escape code"],
)
def test_syntax_error_is_one_line_with_position(sparql: str, message: str) -> None:
    result = query(sparql, "--graph", str(GRAPH))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "insert data { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/g>",
    "COPY DEFAULT TO <http://e/g>",
    "MOVE DEFAULT TO <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://e/>\nPREFIX ex2: <http://e2/>\nINSERT DATA { ex:a ex:b ex:c }",
    "PREFIX ex: <http://e/#> INSERT DATA { ex:a ex:b ex:c }",
    "# SELECT * WHERE { ?s ?p ?o }\nDELETE WHERE { ?s ?p ?o }",
    "BASE <http://e/> # a comment\n  # another\n\tCLEAR DEFAULT",
]


@pytest.mark.parametrize("sparql", UPDATES)
def test_update_is_refused(sparql: str) -> None:
    before = GRAPH.read_bytes()
    result = query(sparql, "--graph", str(GRAPH))
    assert result.exit_code == 2
    assert result.stderr == REFUSED
    assert GRAPH.read_bytes() == before


def test_update_after_a_query_is_never_run() -> None:
    """Not an update by its first keyword: it fails to parse as a query, so nothing runs."""
    sparql = "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/a> <http://e/b> 1 }"
    result = query(sparql, "--graph", str(GRAPH))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bad SPARQL query at line 1, column 29: Expected end of text, found ';'\n"
    )


@pytest.mark.parametrize(
    "sparql",
    [
        'SELECT ?t WHERE { ?t rdfs:label "INSERT DATA" }',
        "PREFIX add: <http://e/>\nSELECT * WHERE { ?s add:with ?o }",
        "# DELETE everything? no.\nASK { ?s ?p ?o }",
    ],
)
def test_read_only_query_with_update_words_runs(sparql: str) -> None:
    assert not is_update(sparql)
    result = query(sparql, "--graph", str(GRAPH))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("sparql", "keyword"),
    [
        ("SELECT * FROM <http://example.org/other.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("ASK { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://e/> { ?s ?q ?r } } }", "SERVICE"),
    ],
)
def test_reading_other_data_is_refused(sparql: str, keyword: str) -> None:
    result = query(sparql, "--graph", str(GRAPH))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {keyword} is refused: kg query reads only the --graph file\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_missing_graph_file(folder: Path) -> None:
    result = query("ASK { ?s ?p ?o }", "--graph", "nope.ttl")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: nope.ttl: no such graph file (run `kg build` first, or pass --graph)\n"
    )


def test_missing_default_graph_file(folder: Path) -> None:
    result = query("ASK { ?s ?p ?o }")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: outputs/talks.ttl: no such graph file (run `kg build` first, or pass --graph)\n"
    )


def test_truncated_graph_file_names_the_line(folder: Path) -> None:
    """A half-written export (cut inside a statement) is reported at the line where it breaks."""
    lines = GRAPH.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if i > 100 and line.rstrip().endswith(";"))
    Path("cut.ttl").write_text("".join(lines[: cut + 1]) + "    kg:track", encoding="utf-8")
    result = query("ASK { ?s ?p ?o }", "--graph", "cut.ttl")
    assert result.exit_code == 2
    match = re.fullmatch(
        r"Error: cut\.ttl:(\d+): not valid Turtle \((.+)\); rebuild it with `kg build`\n",
        result.stderr,
    )
    assert match is not None, result.stderr
    assert int(match.group(1)) == cut + 2


def test_garbage_graph_file(folder: Path) -> None:
    Path("bad.ttl").write_text("this is not turtle\n", encoding="utf-8")
    result = query("ASK { ?s ?p ?o }", "--graph", "bad.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: bad.ttl:1: not valid Turtle (")


def test_binary_graph_file(folder: Path) -> None:
    Path("bin.ttl").write_bytes(b"\xff\xfe\x00garbage")
    result = query("ASK { ?s ?p ?o }", "--graph", "bin.ttl")
    assert result.exit_code == 2
    assert result.stderr == "Error: bin.ttl:1: not UTF-8 (byte 0xff); rebuild it with `kg build`\n"


def test_graph_file_is_a_directory(folder: Path) -> None:
    Path("dir.ttl").mkdir()
    result = query("ASK { ?s ?p ?o }", "--graph", "dir.ttl")
    assert result.exit_code == 2
    assert "'dir.ttl' is a directory" in result.stderr

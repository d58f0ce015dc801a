"""The command line's contract with users and scripts, as the README states it: the command
table lists every option that exists, and every exit code of the exit-code table is what each
command gives, with results on stdout and messages on stderr."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_reliability import EXTRA, SMALL  # a small table and its invented entities
from test_server import free_port, store, wait_for  # noqa: F401 (store is a fixture)

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
SECOND = ROOT / "tests" / "data" / "second"


def table_rows(heading: str) -> list[list[str]]:
    """The rows of the first table after `heading`, as cells (header and separator left out)."""
    text = README.split(heading, 1)[1]
    lines = [line for line in text.split("\n\n|", 1)[-1].split("\n\n")[0].splitlines()]
    rows = [
        re.split(r"(?<!\\)\|", "|" + line if not line.startswith("|") else line) for line in lines
    ]
    return [[cell.strip() for cell in row[1:-1]] for row in rows[2:] if len(row) > 2]


def test_command_table_lists_every_command_and_option() -> None:
    rows = {row[0].strip("`").split()[1]: row[0] for row in table_rows("## Commands")}
    assert sorted(rows) == sorted(main.commands)
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for flag in param.opts + param.secondary_opts:
                    assert flag in rows[name], f"kg {name} {flag} is not in the README's table"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a small table, its gazetteer extra, and the outputs built from them."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "")
    Path("t.md").write_text(SMALL, encoding="utf-8")
    Path("extra.ttl").write_text(EXTRA, encoding="utf-8")
    Path("bad.md").write_text(HEADER + "| T | a | b | c |\n", encoding="utf-8")
    Path("fr.ttl").write_text(
        EXTRA.replace('"Zyxcorp"@en .', '"Zyxcorp"@en , "Zyxcorp SA"@fr .'), encoding="utf-8"
    )
    assert kg("build", "--input", "t.md", "--gazetteer", "extra.ttl").exit_code == 0
    return tmp_path


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


BUILD = ("build", "--input", "t.md", "--gazetteer", "extra.ttl")
CHECK = (*BUILD, "--check")
# (row of the exit-code table, code) -> arguments; each gives that code in the `here` folder.
CASES = {
    ("kg build", 0): BUILD,
    ("kg build", 1): ("build", "--input", "t.md", "--gazetteer", "fr.ttl", "--output-dir", "o"),
    ("kg build", 2): ("build", "--input", "bad.md"),
    ("kg build --check", 0): CHECK,
    ("kg build --check", 1): ("build", "--check", "--input", "t.md"),  # without the extra: stale
    ("kg build --check", 2): ("build", "--check", "--input", "bad.md"),
    ("kg lint", 0): ("lint", "t.md"),
    ("kg lint", 1): ("lint", "bad.md"),
    ("kg lint", 2): ("lint", "nope.md"),
    ("kg query", 0): ("query", "ASK { ?s ?p ?o }"),
    ("kg query", 2): ("query", "queries/nope.rq"),
    ("kg explain", 0): ("explain", "Zyxcorp", "--input", "t.md", "--gazetteer", "extra.ttl"),
    ("kg explain", 2): ("explain", "nothing like it", "--input", "t.md"),
    ("kg eval", 0): ("eval", "--gold", str(SECOND / "talks.gold.tsv"), "--input", str(SECOND / "talks.md"), "--summary-only"),
    ("kg eval", 2): ("eval", "--gold", "nope.tsv", "--input", "t.md"),
    ("kg candidates", 0): ("candidates", "--input", "t.md"),
    ("kg candidates", 2): ("candidates", "--input", "bad.md"),
    ("kg stats", 0): ("stats",),
    ("kg stats", 2): ("stats", "--graph", "nope.ttl"),
    ("kg serve", 2): ("serve", "--graph", "nope.ttl"),
    ("kg push", 2): ("push", "--endpoint", "http://127.0.0.1:1/store"),
}  # fmt: skip
SERVED = {("kg serve", 0), ("kg push", 0)}  # run against real servers below


def test_exit_code_table_is_what_the_cases_cover() -> None:
    documented = {
        (row[0].strip("`"), code)
        for row in table_rows("### Exit codes and output streams")
        for code, cell in enumerate(row[1:4])
        if cell != "—"
    }
    assert documented == set(CASES) | SERVED


@pytest.mark.parametrize(("row", "code"), sorted(CASES))
def test_exit_code_and_streams(here: Path, row: str, code: int) -> None:
    result = kg(*CASES[row, code])
    assert result.exit_code == code, result.output
    if code == 2 or (row, code) == ("kg build", 1):  # an error, or SHACL's report: stderr only
        assert result.stdout == ""
        assert result.stderr.splitlines()[-1 if code == 2 else 0].startswith("Error: ")
    else:  # the result (or what the check found) on stdout, nothing on stderr
        assert result.stdout != ""
        assert result.stderr == ""


def test_serve_stopped_with_ctrl_c_exits_0(here: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a pytest-xdist worker ignores SIGINT, and a child inherits that: give it Ctrl-C back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0
    assert out == b""
    assert err.decode().startswith("serving outputs/talks.ttl at ")


def test_push_exits_0_and_reports_on_stdout(here: Path, store: str) -> None:  # noqa: F811
    result = kg("push", "--endpoint", f"{store}/store", "--named-graph", "https://example.org/g")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("pushed outputs/talks.ttl to https://example.org/g at ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "queries/nope.rq"), "Error: queries/nope.rq: no such query file\n"),
        (
            ("push", "--endpoint", "http://127.0.0.1:1/store", "--graph", "https://example.org/g"),
            "Error: Invalid value for --graph: is the export file (a path); give the named graph's "
            "IRI as --named-graph\n",
        ),
        (("explain", "Zyxcorp"), "Error: no --input given, and no data/talks.md here; pass --input TABLE\n"),
        (("build",), "Error: no --input given, and no data/talks.md here; pass --input TABLE\n"),
    ],
)  # fmt: skip
def test_option_messages(here: Path, args: tuple[str, ...], message: str) -> None:
    result = kg(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(message)


def test_push_input_is_a_deprecated_spelling_of_graph(here: Path) -> None:
    result = kg("push", "--endpoint", "http://127.0.0.1:1/store", "--input", "nope.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "kg push: --input is deprecated; use --graph FILE\nError: nope.ttl"
    )

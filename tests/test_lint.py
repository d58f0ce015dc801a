"""`kg lint`: errors fail (exit 1), warnings are printed and pass unless --strict, a missing
path is bad usage (exit 2); on GitHub Actions the same findings come as workflow commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
# "Frobnicor" is marked as a name ("from X"), in no gazetteer and linked by no cue or pattern
# ("Frobnicor Labs" would be: an organization named by the word for its kind).
UNKNOWN = "| Ray Serve | Serving \\| Ray Summit 2025 | Engineers from Frobnicor talk. |\n"
CANDIDATE = (
    'unknown organization name "Frobnicor": add it to a gazetteer (a new entity, or an '
    "altLabel of a known one), or to ontology/not-entities.tsv if it is not an entity"
)


def lint(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["lint", *args], env={"GITHUB_ACTIONS": "", **(env or {})})


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_seed_is_clean() -> None:
    result = lint(str(ROOT / "data" / "talks.md"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "0 error(s), 0 warning(s) in 72 talks of 1 table(s)\n"


@pytest.mark.parametrize(
    ("args", "code"), [((), 0), (("--strict",), 1)], ids=["warnings pass", "strict fails"]
)
def test_unknown_name_is_a_warning(args: tuple[str, ...], code: int) -> None:
    Path("t.md").write_text(HEADER + UNKNOWN, encoding="utf-8")
    result = lint("t.md", *args)
    assert result.exit_code == code
    assert (
        result.stdout
        == f"t.md:3: warning: {CANDIDATE}\n0 error(s), 1 warning(s) in 1 talks of 1 table(s)\n"
    )
    assert result.stderr == ""


def test_every_table_is_parsed_and_every_error_shown() -> None:
    Path("a.md").write_text(HEADER + "| T | a | b | c |\n", encoding="utf-8")
    Path("b.md").write_text(
        HEADER + "| T | Same \\| Ray Summit 2025 | x |\n| T | same \\| Ray Summit 2025 | y |\n",
        encoding="utf-8",
    )
    result = lint("a.md", "b.md")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'a.md:3: error: expected 3 cells, found 4 (is a "|" in the title missing its backslash? write it as \\|)',
        'b.md:4: error: the talk "same" is already on line 3; remove one',
        "2 error(s), 0 warning(s) in 0 talks of 2 table(s)",
    ]


def test_missing_table_is_bad_usage() -> None:
    result = lint("nope.md")
    assert result.exit_code == 2
    assert result.stderr == "Error: nope.md: no such file\n"
    assert result.stdout == ""


def test_lint_writes_nothing_but_its_report() -> None:
    Path("t.md").write_text(HEADER + UNKNOWN, encoding="utf-8")
    assert lint("t.md", "--report", "junit", "lint.xml").exit_code == 0
    assert sorted(path.name for path in Path().iterdir()) == ["lint.xml", "t.md"]


def test_on_github_actions_findings_are_workflow_commands() -> None:
    Path("t.md").write_text(HEADER + UNKNOWN + "| T | a | b | c |\n", encoding="utf-8")
    result = lint("t.md", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        '::error file=t.md,line=4,title=kg parse::expected 3 cells, found 4 (is a "|" in the '
        "title missing its backslash? write it as \\|)",
    ]

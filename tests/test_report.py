"""Reports for CI pages: every JUnit file kg writes validates against the JUnit schema CI systems
read (tests/data/junit/junit.xsd); workflow commands are escaped as GitHub requires; `kg build
--check --format json` is the graph diff as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from kg.cli import main
from kg.report import Case, Finding, junit, workflow_commands

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "data" / "junit" / "junit.xsd")))
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
ROW = "| Ray Serve | Serving at Zoox \\| Ray Summit 2025 | Zoox用Ray Serve。 |\n"


def valid(path: Path) -> etree._ElementTree:
    """The report, parsed, after checking it against the schema."""
    document = etree.parse(str(path))
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def cases(document: etree._ElementTree) -> list[tuple[str, str, bool]]:
    return [
        (case.get("classname"), case.get("name"), case.find("failure") is not None)
        for case in document.iter("testcase")
    ]


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "")


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


def test_build_report_has_a_case_per_talk_and_per_check() -> None:
    Path("t.md").write_text(HEADER + ROW, encoding="utf-8")
    assert (
        kg(
            "build", "--input", "t.md", "--output-dir", "out", "--report", "junit", "r.xml"
        ).exit_code
        == 0
    )
    assert cases(valid(Path("r.xml"))) == [
        ("t.md", "parse", False),
        ("kg build", "shacl", False),
        ("t.md", "3: Serving at Zoox", False),
    ]
    result = kg(
        "build", "--check", "--input", "t.md", "--output-dir", "out", "--report", "junit", "c.xml"
    )
    assert result.exit_code == 0
    assert ("kg build", "stale", False) in cases(valid(Path("c.xml")))


def test_check_report_fails_the_stale_case() -> None:
    Path("t.md").write_text(HEADER + ROW, encoding="utf-8")
    assert kg("build", "--input", "t.md", "--output-dir", "out").exit_code == 0
    Path("t.md").write_text(HEADER + ROW.replace("Zoox用", "Zoox不用"), encoding="utf-8")
    result = kg(
        "build", "--check", "--input", "t.md", "--output-dir", "out", "--report", "junit", "r.xml"
    )
    assert result.exit_code == 1
    document = valid(Path("r.xml"))
    assert ("kg build", "stale", True) in cases(document)
    failure = document.find(".//testcase[@name='stale']/failure")
    assert failure is not None
    assert failure.text.startswith("out/talks.ttl: error: out/talks.ttl: stale\n")


def test_parse_error_report_names_file_and_line() -> None:
    Path("t.md").write_text(HEADER + "| T | a | b | c |\n", encoding="utf-8")
    result = kg("build", "--input", "t.md", "--output-dir", "out", "--report", "junit", "r.xml")
    assert result.exit_code == 2
    document = valid(Path("r.xml"))
    assert cases(document) == [("t.md", "parse", True)]
    assert document.find(".//failure").get("message").startswith("t.md:3: error: expected 3 cells")


def test_lint_report_fails_talks_with_warnings_only_when_strict() -> None:
    Path("t.md").write_text(
        HEADER + ROW.replace("Zoox用", "Engineers from Frobnicor use"), encoding="utf-8"
    )
    for args, failed in (((), False), (("--strict",), True)):
        kg("lint", "t.md", *args, "--report", "junit", "r.xml")
        document = valid(Path("r.xml"))
        assert cases(document) == [
            ("t.md", "parse", False),
            ("kg lint", "gazetteer", False),
            ("t.md", "3: Serving at Zoox", failed),
        ]
        shown = document.find(".//testcase[@line='3']/" + ("failure" if failed else "system-out"))
        assert shown is not None and "Frobnicor" in shown.text


@pytest.mark.parametrize(
    "text",
    ["\x1b[31m red", "\ufffe\uffff", "a\x00b", "<&>\"'", "line\nbreak", "𝄞 emoji 👩\u200d💻"],
)
def test_any_text_gives_valid_junit(text: str) -> None:
    """Text from a table is data: characters XML 1.0 cannot hold are shown as \\xNN."""
    Path("r.xml").write_bytes(junit(text, [Case(text, text, text, 1, (text,), (text,))]))
    document = valid(Path("r.xml"))
    assert document.find(".//testcase").get("name") == text.replace("\x1b", "\\x1b").replace(
        "\ufffe", "\\xfffe"
    ).replace("\uffff", "\\xffff").replace("\x00", "\\x00")


@pytest.mark.parametrize(
    ("finding", "command"),
    [
        (Finding("data/talks.md", 14, "error", "parse", "bad"), "::error file=data/talks.md,line=14,title=kg parse::bad"),
        (Finding("a,b:c.md", 3, "warning", "candidate", "50% of\r\nit: x, y"),
         "::warning file=a%2Cb%3Ac.md,line=3,title=kg candidate::50%25 of%0D%0Ait: x, y"),
        (Finding("", 0, "error", "shacl", "fails:\nnode"), "::error title=kg shacl::fails:%0Anode"),
    ],
)  # fmt: skip
def test_workflow_commands_are_escaped(finding: Finding, command: str) -> None:
    assert workflow_commands([finding]) == [command]


def test_check_json_is_the_graph_diff() -> None:
    Path("t.md").write_text(HEADER + ROW, encoding="utf-8")
    assert kg("build", "--input", "t.md", "--output-dir", "out").exit_code == 0
    fresh = kg("build", "--check", "--input", "t.md", "--output-dir", "out", "--format", "json")
    assert fresh.exit_code == 0
    assert json.loads(fresh.stdout) == {
        "stale": False,
        "outputs": [
            {"path": "out/talks.ttl", "state": "fresh"},
            {"path": "out/graph.html", "state": "fresh"},
            {"path": "out/graph.graphml", "state": "fresh"},
            {"path": "out/kg-build.json", "state": "fresh"},
        ],
    }
    Path("t.md").write_text(
        HEADER + ROW + "| Ray Data | New \\| Ray Summit 2025 | 概要 |\n", encoding="utf-8"
    )
    stale = kg("build", "--check", "--input", "t.md", "--output-dir", "out", "--format", "json")
    assert stale.exit_code == 1
    report = json.loads(stale.stdout)
    assert report["stale"] is True
    graph = report["outputs"][0]["graph"]
    assert graph["talks"] == {"added": ["New"], "removed": [], "changed": [], "moved": 0}
    assert graph["links"] == {"added": [], "removed": []}
    assert graph["other_triples"]["added"] > 0
    assert [item["state"] for item in report["outputs"]] == ["stale"] * 4


def test_format_json_needs_check() -> None:
    result = kg("build", "--format", "json")
    assert result.exit_code == 2
    assert "Error: Invalid value for --format: only with --check" in result.stderr

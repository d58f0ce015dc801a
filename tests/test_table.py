"""The talks table parser, and the bad-input matrix as users see it through `kg build`."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.errors import TableParseError
from kg.rdf import evidence
from kg.table import parse_table, read_table

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
ROW = "| Ray Data | Scaling Data \\| Ray Summit 2025 | 视频描述：Anyscale的工程师介绍Ray Data。 |\n"
ROW_FORM = "| track | title \\| event | summary |"
EXPECTED_HEADER = "expected a header row like | 分类 | 演讲内容 | 概要 |"

# (id, file content, line, message): every way a hand-edited table goes wrong, and what the user
# reads. `kg build` prints "Error: talks.md:LINE: MESSAGE" and exits 2.
BAD_TABLES = [
    ("empty file", b"", 1, f"the file is empty ({EXPECTED_HEADER})"),
    ("only blank lines", b"\n  \n\n", 1, f"the file is empty ({EXPECTED_HEADER})"),
    (
        "no table",
        "# 演讲\n\n一些文字。\n".encode(),
        1,
        f"no Markdown table found ({EXPECTED_HEADER})",
    ),
    (
        "header only",
        HEADER.encode(),
        1,
        f"the table has a header but no talk rows (add rows like {ROW_FORM})",
    ),
    (
        "header only, no separator",
        b"| track | title | summary |\n",
        2,
        "expected the separator row | --- | --- | --- | under the header",
    ),
    (
        "too few cells",
        (HEADER + "| Ray Data | Scaling Data \\| Ray Summit 2025 |\n").encode(),
        3,
        f"expected 3 cells, found 2 (a row is {ROW_FORM}; an empty cell is written | |)",
    ),
    (
        "unescaped pipe in the title",
        (HEADER + ROW + "| Ray Data | Scaling Data | Ray Summit 2025 | 摘要 |\n").encode(),
        4,
        'expected 3 cells, found 4 (is a "|" in the title missing its backslash? write it as \\|)',
    ),
    (
        "separator row missing",
        ("| 分类 | 演讲内容 | 概要 |\n" + ROW).encode(),
        2,
        "expected the separator row | --- | --- | --- | under the header",
    ),
    (
        "separator row malformed",
        ("| 分类 | 演讲内容 | 概要 |\n| --- | === | --- |\n" + ROW).encode(),
        2,
        "expected the separator row | --- | --- | --- | under the header",
    ),
    (
        "separator row with two columns",
        ("| 分类 | 演讲内容 | 概要 |\n| --- | --- |\n" + ROW).encode(),
        2,
        "expected the separator row | --- | --- | --- | under the header",
    ),
    (
        "second table after a blank line",
        (HEADER + ROW + "\n" + ROW.replace("Scaling Data", "Other")).encode(),
        5,
        "a table row after the end of the table (line 4 ends it); remove the blank or other line "
        "between the rows, or put a second table in a file of its own",
    ),
    (
        "row without the leading pipe",
        (HEADER + ROW + "Ray Data | Other \\| Ray Summit 2025 | 摘要 |\n").encode(),
        4,
        'a row that does not start with "|" ends the table here; start every row with "|", or '
        "put a blank line between the table and the text after it",
    ),
    (
        "not UTF-8 (Latin-1)",
        (HEADER + ROW).encode() + "| Ray Data | Café \\| Ray Summit 2025 | s |\n".encode("latin-1"),
        4,
        "not UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
    (
        "not UTF-8 (GBK)",
        HEADER.encode() + "| 数据 | 标题 \\| Ray Summit 2025 | 摘要 |\n".encode("gbk"),
        3,
        "not UTF-8 (byte 0xca); save the file as UTF-8",
    ),
    (
        "same title twice in one event (case differs)",
        (HEADER + ROW + "| Ray Core | scaling data \\| Ray Summit 2025 | 摘要 |\n").encode(),
        4,
        'the talk "scaling data" is already on line 3; remove one',
    ),
    (
        "control character BEL",
        (HEADER + "| Ray Data | Scaling Data \\| Ray Summit 2025 | a\x07b |\n").encode(),
        3,
        "control character U+0007 at column 49; remove it",
    ),
    (
        "terminal escape ESC",
        (HEADER + "| Ray Data | \x1b[31mRed \\| Ray Summit 2025 | s |\n").encode(),
        3,
        "control character U+001B at column 14; remove it",
    ),
    (
        "C1 control CSI",
        (HEADER + "| Ray Data | Red\x9b \\| Ray Summit 2025 | s |\n").encode(),
        3,
        "control character U+009B at column 17; remove it",
    ),
    (
        "NUL byte",
        (HEADER + "| Ray Data | Nul\x00 \\| Ray Summit 2025 | s |\n").encode(),
        3,
        "control character U+0000 at column 17; remove it",
    ),
    (
        "unknown header",
        b"| track | speaker | summary |\n| --- | --- | --- |\n",
        1,
        'unknown title header "speaker" (use one of: talk, title, 标题, 演讲, 演讲内容, 题目)',
    ),
    (
        "header of four columns",
        b"| track | title | speaker | summary |\n| --- | --- | --- | --- |\n",
        1,
        "expected a header of 3 columns (track, title, summary), found 4",
    ),
    (
        "empty title",
        (HEADER + "| Ray Data |  | 摘要 |\n").encode(),
        3,
        "the title cell is empty; give the talk a title",
    ),
    (
        "first track empty",
        (HEADER + "|  | Scaling Data \\| Ray Summit 2025 | 摘要 |\n").encode(),
        3,
        "the first row has an empty track cell; give it a track",
    ),
    (
        "no event anywhere",
        (HEADER + "| Ray Data | Scaling Data | 摘要 |\n").encode(),
        3,
        'no event in the title (like "| Ray Summit 2025"); pass --event',
    ),
]

# (id, file content, number of talks): inputs that are accepted.
GOOD_TABLES = [
    ("plain", (HEADER + ROW).encode(), 1),
    ("UTF-8 BOM and CRLF", b"\xef\xbb\xbf" + (HEADER + ROW).replace("\n", "\r\n").encode(), 1),
    ("old Mac CR line ends", (HEADER + ROW).replace("\n", "\r").encode(), 1),
    ("prose before the table", ("# Ray Summit 2025\n\n演讲列表：\n\n" + HEADER + ROW).encode(), 1),
    ("prose after the table", (HEADER + ROW + "\n来源：官网。\n").encode(), 1),
    ("no trailing newline", (HEADER + ROW).rstrip("\n").encode(), 1),
    ("tab inside a cell", (HEADER + ROW.replace("Anyscale的", "Anyscale的\t")).encode(), 1),
    (
        "same title in two events",
        (HEADER + ROW + ROW.replace("Ray Summit 2025", "PyTorch Conference 2025")).encode(),
        2,
    ),
]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CliRunner working in tmp_path, so paths in messages are short and exact."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def build(runner: CliRunner, *args: str):
    return runner.invoke(main, ["build", "--output-dir", "out", *args])


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [case[1:] for case in BAD_TABLES],
    ids=[case[0] for case in BAD_TABLES],
)
def test_bad_table_is_one_line_error_exit_2(
    runner: CliRunner, content: bytes, line: int, message: str
) -> None:
    Path("talks.md").write_bytes(content)
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 2
    assert result.stderr == f"Error: talks.md:{line}: {message}\n"
    assert result.stdout == ""
    assert not Path("out").exists()


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [case[1:] for case in BAD_TABLES],
    ids=[case[0] for case in BAD_TABLES],
)
def test_bad_table_raises_table_parse_error(
    tmp_path: Path, content: bytes, line: int, message: str
) -> None:
    path = tmp_path / "talks.md"
    path.write_bytes(content)
    with pytest.raises(TableParseError) as caught:
        read_table(path)
    assert (caught.value.path, caught.value.line, caught.value.message) == (
        str(path),
        line,
        message,
    )


@pytest.mark.parametrize(
    ("content", "count"), [case[1:] for case in GOOD_TABLES], ids=[case[0] for case in GOOD_TABLES]
)
def test_good_table_builds(runner: CliRunner, content: bytes, count: int) -> None:
    Path("talks.md").write_bytes(content)
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 0, result.output
    assert f"talks: {count}\n" in result.stdout
    assert Path("out/talks.ttl").is_file()


def test_bom_and_crlf_leave_no_trace_in_the_talk(tmp_path: Path) -> None:
    plain, dressed = tmp_path / "plain.md", tmp_path / "dressed.md"
    plain.write_text(HEADER + ROW, encoding="utf-8")
    dressed.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROW).replace("\n", "\r\n").encode())
    assert [replace(talk, source="") for talk in read_table(dressed)] == [
        replace(talk, source="") for talk in read_table(plain)
    ]
    assert read_table(dressed)[0].track == "Ray Data"


def test_same_talk_in_two_tables(runner: CliRunner) -> None:
    Path("a.md").write_text(HEADER + ROW, encoding="utf-8")
    Path("b.md").write_text(HEADER + ROW, encoding="utf-8")
    result = build(runner, "--input", "a.md", "--input", "b.md")
    assert result.exit_code == 2
    assert (
        result.stderr == 'Error: b.md:3: the talk "Scaling Data" is already at a.md:3; remove one\n'
    )


def test_titles_differing_only_in_punctuation(runner: CliRunner) -> None:
    """Both would get the IRI .../talk/ray-summit-2025/ray-data: refused, not merged."""
    rows = (
        "| T | Ray: Data \\| Ray Summit 2025 | s |\n| T | Ray - Data! \\| Ray Summit 2025 | s |\n"
    )
    Path("talks.md").write_text(HEADER + rows, encoding="utf-8")
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 2
    assert result.stderr == (
        'Error: talks.md:4: the talk "Ray - Data!" gets the same IRI as "Ray: Data" at '
        "talks.md:3; make the titles differ in more than case and punctuation\n"
    )


def test_missing_file(runner: CliRunner) -> None:
    result = build(runner, "--input", "nope.md")
    assert result.exit_code == 2
    assert result.stderr == "Error: nope.md: no such file (check the path given to --input)\n"


def test_unreadable_file_a_directory(runner: CliRunner) -> None:
    Path("talks.md").mkdir()
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 2
    assert result.stderr == "Error: talks.md: cannot read the file (Is a directory)\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_no_permission(runner: CliRunner) -> None:
    Path("talks.md").write_text(HEADER + ROW, encoding="utf-8")
    Path("talks.md").chmod(0)
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 2
    assert result.stderr == "Error: talks.md: cannot read the file (Permission denied)\n"


def test_one_megabyte_cell_is_read_to_its_end(runner: CliRunner) -> None:
    """A cell longer than spaCy's default max_length (1,000,000 characters): the whole cell is
    read, and an entity named after the first megabyte is still found."""
    filler = "x" * 1_048_576
    summary = f"Anyscale公司的工程师分享。{filler} 最后介绍了Ray Serve。"
    Path("talks.md").write_text(
        HEADER + f"| Ray Serve | Long \\| Ray Summit 2025 | {summary} |\n", encoding="utf-8"
    )
    assert len(Path("talks.md").read_bytes()) > 1_048_576
    assert read_table("talks.md")[0].summary == summary
    result = build(runner, "--input", "talks.md")
    assert result.exit_code == 0, result.output
    assert "entities: ray-library: 1\n" in result.stdout
    graph = Graph().parse("out/talks.ttl", format="turtle")
    assert max(row.start for row in evidence(graph)) > 1_048_576


def test_huge_title_part_is_not_slow_to_reject_as_an_event() -> None:
    """The event check must stay linear: a long run of spaces once made its regex backtrack
    quadratically (a regression shows as this test taking minutes)."""
    title = "Talk \\| a" + " " * 100_000 + "b"
    talks = parse_table(HEADER + f"| T | {title} | s |\n", "t.md", "Ray Summit 2025")
    assert talks[0].event == "Ray Summit 2025"


@pytest.mark.parametrize(
    ("cell", "title", "event"),
    [
        ("A \\| Ray Summit 2025", "A", "Ray Summit 2025"),
        ("A \\| B \\| PyTorch Conference 2025", "A | B", "PyTorch Conference 2025"),
        ("A \\| KubeCon 2024", "A", "KubeCon 2024"),
        # Chinese events: a word for a livestream, a conference, a summit at the end of a word.
        ("甲 \\| KubeSphere 云原生直播 2022", "甲", "KubeSphere 云原生直播 2022"),
        ("甲 \\| 全球人工智能开发与应用大会 2025", "甲", "全球人工智能开发与应用大会 2025"),
        ("甲 \\| 北京 2025", None, "Ray Summit 2025"),
        ("Keynote Day 1\\| Where AI Builders Shape What's Next", None, "Ray Summit 2025"),
        ("Q\\|A in 2025", "Q|A in 2025", "Ray Summit 2025"),
    ],
)
def test_event_is_the_last_part_when_it_names_one(cell: str, title: str | None, event: str) -> None:
    talks = parse_table(HEADER + f"| T | {cell} | s |\n", "t.md", "Ray Summit 2025")
    expected = title if title is not None else cell.replace("\\|", "|")
    assert (talks[0].title, talks[0].event) == (expected, event)


def test_a_dated_name_that_ends_several_titles_is_their_event() -> None:
    """ "PyData Berlin 2023" has no event word; ending two titles, it is the table's event. Ending
    one, it may be the title's own words, and the table needs --event."""
    rows = "| T | A \\| PyData Berlin 2023 | s |\n| | B \\| PyData Berlin 2023 | s |\n"
    talks = parse_table(HEADER + rows, "t.md")
    assert [(t.title, t.event) for t in talks] == [
        ("A", "PyData Berlin 2023"),
        ("B", "PyData Berlin 2023"),
    ]
    with pytest.raises(TableParseError, match="no event in the title"):
        parse_table(HEADER + "| T | A \\| PyData Berlin 2023 | s |\n", "t.md")


def test_empty_track_inherits_the_one_above() -> None:
    rows = "| Ray Data | A \\| Ray Summit 2025 | s |\n|  | B \\| Ray Summit 2025 | s |\n"
    assert [talk.track for talk in parse_table(HEADER + rows, "t.md")] == ["Ray Data"] * 2


def test_summary_parts_and_missing_summary() -> None:
    rows = (
        "| T | A \\| Ray Summit 2025 | 视频描述：介绍Ray。 结论：很快。 |\n"
        "| T | B \\| Ray Summit 2025 | 原视频描述有误 |\n"
    )
    first, second = parse_table(HEADER + rows, "t.md")
    assert first.parts == (("视频描述", "介绍Ray。"), ("结论", "很快。"))
    assert (second.summary, second.summary_missing, second.parts) == ("", True, ())


def test_default_event_applies_to_titles_without_one() -> None:
    talks = parse_table(HEADER + "| T | A | s |\n", "t.md", "Ray Summit 2025")
    assert talks[0].event == "Ray Summit 2025"


def test_real_table_parses() -> None:
    talks = read_table(Path(__file__).resolve().parent.parent / "data" / "talks.md")
    assert len(talks) == 72
    assert len({(talk.event, talk.title) for talk in talks}) == 72

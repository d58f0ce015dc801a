"""Property-based tests of the table parser: generated tables round-trip, any bytes are safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.errors import TableParseError
from kg.table import MISSING_SUMMARY, Talk, parse_table, read_table

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
EVENTS = ("Ray Summit 2025", "PyTorch Conference 2025")

# Cell text: any character but control characters (refused by design) and surrogates, with
# pipes, backslashes, Chinese, emoji (also joined with ZWJ) and odd spaces made frequent.
SPECIAL = list("|\\ -:：\t\u3000") + [
    "中文",
    "演讲",
    "视频描述：",
    "结论：",
    "🚀",
    "👩\u200d💻",
    "ｒａｙ",
]
CHARACTERS = st.characters(blacklist_categories=("Cc", "Cs"))
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), CHARACTERS), max_size=30).map("".join)
TITLE = TEXT.filter(lambda text: text.strip() != "")
ROWS = st.lists(
    st.tuples(TEXT, TITLE, st.sampled_from(EVENTS), TEXT),
    min_size=1,
    max_size=8,
    unique_by=lambda row: (row[2], row[1].strip().casefold()),
).filter(lambda rows: rows[0][0].strip() != "")


def escape(text: str) -> str:
    return text.replace("|", "\\|")


def render(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [
        f"| {escape(track)} | {escape(title)} \\| {event} | {escape(summary)} |\n"
        for track, title, event, summary in rows
    ]
    return HEADER + "".join(lines)


def expected(rows: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """What a reader of the table means: stripped cells, empty tracks inherited."""
    result, track = [], ""
    for cell, title, event, summary in rows:
        track = cell.strip() or track
        text = summary.strip()
        result.append((track, title.strip(), event, "" if text == MISSING_SUMMARY else text))
    return result


def meaning(talks: list[Talk]) -> list[tuple[str, str, str, str]]:
    return [(talk.track, talk.title, talk.event, talk.summary) for talk in talks]


@settings(max_examples=300, deadline=None)
@given(ROWS)
@example([("Ray Data", "a | b", "Ray Summit 2025", "视频描述：介绍 | 结论：好")])
@example([("数据", "演讲🚀", "Ray Summit 2025", ""), ("", "演讲🚀 2", "Ray Summit 2025", "😀")])
@example([("T", "ends with \\", "Ray Summit 2025", "\\|")])
def test_generated_tables_round_trip(rows: list[tuple[str, str, str, str]]) -> None:
    talks = parse_table(render(rows), "t.md")
    assert meaning(talks) == expected(rows)
    assert [talk.line for talk in talks] == list(range(3, 3 + len(rows)))


@settings(max_examples=100, deadline=None)
@given(ROWS, st.booleans(), st.booleans())
def test_bom_and_line_ends_do_not_change_the_talks(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str, str, str]],
    bom: bool,
    crlf: bool,
) -> None:
    text = render(rows).replace("\n", "\r\n" if crlf else "\n")
    path = tmp_path_factory.mktemp("table") / "talks.md"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    assert meaning(read_table(path)) == expected(rows)


PIECES = [
    b"|",
    b"\\|",
    b"\\",
    b" ",
    b"-",
    b":",
    b"---",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe4\xb8",
    "中".encode(),
    "🚀".encode(),
    b"\x00",
    b"\x1b",
    b"\t",
    b"Ray Summit 2025",
    b"track",
    b"title",
    b"summary",
    "原视频描述有误".encode(),
]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join),
        st.lists(st.sampled_from(PIECES), max_size=60).map(lambda p: HEADER.encode() + b"".join(p)),
    )
)
def test_any_bytes_give_talks_or_table_parse_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path: Path = tmp_path_factory.mktemp("bytes") / "talks.md"
    path.write_bytes(data)
    try:
        talks = read_table(path, "Ray Summit 2025")
    except TableParseError as error:
        assert error.line >= 0 and error.message and "\n" not in str(error)
    else:
        assert all(talk.title and talk.track for talk in talks)

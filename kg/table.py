"""Read a Markdown table of talks (`| track | title | summary |`) into `Talk` records."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from kg.errors import TableParseError

HEADER_WORDS = {
    "track": {"分类", "类别", "分组", "专场", "track", "category", "session"},
    "title": {"演讲内容", "演讲", "标题", "题目", "title", "talk"},
    "summary": {"概要", "摘要", "简介", "summary", "abstract", "description"},
}
MISSING_SUMMARY = "原视频描述有误"
PART_MARKER = re.compile(r"(视频描述|视频介绍|结论)\s*[:：]\s*")
SEPARATOR_CELL = re.compile(r":?-+:?")
YEAR_EVENT = re.compile(r"(?P<name>\S.*?)\s+(?:19|20)\d\d")
EVENT_WORD = re.compile(
    r"(?i)(summit|conference|conf|con|forum|meetup|symposium|workshop|expo|days?|week|world"
    r"|congress|festival|大会|峰会|论坛|直播|沙龙|年会|开发者日|技术日|研讨会|会议|分享会|交流会"
    r"|嘉年华|训练营|黑客松|发布会)$"
)
# C0 and C1 control characters except tab: invisible in an editor, and some act on terminals.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ROW_FORM = "| track | title \\| event | summary |"


@dataclass(frozen=True, order=True)
class Talk:
    """One row of the table, with its place in the source file."""

    source: str
    line: int
    track: str
    title: str
    event: str
    keynote: bool
    summary: str
    parts: tuple[tuple[str, str], ...]

    @property
    def summary_missing(self) -> bool:
        return not self.summary


class OfTalk(Protocol):
    """Anything that belongs to one talk: a mention, a link, a claim."""

    @property
    def source(self) -> str: ...
    @property
    def line(self) -> int: ...


T = TypeVar("T", bound=OfTalk)


def by_talk(items: Iterable[T]) -> dict[tuple[str, int], list[T]]:
    """Group items by their talk, (source file, line), keeping their order."""
    grouped: dict[tuple[str, int], list[T]] = {}
    for item in items:
        grouped.setdefault((item.source, item.line), []).append(item)
    return grouped


def by_table(talks: Iterable[Talk]) -> dict[str, list[Talk]]:
    """Group talks by their table (source file), keeping their order."""
    grouped: dict[str, list[Talk]] = {}
    for talk in talks:
        grouped.setdefault(talk.source, []).append(talk)
    return grouped


def read_table(path: Path | str, default_event: str | None = None) -> list[Talk]:
    """Read and parse the table at `path`; every problem is a `TableParseError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TableParseError(name, 0, "no such file (check the path given to --input)") from None
    except OSError as error:
        raise TableParseError(name, 0, f"cannot read the file ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TableParseError(
            name, line, f"not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None
    return parse_table(text, name, default_event)


def parse_table(text: str, source: str, default_event: str | None = None) -> list[Talk]:
    """Parse the Markdown table in `text`. Prose before and after the table is allowed (a title
    or a note); a second table, or rows cut off by a blank line, is an error, never dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("|")), None)
    if start is None:
        what = "the file is empty" if not text.strip() else "no Markdown table found"
        raise TableParseError(
            source, 1, f"{what} (expected a header row like | 分类 | 演讲内容 | 概要 |)"
        )
    _check_header(split_row(lines[start], source, start + 1), source, start + 1)
    if start + 1 >= len(lines) or not _is_separator(lines[start + 1], source, start + 2):
        raise TableParseError(
            source, start + 2, "expected the separator row | --- | --- | --- | under the header"
        )
    rows = []
    end = len(lines) + 1  # the line that ends the table, if any
    for number, line in enumerate(lines[start + 2 :], start + 3):
        if not line.lstrip().startswith("|"):
            end = number
            break
        rows.append((number, split_row(line, source, number)))
    if not rows:
        raise TableParseError(
            source, start + 1, f"the table has a header but no talk rows (add rows like {ROW_FORM})"
        )
    _check_after_table(lines, end, source)
    return _talks(rows, source, default_event)


def _check_after_table(lines: list[str], end: int, source: str) -> None:
    """Refuse table rows after the table has ended: they would be silently lost."""
    if end <= len(lines) and "|" in lines[end - 1]:
        raise TableParseError(
            source,
            end,
            'a row that does not start with "|" ends the table here; start every row with "|", '
            "or put a blank line between the table and the text after it",
        )
    for number, line in enumerate(lines[end - 1 :], end):
        if line.lstrip().startswith("|"):
            raise TableParseError(
                source,
                number,
                f"a table row after the end of the table (line {end} ends it); remove the blank "
                "or other line between the rows, or put a second table in a file of its own",
            )


def split_row(line: str, source: str, number: int) -> list[str]:
    """Split a table row on unescaped pipes; `\\|` stands for a literal `|`."""
    match = CONTROL.search(line)
    if match:
        raise TableParseError(
            source,
            number,
            f"control character U+{ord(match.group()):04X} at column {match.start() + 1}; remove it",
        )
    body = line.strip()
    # Left to right, "\\|" is a literal "|" and every other "|" ends a cell. NUL stands for the
    # literal ones while splitting: the check above refused it in the row.
    cells = [cell.replace("\0", "|") for cell in body.replace("\\|", "\0").split("|")]
    # A row starts with "|" and usually ends with one: drop the empty outer cells.
    cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


def _check_header(cells: list[str], source: str, number: int) -> None:
    if len(cells) != 3:
        raise TableParseError(
            source,
            number,
            f"expected a header of 3 columns (track, title, summary), found {len(cells)}",
        )
    for cell, (column, words) in zip(cells, HEADER_WORDS.items(), strict=True):
        if cell.lower() not in words:
            known = ", ".join(sorted(words))
            raise TableParseError(
                source, number, f'unknown {column} header "{cell}" (use one of: {known})'
            )


def _is_separator(line: str, source: str, number: int) -> bool:
    cells = split_row(line, source, number) if line.lstrip().startswith("|") else []
    return len(cells) == 3 and all(SEPARATOR_CELL.fullmatch(c.replace(" ", "")) for c in cells)


def _talks(rows: list[tuple[int, list[str]]], source: str, default_event: str | None) -> list[Talk]:
    parsed = []
    track = ""
    shared = _shared_events(cells[1] for _, cells in rows if len(cells) == 3)
    for number, cells in rows:
        if len(cells) != 3:
            hint = (
                ' (is a "|" in the title missing its backslash? write it as \\|)'
                if len(cells) > 3
                else f" (a row is {ROW_FORM}; an empty cell is written | |)"
            )
            raise TableParseError(source, number, f"expected 3 cells, found {len(cells)}{hint}")
        track = cells[0] or track
        if not track:
            raise TableParseError(
                source, number, "the first row has an empty track cell; give it a track"
            )
        if not cells[1]:
            raise TableParseError(source, number, "the title cell is empty; give the talk a title")
        title, event = split_event(cells[1], shared)
        parsed.append((number, track, title, event, cells[2]))
    events = Counter(event for *_, event, _ in parsed if event)
    fallback = default_event or (events.most_common(1)[0][0] if events else None)
    talks: list[Talk] = []
    seen: dict[tuple[str, str], int] = {}
    for number, track, title, event, summary in parsed:
        event = event or fallback
        if not event:
            raise TableParseError(
                source, number, 'no event in the title (like "| Ray Summit 2025"); pass --event'
            )
        first = seen.setdefault((event, title.casefold()), number)
        if first != number:
            raise TableParseError(
                source, number, f'the talk "{title}" is already on line {first}; remove one'
            )
        summary = "" if summary == MISSING_SUMMARY else summary
        talks.append(
            Talk(
                source=source,
                line=number,
                track=track,
                title=title,
                event=event,
                keynote="keynote" in title.lower(),
                summary=summary,
                parts=summary_parts(summary),
            )
        )
    return talks


def split_event(title: str, shared: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """Split `Title | Ray Summit 2025` into the title and the event, when the last part is one
    (or one of the `shared` dated names the table's titles end with)."""
    head, bar, last = title.rpartition("|")
    if bar and head.strip() and (is_event(last.strip()) or last.strip() in shared):
        return head.strip(), last.strip()
    return title, None


def is_event(text: str) -> bool:
    """An event name is a few words, one of them an event word, and a year: `PyTorch Conference 2025`."""
    match = _dated(text)
    return match is not None and any(
        EVENT_WORD.search(word) for word in match.group("name").split()
    )


def _dated(text: str) -> re.Match[str] | None:
    """A few words and a year: `PyData Berlin 2023`."""
    words = text.split()
    if len(words) > 7 or len(text) > 200:  # also keeps the regex below linear on huge cells
        return None
    return YEAR_EVENT.fullmatch(" ".join(words))


def _shared_events(titles: Iterable[str]) -> frozenset[str]:
    """The dated names that end two or more titles of a table: its events, even without an event
    word (`| PyData Berlin 2023`, `| SciPy 2024`); a name that ends one title may be its own."""
    ends = Counter(
        last.strip()
        for head, bar, last in (title.rpartition("|") for title in titles)
        if bar and head.strip() and _dated(last.strip())
    )
    return frozenset(name for name, count in ends.items() if count >= 2)


def summary_parts(summary: str) -> tuple[tuple[str, str], ...]:
    """Split a summary into its labelled parts (视频描述 / 视频介绍 / 结论); unlabelled text has label ""."""
    parts = []
    position, label = 0, ""
    for match in PART_MARKER.finditer(summary):
        text = summary[position : match.start()].strip()
        if text:
            parts.append((label, text))
        position, label = match.end(), match.group(1)
    text = summary[position:].strip()
    if text:
        parts.append((label, text))
    return tuple(parts)

"""Quantitative results a talk claims ("50x cheaper model serving", "训练时间减少68%")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract import sentence_at
from kg.table import Talk

NUMBER = r"\d+(?:\.\d+)?"
FIGURE = re.compile(
    rf"(?P<low>{NUMBER})(?:\s*(?:-|–|~|到|至)\s*(?P<high>{NUMBER}))?\s*"
    r"(?P<unit>万美元|美元|倍|[xX×](?![A-Za-z])|%|％|毫秒|ms(?![A-Za-z])|秒|s(?![A-Za-z])|分钟|小时)"
)
UNITS = {
    "倍": "x",
    "X": "x",
    "×": "x",
    "％": "%",
    "秒": "s",
    "毫秒": "ms",
    "分钟": "min",
    "小时": "h",
}
SCALE = {"万美元": ("USD", 10_000), "美元": ("USD", 1)}
CLAUSE_END = "，。；;！？!?、：:,|"


@dataclass(frozen=True, order=True)
class Claim:
    """A figure with its unit, and the clause that says what it measures."""

    source: str
    line: int
    field: str
    start: int
    end: int
    value: str
    high: str | None
    unit: str
    text: str
    statement: str
    sentence: str


def find_claims(talks: Iterable[Talk]) -> list[Claim]:
    """Every figure with a unit of ratio, share, time or money in titles and summaries."""
    claims = []
    for talk in talks:
        for field, text in (("title", talk.title), ("summary", talk.summary)):
            for match in FIGURE.finditer(text):
                if (
                    match.start()
                    and text[match.start() - 1].isalnum()
                    and text[match.start() - 1].isascii()
                ):
                    continue  # a digit inside a name, like "GB200"
                unit = match.group("unit")
                unit, factor = SCALE.get(unit, (UNITS.get(unit, unit), 1))
                claims.append(
                    Claim(
                        source=talk.source,
                        line=talk.line,
                        field=field,
                        start=match.start(),
                        end=match.end(),
                        value=_scaled(match.group("low"), factor),
                        high=_scaled(match.group("high"), factor) if match.group("high") else None,
                        unit=unit,
                        text=match.group(),
                        statement=_clause(text, match.start(), match.end()),
                        sentence=sentence_at(text, match.start()),
                    )
                )
    return sorted(claims)


def _scaled(number: str, factor: int) -> str:
    return number if factor == 1 else str(round(float(number) * factor))


def _clause(text: str, start: int, end: int) -> str:
    """The words around a figure up to the nearest punctuation: what the figure measures."""
    left = max((text.rfind(mark, 0, start) for mark in CLAUSE_END), default=-1)
    rights = [i for i in (text.find(mark, end) for mark in CLAUSE_END) if i >= 0]
    right = min(rights) if rights else len(text)
    return text[left + 1 : right].strip()

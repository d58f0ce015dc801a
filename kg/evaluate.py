"""Measure the extractor against a hand-made annotation: precision, recall and F1 per entity type.

The annotation is a TSV file with the header `line type name affiliation evidence`: one row per
(talk, type, entity), the talk named by its line in the table, the entity by its canonical English
name (any gazetteer label is accepted), speakers by their name as written. Types: organization,
presenter, ray_library, technique, hardware, software, model, speaker. A presenter counts as an
organization too, as `kg:mentionsOrganization` includes presenters.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.extract import Link
from kg.ontology import Gazetteer, normalize

# Annotation type -> (gazetteer kind of its entities, link roles that count as predicting it).
TYPES = {
    "organization": ("organization", ("organization", "presenter")),
    "presenter": ("organization", ("presenter",)),
    "ray_library": ("ray-library", ("ray-library",)),
    "technique": ("technique", ("technique",)),
    "hardware": ("hardware", ("hardware",)),
    "software": ("software", ("software",)),
    "model": ("model", ("model",)),
    "speaker": ("person", ("person",)),
}
COLUMNS = ["line", "type", "name", "affiliation", "evidence"]


@dataclass(frozen=True, order=True)
class GoldRow:
    line: int
    type: str
    name: str
    affiliation: str
    evidence: str


@dataclass(frozen=True)
class Score:
    """The figures for one annotation type, with the pairs behind them."""

    type: str
    true_positives: int
    misses: tuple[tuple[int, str, str], ...]  # (line, entity, annotated evidence)
    wrong: tuple[tuple[int, str, str], ...]  # (line, entity, matched text)

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.wrong)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + len(self.misses)
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_gold(path: Path) -> list[GoldRow]:
    """Read the annotation; a malformed row is a `KgError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError(f"{path}: cannot read the annotation ({error})") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != COLUMNS:
        raise KgError(f"{path}:1: the header must be: {' '.join(COLUMNS)} (tab-separated)")
    gold = []
    for number, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) != len(COLUMNS) or not row[0].isdigit() or row[1] not in TYPES:
            raise KgError(
                f"{path}:{number}: expected a talk line, one of {', '.join(TYPES)}, a name, "
                "an affiliation and evidence, tab-separated"
            )
        gold.append(GoldRow(int(row[0]), row[1], row[2], row[3], row[4]))
    return gold


def evaluate(gazetteer: Gazetteer, links: Iterable[Link], gold: list[GoldRow]) -> list[Score]:
    """Compare (talk line, entity) pairs of the extractor with the annotation, per type."""
    index = _label_index(gazetteer)
    links = list(links)
    scores = []
    for type_name, (kind, roles) in TYPES.items():
        expected: dict[tuple[int, str], str] = {}
        for row in gold:
            if row.type == type_name or (type_name == "organization" and row.type == "presenter"):
                key = _resolve(gazetteer, index, kind, row)
                expected.setdefault((row.line, key), row.evidence)
        found: dict[tuple[int, str], str] = {}
        for item in links:
            if item.role in roles:
                found.setdefault((item.line, item.entity), item.evidence[0].text)
        hits = expected.keys() & found.keys()
        scores.append(
            Score(
                type=type_name,
                true_positives=len(hits),
                misses=tuple(sorted((k[0], k[1], expected[k]) for k in expected.keys() - hits)),
                wrong=tuple(sorted((k[0], k[1], found[k]) for k in found.keys() - hits)),
            )
        )
    return scores


def _compact(name: str) -> str:
    return re.sub(r"[\s-]+", "", normalize(name))


def _label_index(gazetteer: Gazetteer) -> dict[tuple[str, str], list[str]]:
    """Every label in a form that ignores case, width, spaces and hyphens ("Cosmos-Curate")."""
    index: dict[tuple[str, str], list[str]] = {}
    for entity in gazetteer.entities.values():
        for label in entity.labels:
            keys = index.setdefault((entity.kind, _compact(label)), [])
            if entity.key not in keys:
                keys.append(entity.key)
    return index


def _resolve(
    gazetteer: Gazetteer, index: dict[tuple[str, str], list[str]], kind: str, row: GoldRow
) -> str:
    """The entity an annotated name stands for; namesakes are told apart by affiliation."""
    keys = index.get((kind, _compact(row.name)), [])
    if len(keys) > 1 and row.affiliation:
        wanted = index.get(("organization", _compact(row.affiliation)), [])
        keys = [k for k in keys if gazetteer.entities[k].affiliation in wanted] or keys
    return keys[0] if keys else f"(not in gazetteer) {row.name}"


def report(scores: list[Score], details: bool = True) -> str:
    """A table of figures per type, then every miss and every wrong link."""
    lines = [f"{'type':<13} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>4} {'FN':>4}"]
    for s in scores:
        lines.append(
            f"{s.type:<13} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.true_positives:5d} {len(s.wrong):4d} {len(s.misses):4d}"
        )
    if details:
        for s in scores:
            for line, entity, evidence in s.misses:
                lines.append(f"miss  {s.type:<13} line {line:<3} {entity}  ({evidence})")
            for line, entity, text in s.wrong:
                lines.append(f"wrong {s.type:<13} line {line:<3} {entity}  ({text})")
    return "\n".join(lines)

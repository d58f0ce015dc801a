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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.extract import Link, ancestors
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


METHODS = ("gazetteer", "pattern", "cue")


@dataclass(frozen=True)
class Score:
    """The figures for one annotation type, with the pairs behind them; `methods` holds
    (method, true positives, false positives) for each way the links were found."""

    type: str
    true_positives: int
    misses: tuple[tuple[int, str, str], ...]  # (line, annotated name and cause, evidence)
    wrong: tuple[tuple[int, str, str], ...]  # (line, entity, matched text)
    methods: tuple[tuple[str, int, int], ...] = ()

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
        return _f1(self.precision, self.recall)

    def by_method(self) -> list[tuple[str, int, int, float, float, float]]:
        """(method, TP, FP, P, R, F1) per method; R is the share of the annotation it finds."""
        expected = self.true_positives + len(self.misses)
        rows = []
        for method, tp, fp in self.methods:
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / expected if expected else 1.0
            rows.append((method, tp, fp, p, r, _f1(p, r)))
        return rows


def _f1(p: float, r: float) -> float:
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
    """Compare the extractor's links with the annotation per talk and type, by name: a link
    matches an annotated name that is one of its entity's labels (compared ignoring case, width,
    spaces and hyphens), so entities found by a pattern or a cue are scored like the
    gazetteer's. A more specific entity stands for the one annotated when no link names that one
    itself ("Llama 3 70B" for an annotated "Llama 3"): the annotation's granularity."""
    index = _label_index(gazetteer)
    names = _Names(gazetteer)
    links = list(links)
    scores = []
    for type_name, (kind, roles) in TYPES.items():
        expected: dict[tuple[int, str], GoldRow] = {}
        written: dict[tuple[int, str], tuple[int, str]] = {}  # the words annotated, as written
        for row in gold:
            if row.type == type_name or (type_name == "organization" and row.type == "presenter"):
                expected.setdefault((row.line, _compact(row.name)), row)
                written.setdefault(
                    (row.line, _compact(row.evidence)), (row.line, _compact(row.name))
                )
        found: dict[tuple[int, str], Link] = {}
        for item in links:
            if item.role in roles:
                found.setdefault((item.line, item.entity), item)
        matched: dict[tuple[int, str], tuple[int, str]] = {}  # found -> expected
        for level in (0, 1):  # its own labels first, then those of broader entities
            for (line, key), _ in sorted(found.items()):
                if (line, key) in matched:
                    continue
                taken = set(matched.values())
                for name in names.of(key)[level]:
                    # A finer entity under an annotated name that is already matched ("Llama 3
                    # 70B" beside "Llama 3") is that name again: neither a hit nor a wrong link.
                    # An entity found in the text may carry the words as annotated ("蚂蚁集团"
                    # for Ant Group).
                    wanted = (line, name) if (line, name) in expected else written.get((line, name))
                    if wanted is not None and (level or wanted not in taken):
                        matched[(line, key)] = wanted
                        break
        hits = set(matched.values())
        misses = tuple(
            sorted(
                (key[0], _cause(gazetteer, index, kind, row), row.evidence)
                for key, row in expected.items()
                if key not in hits
            )
        )
        wrong = tuple(
            sorted((k[0], k[1], found[k].evidence[0].text) for k in found if k not in matched)
        )
        first: dict[tuple[int, str], str] = {}  # each hit, by the method of its first match
        for k, hit in matched.items():
            first.setdefault(hit, _method(found[k]))
        methods = []
        for method in METHODS:
            tp = sum(1 for m in first.values() if m == method)
            fp = sum(1 for k in found if k not in matched and _method(found[k]) == method)
            if tp or fp:
                methods.append((method, tp, fp))
        scores.append(Score(type_name, len(hits), misses, wrong, tuple(methods)))
    return scores


def _method(item: Link) -> str:
    """How a link was found: by its most confident evidence."""
    return max(item.evidence, key=lambda m: m.confidence).method


class _Names:
    """The compact labels of an entity, and those of the entities above it (skos:broader)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def of(self, key: str) -> tuple[list[str], list[str]]:
        own = [_compact(label) for label in self._labels(key)]
        above = [
            _compact(label)
            for parent in ancestors(self.gazetteer, key)
            for label in self._labels(parent)
        ]
        return own, above

    def _labels(self, key: str) -> tuple[str, ...]:
        entity = self.gazetteer.entities.get(key)
        return entity.labels if entity else ()


def _cause(
    gazetteer: Gazetteer, index: dict[tuple[str, str], list[str]], kind: str, row: GoldRow
) -> str:
    """The annotated name, and why it could be missed: the gazetteer lacks it, or has it."""
    keys = index.get((kind, _compact(row.name)), [])
    known = [k for k in keys if gazetteer.entities[k].found_by == "gazetteer"]
    if known:
        return f"{row.name} (in the gazetteer as {known[0]}: not matched)"
    return f"{row.name} (not in the gazetteer, not found by pattern or cue)"


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


def report(scores: list[Score], details: bool = True) -> str:
    """A table of figures per type, each with its figures per method, then every miss and every
    wrong link."""
    lines = [
        f"{'type':<13} {'method':<10} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>4} {'FN':>4}"
    ]
    for kind, method, p, r, f1, tp, fp, fn in _rows(scores):
        misses = f" {fn:4d}" if method == "all" else ""
        lines.append(f"{kind:<13} {method:<10} {p:6.3f} {r:6.3f} {f1:6.3f} {tp:5d} {fp:4d}{misses}")
    if details:
        for s in scores:
            for line, entity, evidence in s.misses:
                lines.append(f"miss  {s.type:<13} line {line:<3} {entity}  ({evidence})")
            for line, entity, text in s.wrong:
                lines.append(f"wrong {s.type:<13} line {line:<3} {entity}  ({text})")
    return "\n".join(lines)


def _rows(scores: list[Score]) -> Iterator[tuple[str, str, float, float, float, int, int, int]]:
    """(type, method, P, R, F1, TP, FP, FN): each type's figures ("all"), then per method."""
    for s in scores:
        yield (
            s.type,
            "all",
            s.precision,
            s.recall,
            s.f1,
            s.true_positives,
            len(s.wrong),
            len(s.misses),
        )
        for method, tp, fp, p, r, f1 in s.by_method():
            yield "", method, p, r, f1, tp, fp, 0


def annotated_tables(root: Path) -> list[tuple[Path, Path]]:
    """The seed (data/talks.md) and every tests/data/*/talks.md that has a talks.gold.tsv beside
    it, as (table, annotation) pairs under `root`."""
    pairs = [(root / "data" / "talks.md", root / "data" / "talks.gold.tsv")]
    for gold in sorted((root / "tests" / "data").glob("*/talks.gold.tsv")):
        pairs.append((gold.parent / "talks.md", gold))
    missing = [str(table) for table, gold in pairs if not (table.is_file() and gold.is_file())]
    if missing:
        raise KgError(f"{missing[0]}: no such table (run kg eval --all from the repository)")
    return pairs


def markdown(results: list[tuple[str, list[Score]]]) -> str:
    """The quality report (docs/quality.md): per table a table of figures per type and method,
    then its misses and wrong links, each with its cause."""
    lines = [
        "# Extraction quality",
        "",
        "Generated by `kg eval --all --markdown > docs/quality.md`; do not edit by hand.",
        "Precision, recall and F1 per type and per method (how each link was found: a gazetteer",
        "label, a version or a product word after a name the gazetteer knows, or a cue: a name in a",
        "position that names one). A method's recall is the share of the annotation it finds.",
        "",
    ]
    types = [s.type for s in results[0][1]] if results else []
    lines += [
        "## Summary: F1 (precision) per table and type",
        "",
        "| table | " + " | ".join(types) + " |",
        "| --- |" + " ---: |" * len(types),
    ]
    for name, scores in results:
        cells = [f"{s.f1:.2f} ({s.precision:.2f})" for s in scores]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for name, scores in results:
        lines += [
            f"## {name}",
            "",
            "| type | method | P | R | F1 | TP | FP | FN |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind, method, p, r, f1, tp, fp, fn in _rows(scores):
            misses = str(fn) if method == "all" else ""
            lines.append(
                f"| {kind} | {method} | {p:.3f} | {r:.3f} | {f1:.3f} | {tp} | {fp} | {misses} |"
            )
        problems = [
            f'- miss {s.type}, line {line}: {_cell(what)} (annotated: "{_cell(evidence)}")'
            for s in scores
            for line, what, evidence in s.misses
        ] + [
            f'- wrong {s.type}, line {line}: {_cell(entity)} (matched "{_cell(text)}")'
            for s in scores
            for line, entity, text in s.wrong
        ]
        if problems:
            lines += [
                "",
                "<details><summary>misses and wrong links</summary>",
                "",
                *problems,
                "",
                "</details>",
            ]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")

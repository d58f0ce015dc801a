"""`kg lint`: check tables as their authors edit them, without building or writing anything.

Errors: a table that does not parse, a talk twice, a gazetteer that cannot be used. Warnings:
names the text marks as names that no gazetteer label covers and that are not listed as not
entities (kg.discover's candidates), so a new spelling ("Zuks") or an unknown company shows up
in the pull request that brings it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, TableParseError
from kg.inputs import duplicates, input_files
from kg.report import Finding
from kg.table import Talk, by_talk, read_table


@dataclass(frozen=True)
class Lint:
    """The tables read, their talks, and what was found in them (sorted by file and line)."""

    files: list[str]
    talks: list[Talk]
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return sum(1 for item in self.findings if item.severity == severity)


def lint(inputs: list[Path], event: str | None = None, gazetteers: tuple[Path, ...] = ()) -> Lint:
    """Parse every table (all of them, not only up to the first error), then look for unknown
    names in the talks that parsed. A path that does not exist is a `KgError` (bad usage)."""
    from kg.discover import candidates
    from kg.extract import build_nlp
    from kg.ontology import load_gazetteer
    from kg.pipeline import find_links

    files = input_files(inputs)
    for path in files:
        if not path.exists():
            raise KgError(f"{path}: no such file")
    findings: list[Finding] = []
    talks: list[Talk] = []
    for path in files:
        try:
            talks += read_table(path, event)
        except TableParseError as error:
            findings.append(_parse(error))
    findings += [_parse(problem) for problem in duplicates(talks)]
    try:
        gazetteer = load_gazetteer(gazetteers)
    except KgError as error:
        findings.append(Finding("", 0, "error", "gazetteer", str(error)))
        return Lint([str(path) for path in files], talks, sorted(findings))
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    # Every candidate of one talk is among those of all talks: search all talks once, then
    # again (to place each candidate on its line) only the talks where one of them occurs.
    names = {candidate.name for candidate in candidates(found.gazetteer, talks, found.mentions)}
    mentions = by_talk(found.mentions)
    for talk in talks:
        if not any(name in talk.title or name in talk.summary for name in names):
            continue
        mine = mentions.get((talk.source, talk.line), [])
        for candidate in candidates(found.gazetteer, [talk], mine):
            findings.append(
                Finding(
                    talk.source,
                    talk.line,
                    "warning",
                    "candidate",
                    f'unknown {candidate.kind} name "{candidate.name}": add it to a gazetteer '
                    "(a new entity, or an altLabel of a known one), or to "
                    "ontology/not-entities.tsv if it is not an entity",
                )
            )
    return Lint([str(path) for path in files], talks, sorted(findings))


def _parse(error: TableParseError) -> Finding:
    return Finding(error.path, error.line, "error", "parse", error.message)

"""Input discovery: the table files a build reads (files and folders), and their talks."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.table import Talk, read_table


def input_files(inputs: list[Path]) -> list[Path]:
    """The tables to read: each file as given, and every *.md in a folder, sorted by name. A path
    named *.md is a table even if it is a folder (reading it then says why it cannot be read)."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir() and path.suffix != ".md":
            found = sorted(path.glob("*.md"))
            if not found:
                raise KgError(f"{path}: no *.md tables in this folder")
            files += found
        else:
            files.append(path)
    return files


def read_talks(inputs: list[Path], event: str | None = None) -> list[Talk]:
    """The talks of every input table (or folder of tables); a talk may appear only once per event."""
    from kg.rdf import talk_iri  # rdflib: not needed to list the input files

    talks: list[Talk] = []
    seen: dict[str, Talk] = {}
    for path in input_files(inputs):
        for talk in read_table(path, event):
            first = seen.setdefault(str(talk_iri("", talk)), talk)
            if first is not talk and first.title.casefold() == talk.title.casefold():
                raise KgError(
                    f'{talk.source}:{talk.line}: the talk "{talk.title}" is already at '
                    f"{first.source}:{first.line}; remove one"
                )
            if first is not talk:
                raise KgError(
                    f'{talk.source}:{talk.line}: the talk "{talk.title}" gets the same IRI as '
                    f'"{first.title}" at {first.source}:{first.line}; make the titles differ in '
                    "more than case and punctuation"
                )
            talks.append(talk)
    return talks

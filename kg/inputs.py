"""Input discovery: the table files a build reads (files and folders), and their talks."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError, TableParseError
from kg.table import Talk, read_table


def input_files(inputs: list[Path]) -> list[Path]:
    """The tables to read, each once (a file given twice, or also found in a given folder, is read
    once, where it first appears). A file is a table as given. A folder gives every *.md in it and
    in its subfolders, sorted by path, except README.md files (what the folder is) and hidden
    folders (.git); a path named *.md is a table even if it is a folder (reading it says why it
    cannot be read)."""
    files: list[Path] = []
    seen: set[Path] = set()
    for path in inputs:
        if path.is_dir() and path.suffix != ".md":
            found = [
                table
                for table in sorted(path.rglob("*.md"))
                if table.name.casefold() != "readme.md"
                and not any(part.startswith(".") for part in table.relative_to(path).parts[:-1])
                and table.is_file()
            ]
            if not found:
                raise KgError(f"{path}: no *.md tables in this folder or its subfolders")
        else:
            found = [path]
        for table in found:
            if table.resolve() not in seen:
                seen.add(table.resolve())
                files.append(table)
    return files


def read_talks(inputs: list[Path], event: str | None = None) -> list[Talk]:
    """The talks of every input table (or folder of tables); a talk may appear only once per
    event (a `TableParseError` at the second one otherwise)."""
    talks = [talk for path in input_files(inputs) for talk in read_table(path, event)]
    for problem in duplicates(talks):
        raise problem
    return talks


def duplicates(talks: list[Talk]) -> list[TableParseError]:
    """A problem at every talk whose IRI an earlier talk already has."""
    from kg.rdf import talk_iri  # rdflib: not needed to list the input files

    problems: list[TableParseError] = []
    seen: dict[str, Talk] = {}
    for talk in talks:
        first = seen.setdefault(str(talk_iri("", talk)), talk)
        if first is talk:
            continue
        if first.title.casefold() == talk.title.casefold():
            message = (
                f'the talk "{talk.title}" is already at {first.source}:{first.line}; remove one'
            )
        else:
            message = (
                f'the talk "{talk.title}" gets the same IRI as "{first.title}" at '
                f"{first.source}:{first.line}; make the titles differ in more than case and "
                "punctuation"
            )
        problems.append(TableParseError(talk.source, talk.line, message))
    return problems

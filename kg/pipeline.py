"""`build`: table(s) -> talks -> mentions -> links -> RDF graph -> Turtle and HTML, written atomically."""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.claims import find_claims
from kg.discover import candidates
from kg.errors import KgError
from kg.extract import Link, Mention, build_nlp, extract, link
from kg.ontology import DEFAULT_BASE, Gazetteer, load_gazetteer
from kg.rdf import serialize, talk_iri, to_graph, validate
from kg.speakers import find_speakers
from kg.table import Talk, read_table

@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the CLI to print."""

    talks: int
    entities: dict[str, int]
    links: int
    triples: int
    seconds: float
    candidates: int
    outputs: tuple[Path, ...] = field(default=())
    contents: dict[str, bytes] = field(default_factory=dict)


def build(
    inputs: list[Path],
    output_dir: Path,
    base: str = DEFAULT_BASE,
    event: str | None = None,
    gazetteers: tuple[Path, ...] = (),
    write: bool = True,
) -> BuildResult:
    """Build the graph of `inputs` and write `talks.ttl` and `graph.html` to `output_dir`.

    Nothing is written unless the whole build and its SHACL check succeed; then each output is
    renamed into place, so a reader never sees a half-written file. With `write=False` nothing is
    written at all: the result's `contents` holds the bytes (for `kg build --check`).
    """
    from kg.html import render_html
    from kg.stats import to_graphml

    started = time.perf_counter()
    found = analyse(inputs, event, gazetteers)
    gazetteer, talks, links = found.gazetteer, found.talks, found.links
    graph = to_graph(gazetteer, talks, links, base, find_claims(talks))
    validate(graph)
    contents = {"talks.ttl": serialize(graph), "graph.html": render_html(graph).encode("utf-8")}
    contents["graph.graphml"] = to_graphml(graph)
    written = write_atomically(output_dir, contents) if write else ()
    kinds = Counter(gazetteer.entities[key].kind for key in {item.entity for item in links})
    return BuildResult(
        talks=len(talks),
        entities=dict(sorted(kinds.items())),
        links=len(links),
        candidates=len(candidates(gazetteer, talks, found.mentions)),
        triples=len(graph),
        seconds=time.perf_counter() - started,
        outputs=written,
        contents=contents,
    )


@dataclass(frozen=True)
class Analysis:
    """The talks of the inputs, the gazetteer's mentions in them, and the links those make."""

    gazetteer: Gazetteer
    talks: list[Talk]
    mentions: list[Mention]
    links: list[Link]


def analyse(
    inputs: list[Path], event: str | None = None, gazetteers: tuple[Path, ...] = ()
) -> Analysis:
    """Read the tables and find every link, without building or writing the graph."""
    talks = read_talks(inputs, event)
    gazetteer = load_gazetteer(gazetteers)
    mentions = extract(build_nlp(gazetteer), gazetteer, talks)
    gazetteer, speakers = find_speakers(gazetteer, talks, mentions)
    mentions = sorted(mentions + speakers)
    return Analysis(gazetteer, talks, mentions, link(gazetteer, talks, mentions))


def read_talks(inputs: list[Path], event: str | None = None) -> list[Talk]:
    """The talks of every input table; a talk may appear only once per event."""
    talks: list[Talk] = []
    seen: dict[str, Talk] = {}
    for path in inputs:
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


def write_atomically(directory: Path, contents: dict[str, bytes]) -> tuple[Path, ...]:
    """Write every file to a temporary name first, then rename them all into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KgError(f"{directory}: cannot create the output folder ({error.strerror})") from None
    for name in contents:  # left behind by a build that was killed
        for stale in directory.glob(f".{name}.*"):
            stale.unlink(missing_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in contents.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            staged.append((temporary, directory / name))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, target in staged:
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
    except OSError as error:
        raise KgError(f"{directory}: cannot write the outputs ({error.strerror})") from None
    finally:
        for temporary, _ in staged:  # only those not renamed into place are still there
            Path(temporary).unlink(missing_ok=True)
    return tuple(target for _, target in staged)

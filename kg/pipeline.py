"""`build`: table(s) -> talks -> mentions -> links -> RDF graph -> Turtle and HTML, written atomically."""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import KgError, ValidationError
from kg.extract import Link
from kg.ontology import DEFAULT_BASE, Gazetteer, load_gazetteer
from kg.rdf import talk_iri, to_graph, validate
from kg.table import Talk, read_table

OUTPUTS = ("talks.ttl", "graph.html")
# Builds up to this many talks keep pySHACL's report and the HTML page by default.
SMALL_BUILD = 500
Writer = Callable[[IO[bytes]], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the CLI to print."""

    talks: int
    entities: dict[str, int]
    links: int
    triples: int
    seconds: float
    outputs: tuple[Path, ...] = field(default=())


def build(
    inputs: list[Path],
    output_dir: Path,
    base: str = DEFAULT_BASE,
    event: str | None = None,
    gazetteers: tuple[Path, ...] = (),
    jobs: int = 1,
    engine: str = "local",
    html: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the graph of `inputs` and write `talks.ttl` and `graph.html` to `output_dir`.

    Nothing is written unless the whole build and its SHACL check succeed; then each output is
    renamed into place, so a reader never sees a half-written file. Builds of up to
    `SMALL_BUILD` talks are checked by pySHACL and drawn as HTML; bigger ones are checked chunk by
    chunk (kg.shacl) and drawn only when `html` is True.
    """
    from kg.engine import Settings, run
    from kg.html import render_html
    from kg.shacl import Report, finish
    from kg.turtle import Runs, context_graph, write_turtle

    started = time.perf_counter()
    talks = read_talks(inputs, event)
    gazetteer = load_gazetteer(gazetteers)
    small = len(talks) <= SMALL_BUILD
    draw = small if html is None else html
    settings = Settings(tuple(gazetteers), base, keep_links=small or draw)
    refs: Counter[str] = Counter()
    roles: set[tuple[str, str]] = set()
    links: list[Link] = []
    report = Report()
    count = triples = 0
    with tempfile.TemporaryDirectory(prefix="kg-build-") as spill:
        runs = Runs(Path(spill))
        for result in run(settings, gazetteer, talks, jobs, engine, progress):
            runs.add(result.chunk.blocks)
            refs.update(result.chunk.refs)
            roles |= result.chunk.roles
            report.merge(result.chunk.report)
            links += result.links
            count += result.chunk.links
            triples += result.chunk.triples
        context = context_graph(gazetteer, talks, roles, base)
        graph = to_graph(gazetteer, talks, links, base) if settings.keep_links else None
        if small and graph is not None:
            validate(graph)
        else:
            problems = finish(report, context)
            if problems:
                raise ValidationError("\n".join(problems[:50]) + _more(len(problems) - 50))
        contents: dict[str, bytes | Writer] = {
            "talks.ttl": lambda out: write_turtle(out, context, runs, refs, bool(talks))
        }
        if draw and graph is not None:
            contents["graph.html"] = render_html(graph).encode("utf-8")
        written = write_atomically(output_dir, contents)
    if not draw:  # an older page would show another graph than talks.ttl
        (output_dir / "graph.html").unlink(missing_ok=True)
    return BuildResult(
        talks=len(talks),
        entities=dict(sorted(_distinct(gazetteer, roles).items())),
        links=count,
        triples=triples + len(context),
        seconds=time.perf_counter() - started,
        outputs=written,
    )


def _distinct(gazetteer: Gazetteer, roles: set[tuple[str, str]]) -> dict[str, int]:
    """Entities per kind among the linked ones (an entity linked in two roles counts once)."""
    keys = {key for _, key in roles if key in gazetteer.entities}
    return dict(Counter(gazetteer.entities[key].kind for key in keys))


def _more(count: int) -> str:
    return f"\n... and {count} more" if count > 0 else ""


def input_files(inputs: list[Path]) -> list[Path]:
    """The tables to read: each file as given, and every *.md in a folder, sorted by name."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(path.glob("*.md"))
            if not found:
                raise KgError(f"{path}: no *.md tables in this folder")
            files += found
        else:
            files.append(path)
    return files


def read_talks(inputs: list[Path], event: str | None = None) -> list[Talk]:
    """The talks of every input table (or folder of tables); a talk may appear only once per event."""
    talks: list[Talk] = []
    seen: dict[str, Talk] = {}
    for path in input_files(inputs):
        for talk in read_table(path, event):
            first = seen.setdefault(str(talk_iri("", talk)), talk)
            if first is not talk:
                raise KgError(
                    f'{talk.source}:{talk.line}: the talk "{talk.title}" is already at '
                    f"{first.source}:{first.line}; remove one"
                )
            talks.append(talk)
    return talks


def write_atomically(directory: Path, contents: dict[str, bytes | Writer]) -> tuple[Path, ...]:
    """Write every file (bytes, or a function that writes to a stream) to a temporary name
    first, then rename them all into place."""
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
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    data(stream)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException as error:
        for temporary, _ in staged:
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise KgError(f"{directory}: cannot write the outputs ({error.strerror})") from None
        raise
    for temporary, target in staged:
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    return tuple(target for _, target in staged)

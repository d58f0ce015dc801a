"""`build`: table(s) -> talks -> mentions -> speakers -> links -> claims -> RDF -> Turtle, HTML
and GraphML, written atomically.

One composition for every size and engine: the talks go through the stages chunk by chunk
(kg.engine; a small build is a build of one chunk), each chunk's nodes (kg.rdf.talk_nodes) are
written by kg.turtle and checked by kg.shacl, and the chunks are merged into one talks.ttl.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import kg.engine
from kg import terms
from kg.cache import Cache, table_key
from kg.claims import find_claims
from kg.engine import Analysis, Cached, Merged, Settings, find_links
from kg.errors import ValidationError
from kg.extract import build_nlp
from kg.fingerprints import RECORD, Hashing, options, record, sources
from kg.inputs import input_files, read_talks
from kg.ontology import DEFAULT_BASE, Gazetteer, load_gazetteer
from kg.outputs import Writer, locked, write_atomically
from kg.rdf import context_graph, report, to_graph
from kg.speakers import with_people
from kg.table import Talk

__all__ = ["Analysis", "BuildResult", "analyse", "build", "find_links"]

# Builds of up to this many talks write the views (graph.html, graph.graphml) by default.
SMALL_BUILD = 500
# The outputs drawn from the whole graph in memory: written by default for small builds only.
VIEWS = ("graph.html", "graph.graphml")


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the CLI to print. `contents` holds the bytes of every output when
    nothing was written (`kg build --check`); a written build keeps those it made in memory."""

    talks: int
    entities: dict[str, int]
    links: int
    triples: int
    seconds: float
    candidates: int
    outputs: tuple[Path, ...] = field(default=())
    contents: dict[str, bytes] = field(default_factory=dict)
    tables: int = 0  # tables with talks
    extracted: int = 0  # of those, the tables extracted again (the others came from the cache)


@dataclass(frozen=True)
class Made:
    """A build's outputs (bytes, or a function that streams them) and its figures."""

    contents: dict[str, bytes | Writer]
    links: int
    triples: int
    candidates: int
    entities: dict[str, int]
    merged: Merged


def build(
    inputs: list[Path],
    output_dir: Path,
    base: str = DEFAULT_BASE,
    event: str | None = None,
    gazetteers: tuple[Path, ...] = (),
    write: bool = True,
    jobs: int = 1,
    engine: str = "local",
    html: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: bool = True,
) -> BuildResult:
    """Build the graph of `inputs` and write `talks.ttl`, `graph.html` and `graph.graphml` to
    `output_dir` (the last two by default only for builds of up to `SMALL_BUILD` talks; `html`
    forces them on or off, and a build without them removes older ones).

    Nothing is written unless the whole build and its SHACL check succeed; then each output is
    renamed into place, so a reader never sees a half-written file. With `write=False` nothing is
    written at all: the result's `contents` holds the bytes (for `kg build --check`). `jobs` and
    `engine` ("local", "ray") say where the chunks run; the bytes are the same wherever.

    With `cache`, a table whose chunks an earlier build kept in `output_dir`/.kg-cache (kg.cache)
    is not extracted again; a written build keeps its new chunks there and drops the unused ones.
    """
    started = time.perf_counter()
    terms.base(base)
    if event is not None:
        terms.text(event, "--event", "the event")
    talks = read_talks(inputs, event)
    terms.talks_text(talks)
    gazetteer = load_gazetteer(gazetteers)
    terms.keys_under(base, gazetteer)
    terms.distinct_iris(gazetteer, talks)
    made_from = sources(input_files(inputs), gazetteers, options(base, event, html))
    views = len(talks) <= SMALL_BUILD if html is None else html
    cached = None
    if cache:
        keys = {
            table: table_key(made_from, table, views, kg.engine.CHUNK_TALKS)
            for table in made_from["tables"]  # type: ignore[attr-defined]
        }
        cached = Cached(Cache(output_dir), keys)
    with tempfile.TemporaryDirectory(prefix="kg-build-") as spill:
        settings = Settings(gazetteers, base, keep_links=views)
        made = _make(settings, gazetteer, talks, Path(spill), jobs, engine, progress, cached)
        made = _recorded(made, made_from)
        if write:
            # An older view would show another graph: removed in the same step.
            written = write_atomically(output_dir, made.contents, () if views else VIEWS)
            if cached is not None:
                _keep(output_dir, cached, made.merged)
            contents = {k: v for k, v in made.contents.items() if isinstance(v, bytes)}
        else:
            written, contents = (), {k: _bytes(v) for k, v in made.contents.items()}
    return BuildResult(
        talks=len(talks),
        entities=made.entities,
        links=made.links,
        candidates=made.candidates,
        triples=made.triples,
        seconds=time.perf_counter() - started,
        outputs=written,
        contents=contents,
        tables=made.merged.tables,
        extracted=len(made.merged.extracted),
    )


def _keep(output_dir: Path, cached: Cached, merged: Merged) -> None:
    """Keep the chunks this build extracted in the cache, and drop the entries it did not use
    (under the output folder's lock, after the outputs are in place)."""
    with locked(output_dir):
        for (table, number), index, result in merged.fresh:
            result.chunk.data = merged.runs.paths[index].read_bytes()
            cached.cache.put(cached.keys[table], number, result)
            result.chunk.data = b""
        cached.cache.prune()


def _make(
    settings: Settings,
    gazetteer: Gazetteer,
    talks: list[Talk],
    spill: Path,
    jobs: int,
    engine: str,
    progress: Callable[[int, int], None] | None,
    cached: Cached | None = None,
) -> Made:
    """The stages over chunks of talks (kg.engine), Turtle by kg.turtle, checked by kg.shacl;
    `spill` holds the chunks' rendered blocks until they are merged into talks.ttl. The views
    (`settings.keep_links`) are drawn from the whole graph, made in memory."""
    from kg.discover import judged_not_entities
    from kg.engine import run
    from kg.ontology import normalize
    from kg.shacl import finish
    from kg.turtle import write_turtle

    execute = None
    if engine == "ray":
        from kg.ray_engine import run_on_ray

        execute = run_on_ray
    base = settings.base
    merged = run(settings, gazetteer, talks, spill, jobs, execute, progress, cached)
    grown = with_people(gazetteer, merged.people)
    context = context_graph(grown, talks, merged.roles, base)
    problems = finish(merged.report, context)
    if problems:
        raise ValidationError(report(problems))
    runs, refs, sentences = merged.runs, merged.refs, merged.sentences > 0
    contents: dict[str, bytes | Writer] = {
        "talks.ttl": lambda out: write_turtle(out, context, runs, refs, bool(talks), sentences)
    }
    if settings.keep_links:
        contents.update(_views(to_graph(grown, talks, merged.links, base, find_claims(talks))))
    # Candidates were found per chunk against the shipped gazetteer; drop those that name a
    # person found in another chunk, as one search over all talks would.
    known = {normalize(label) for person in merged.people.values() for label in person.labels}
    known |= judged_not_entities()
    return Made(
        contents=contents,
        links=merged.links_count,
        triples=merged.triples + len(context),
        candidates=sum(1 for _, name in merged.candidates if normalize(name) not in known),
        entities=_kinds(grown, {key for _, key in merged.roles}),
        merged=merged,
    )


def _recorded(made: Made, made_from: dict[str, object]) -> Made:
    """`made` with the record of what it was made from (kg.fingerprints), written last."""
    hashes: dict[str, str] = {}

    def hashed(name: str, data: bytes | Writer) -> bytes | Writer:
        if isinstance(data, bytes):
            hashes[name] = hashlib.sha256(data).hexdigest()
            return data

        def write(out: IO[bytes]) -> None:
            stream = Hashing(out)
            data(stream)  # type: ignore[arg-type]
            hashes[name] = stream.hash.hexdigest()

        return write

    contents = {name: hashed(name, data) for name, data in made.contents.items()}

    def write_record(out: IO[bytes]) -> None:
        out.write(record(made_from, [(name, hashes[name]) for name in made.contents]))

    contents[RECORD] = write_record
    return Made(contents, made.links, made.triples, made.candidates, made.entities, made.merged)


def _views(graph: object) -> dict[str, bytes | Writer]:
    from kg.html import render_html
    from kg.stats import to_graphml, to_networkx

    network = to_networkx(graph)  # type: ignore[arg-type]
    return {
        "graph.html": render_html(graph, network).encode("utf-8"),  # type: ignore[arg-type]
        "graph.graphml": to_graphml(graph, network),  # type: ignore[arg-type]
    }


def _kinds(gazetteer: Gazetteer, keys: set[str]) -> dict[str, int]:
    """Linked entities per kind (an entity linked in two roles counts once)."""
    kinds = Counter(gazetteer.entities[key].kind for key in keys if key in gazetteer.entities)
    return dict(sorted(kinds.items()))


def _bytes(data: bytes | Writer) -> bytes:
    if isinstance(data, bytes):
        return data
    buffer = io.BytesIO()
    data(buffer)
    return buffer.getvalue()


def analyse(
    inputs: list[Path], event: str | None = None, gazetteers: tuple[Path, ...] = ()
) -> Analysis:
    """Read the tables and find every link, without building or writing the graph."""
    talks = read_talks(inputs, event)
    gazetteer = load_gazetteer(gazetteers)
    return find_links(build_nlp(gazetteer), gazetteer, talks)

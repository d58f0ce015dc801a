"""`build`: table(s) -> talks -> mentions -> speakers -> links -> claims -> RDF graph -> Turtle,
HTML and GraphML, written atomically.

A build of up to `SMALL_BUILD` talks runs in one piece: rdflib makes the graph, pySHACL checks it.
A bigger one (or one on Ray) runs the same stages chunk by chunk (kg.engine), writes Turtle with
kg.turtle and checks it with kg.shacl: the bytes rdflib would write, in bounded memory.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.claims import find_claims
from kg.discover import candidates
from kg.errors import ValidationError
from kg.extract import Link, Mention, build_nlp, extract, link
from kg.inputs import read_talks
from kg.ontology import DEFAULT_BASE, Entity, Gazetteer, load_gazetteer
from kg.outputs import Writer, write_atomically
from kg.rdf import serialize, to_graph, validate
from kg.speakers import new_people, with_people
from kg.table import Talk

if TYPE_CHECKING:
    from kg.engine import Settings

# Builds of up to this many talks run in one piece (pySHACL's report, graph.html by default).
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


@dataclass(frozen=True)
class Made:
    """A build's outputs (bytes, or a function that streams them) and its figures."""

    contents: dict[str, bytes | Writer]
    links: int
    triples: int
    candidates: int
    entities: dict[str, int]


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
) -> BuildResult:
    """Build the graph of `inputs` and write `talks.ttl`, `graph.html` and `graph.graphml` to
    `output_dir` (the last two by default only for builds of up to `SMALL_BUILD` talks; `html`
    forces them on or off, and a build without them removes older ones).

    Nothing is written unless the whole build and its SHACL check succeed; then each output is
    renamed into place, so a reader never sees a half-written file. With `write=False` nothing is
    written at all: the result's `contents` holds the bytes (for `kg build --check`). `jobs` and
    `engine` ("local", "ray") say where big builds run; the bytes are the same wherever.
    """
    started = time.perf_counter()
    talks = read_talks(inputs, event)
    gazetteer = load_gazetteer(gazetteers)
    small = len(talks) <= SMALL_BUILD
    whole = small and engine == "local"
    views = small if html is None else html
    with ExitStack() as stack:
        if whole:
            made = _build_whole(gazetteer, talks, base, views)
        else:
            from kg.engine import Settings

            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-build-")))
            settings = Settings(gazetteers, base, keep_links=views)
            made = _build_chunked(settings, gazetteer, talks, spill, jobs, engine, progress)
        if write:
            written = write_atomically(output_dir, made.contents)
            for name in VIEWS if not views else ():  # an older view would show another graph
                (output_dir / name).unlink(missing_ok=True)
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
    )


def _build_whole(gazetteer: Gazetteer, talks: list[Talk], base: str, views: bool) -> Made:
    """The build in one piece: one rdflib graph, checked by pySHACL, serialized by rdflib."""
    found = find_links(build_nlp(gazetteer), gazetteer, talks)
    graph = to_graph(found.gazetteer, talks, found.links, base, find_claims(talks))
    validate(graph)
    contents: dict[str, bytes | Writer] = {"talks.ttl": serialize(graph)}
    if views:
        contents.update(_views(graph))
    return Made(
        contents=contents,
        links=len(found.links),
        triples=len(graph),
        candidates=len(candidates(found.gazetteer, talks, found.mentions)),
        entities=_kinds(found.gazetteer, {item.entity for item in found.links}),
    )


def _build_chunked(
    settings: Settings,
    gazetteer: Gazetteer,
    talks: list[Talk],
    spill: Path,
    jobs: int,
    engine: str,
    progress: Callable[[int, int], None] | None,
) -> Made:
    """The same stages over chunks of talks (kg.engine); Turtle by kg.turtle, checked by
    kg.shacl; `spill` holds the chunks' rendered blocks until they are merged into talks.ttl.
    The views (`settings.keep_links`) are drawn from the whole graph, made in memory."""
    from kg.discover import judged_not_entities
    from kg.engine import run
    from kg.ontology import normalize
    from kg.shacl import finish
    from kg.turtle import context_graph, write_turtle

    base = settings.base
    merged = run(settings, gazetteer, talks, spill, jobs, engine, progress)
    grown = with_people(gazetteer, merged.people)
    context = context_graph(grown, talks, merged.roles, base)
    problems = finish(merged.report, context)
    if problems:
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise ValidationError("\n".join(problems[:50]) + more)
    runs, refs = merged.runs, merged.refs
    contents: dict[str, bytes | Writer] = {
        "talks.ttl": lambda out: write_turtle(out, context, runs, refs, bool(talks))
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
    )


def _views(graph: object) -> dict[str, bytes | Writer]:
    from kg.html import render_html
    from kg.stats import to_graphml

    return {
        "graph.html": render_html(graph).encode("utf-8"),  # type: ignore[arg-type]
        "graph.graphml": to_graphml(graph),  # type: ignore[arg-type]
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


@dataclass(frozen=True)
class Analysis:
    """The talks of the inputs, the gazetteer's mentions in them, and the links those make;
    `gazetteer` is grown by `people`, the speakers found in the text (kg.speakers)."""

    gazetteer: Gazetteer
    talks: list[Talk]
    mentions: list[Mention]
    links: list[Link]
    people: dict[str, Entity] = field(default_factory=dict)


def analyse(
    inputs: list[Path], event: str | None = None, gazetteers: tuple[Path, ...] = ()
) -> Analysis:
    """Read the tables and find every link, without building or writing the graph."""
    talks = read_talks(inputs, event)
    gazetteer = load_gazetteer(gazetteers)
    return find_links(build_nlp(gazetteer), gazetteer, talks)


def find_links(
    nlp: object,
    gazetteer: Gazetteer,
    talks: list[Talk],
    people: dict[str, Entity] | None = None,
) -> Analysis:
    """extract -> speakers -> link over `talks`. For a chunk of a bigger build (kg.engine) pass
    `people`, the people known from the whole build so far ({} at first): a person found here
    takes its entity from there, and the gazetteer grows for linking only."""
    mentions = extract(nlp, gazetteer, talks)
    found, speakers = new_people(gazetteer, talks, mentions)
    if people is None:
        grown = with_people(gazetteer, found)
    else:
        chosen = {key: people.get(key, person) for key, person in found.items()}
        grown = Gazetteer({**gazetteer.entities, **chosen}, gazetteer.tracks, gazetteer.graph)
    mentions = sorted(mentions + speakers)
    return Analysis(grown, talks, mentions, link(grown, talks, mentions), found)

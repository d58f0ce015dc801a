"""Run a big build's stages over chunks of talks: in this process, in worker processes
(`--jobs N`), or on a Ray cluster (`--engine ray`).

Each chunk goes through the stages of `find_links` (extract -> speakers -> link), then
claims and rendering (kg.turtle), and checks its own nodes (kg.shacl). A chunk's result depends on
its talks only, with one exception: a speaker found in several chunks is, as in a build in one
piece, the person of its last finding; a chunk that linked such a person differently is done
again once all people are known. The export sorts every block, so the bytes are the same whatever
the engine, the number of workers or the order chunks finish in.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.cache import Cache
from kg.claims import find_claims
from kg.discover import candidates
from kg.extract import Link, Mention, build_nlp, extract, link
from kg.ontology import Entity, Gazetteer, load_gazetteer
from kg.shacl import Report
from kg.speakers import new_people, with_people
from kg.table import Talk, by_table
from kg.turtle import Chunk, Renderer, Runs

CHUNK_TALKS = 500
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class Analysis:
    """The talks of the inputs, the gazetteer's mentions in them, and the links those make;
    `gazetteer` is grown by `people`, the speakers found in the text (kg.speakers)."""

    gazetteer: Gazetteer
    talks: list[Talk]
    mentions: list[Mention]
    links: list[Link]
    people: dict[str, Entity] = field(default_factory=dict)


def find_links(
    nlp: object,
    gazetteer: Gazetteer,
    talks: list[Talk],
    people: dict[str, Entity] | None = None,
) -> Analysis:
    """extract -> speakers -> link over `talks`. For a chunk of a build pass `people`, the people
    known from the whole build so far ({} at first): a person found here takes its entity from
    there, and the gazetteer grows for linking only."""
    mentions = extract(nlp, gazetteer, talks)
    found, speakers = new_people(gazetteer, talks, mentions)
    if people is None:
        grown = with_people(gazetteer, found)
    else:
        chosen = {key: people.get(key, person) for key, person in found.items()}
        grown = Gazetteer({**gazetteer.entities, **chosen}, gazetteer.tracks, gazetteer.graph)
    mentions = sorted(mentions + speakers)
    return Analysis(grown, talks, mentions, link(grown, talks, mentions), found)


@dataclass(frozen=True)
class Settings:
    """What a worker needs to rebuild the pipeline: extra gazetteer files and the base IRI."""

    gazetteers: tuple[Path, ...]
    base: str
    keep_links: bool = False  # return the links too (for graph.html and graph.graphml)


@dataclass
class Result:
    """A chunk rendered, with the people found in it, its candidate names (kind, name) and, when
    the settings ask for them, its links."""

    index: int
    chunk: Chunk
    talks: int
    people: dict[str, Entity]
    candidates: set[tuple[str, str]]
    links: list[Link]


@dataclass
class Merged:
    """Every chunk's results together, the chunks' Turtle blocks in `runs`."""

    runs: Runs
    people: dict[str, Entity] = field(default_factory=dict)
    refs: Counter[str] = field(default_factory=Counter)
    roles: set[tuple[str, str]] = field(default_factory=set)
    report: Report = field(default_factory=Report)
    links: list[Link] = field(default_factory=list)
    candidates: set[tuple[str, str]] = field(default_factory=set)
    links_count: int = 0
    triples: int = 0
    sentences: int = 0
    tables: int = 0  # tables with talks
    extracted: set[str] = field(default_factory=set)  # the tables processed in this build
    # The results processed once in this build, to keep in the cache: ((table, number in the
    # table), chunk index, result); their blocks are in `runs`.
    fresh: list[tuple[tuple[str, int], int, Result]] = field(default_factory=list)


_PREPARED: dict[Settings, tuple[Gazetteer, object, Renderer]] = {}


def prepare(settings: Settings, gazetteer: Gazetteer | None = None) -> None:
    """Load the gazetteer and build the spaCy pipeline once per process; a build passes the
    gazetteer it loaded, which replaces one prepared earlier (its files may have changed)."""
    prepared = _PREPARED.get(settings)
    if prepared is None or (gazetteer is not None and prepared[0] is not gazetteer):
        gazetteer = gazetteer or load_gazetteer(settings.gazetteers)
        nlp = build_nlp(gazetteer)
        _PREPARED[settings] = (gazetteer, nlp, Renderer(gazetteer, settings.base))


def process(
    settings: Settings, index: int, talks: list[Talk], people: dict[str, Entity] | None = None
) -> Result:
    """Find, link and render one chunk of talks, and check its nodes against the shapes.
    `people`: the people of the whole build, when they are known (see the module docstring)."""
    prepare(settings)
    gazetteer, nlp, renderer = _PREPARED[settings]
    with _collector_paused():
        found = find_links(nlp, gazetteer, talks, people or {})
        chunk = renderer.render(talks, found.links, find_claims(talks))
        # Against the gazetteer without people: people found in other chunks are dropped when
        # merged.
        names = {(c.kind, c.name) for c in candidates(gazetteer, talks, found.mentions)}
    kept = found.links if settings.keep_links else []
    return Result(index, chunk, len(talks), found.people, names, kept)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection while a chunk is processed, one collection of the
    chunk's young objects after it. A chunk makes millions of small objects; each of the
    collector's full passes would also walk the gazetteer and the spaCy pipeline (a quarter of
    a chunk's time with the generated layer), while a chunk leaves next to no cycles: reference
    counting frees what it drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def chunked(talks: list[Talk], size: int | None = None) -> list[list[Talk]]:
    size = size or CHUNK_TALKS
    return [talks[i : i + size] for i in range(0, len(talks), size)]


# Runs `process` over chunks somewhere else (kg.ray_engine.run_on_ray): (settings, chunks, jobs).
Executor = Callable[[Settings, list[list[Talk]], int], Iterator[Result]]


@dataclass(frozen=True)
class Cached:
    """Where a build keeps its chunks between builds (kg.cache), and the name of each table's
    entries (by `Talk.source`)."""

    cache: Cache
    keys: dict[str, str]


def run(
    settings: Settings,
    gazetteer: Gazetteer,
    talks: list[Talk],
    spill: Path,
    jobs: int = 1,
    execute: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cached: Cached | None = None,
) -> Merged:
    """Process every chunk of `talks` (here, in `jobs` worker processes, or by `execute`) and
    merge the results; blocks are spilled to `spill`. A chunk never spans two tables, and a
    table whose chunks are all in `cached` is not processed again. `progress` hears (talks done
    in a chunk, all talks)."""
    places: list[tuple[str, int]] = []  # each chunk's (table, number in the table)
    chunks: list[list[Talk]] = []
    for source, rows in by_table(talks).items():
        for number, part in enumerate(chunked(rows)):
            places.append((source, number))
            chunks.append(part)
    merged = Merged(Runs(spill), tables=len({source for source, _ in places}))
    done = {} if cached is None else _from_cache(cached, places)
    todo = [index for index in range(len(chunks)) if index not in done]
    if todo:
        prepare(settings, gazetteer)
    results: Iterator[Result]
    if execute is not None and todo:
        results = execute(settings, [chunks[index] for index in todo], jobs)
    elif jobs <= 1 or len(todo) <= 1:  # also no chunk at all
        results = (process(settings, index, chunks[index]) for index in todo)
    else:
        results = _pool(settings, [(index, chunks[index]) for index in todo], jobs)
    for result in itertools.chain(list(done.values()), _numbered(results, todo, execute)):
        merged.runs.add(result.index, result.chunk.data)
        result.chunk.data = b""
        done[result.index] = result
        if progress:
            progress(result.talks, len(talks))
    for index in sorted(done):  # a later finding of a person wins, as in kg.speakers
        merged.people.update(done[index].people)
    redone: set[str] = set()
    for index, result in sorted(done.items()):
        if any(merged.people[key] != person for key, person in result.people.items()):
            prepare(settings, gazetteer)
            result = process(settings, index, chunks[index], merged.people)
            merged.runs.add(index, result.chunk.data)
            redone.add(places[index][0])
        _merge(merged, result)
    merged.extracted = {places[index][0] for index in todo} | redone
    # The first results of tables done once, to keep (their blocks are in the runs).
    merged.fresh = [
        (places[index], index, done[index]) for index in todo if places[index][0] not in redone
    ]
    return merged


def _from_cache(cached: Cached, places: list[tuple[str, int]]) -> dict[int, Result]:
    """The kept results of the tables whose every chunk is in the cache, by chunk index."""
    found: dict[int, Result] = {}
    missing: set[str] = set()
    for index, (source, number) in enumerate(places):
        result = None if source in missing else cached.cache.get(cached.keys[source], number)
        if result is None:
            missing.add(source)
        else:
            result.index = index
            found[index] = result
    return {index: result for index, result in found.items() if places[index][0] not in missing}


def _numbered(
    results: Iterator[Result], todo: list[int], execute: Executor | None
) -> Iterator[Result]:
    """`results` with the index of their chunk in the build (`execute` numbers the chunks it was
    given from 0)."""
    for result in results:
        if execute is not None:
            result.index = todo[result.index]
        yield result


def _merge(merged: Merged, result: Result) -> None:
    chunk = result.chunk
    merged.refs.update(chunk.refs)
    merged.roles |= chunk.roles
    merged.report.merge(chunk.report)
    merged.links += result.links
    merged.candidates |= result.candidates
    merged.links_count += chunk.links
    merged.triples += chunk.triples
    merged.sentences += chunk.sentences


def _pool(settings: Settings, chunks: list[tuple[int, list[Talk]]], jobs: int) -> Iterator[Result]:
    # fork: the workers inherit the prepared pipeline instead of building it again.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_Task(settings), chunks)


class _Task:
    """A picklable `process` bound to its settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, item: tuple[int, list[Talk]]) -> Result:
        return process(self.settings, *item)

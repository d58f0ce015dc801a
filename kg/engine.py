"""Run extraction, linking and Turtle rendering over chunks of talks: in this process, in worker
processes (`--jobs N`), or on a Ray cluster (`--engine ray`).

A chunk's result depends on its talks only, and the export sorts every block, so the output is
the same bytes whatever the engine, the number of workers or the order chunks finish in.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.extract import Link, build_nlp, extract, link
from kg.ontology import Gazetteer, load_gazetteer
from kg.table import Talk
from kg.turtle import Chunk, Renderer

CHUNK_TALKS = 500
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class Settings:
    """What a worker needs to rebuild the pipeline: extra gazetteer files and the base IRI."""

    gazetteers: tuple[Path, ...]
    base: str
    keep_links: bool = False  # return the links too (small builds draw HTML from them)


@dataclass
class Result:
    """A chunk rendered, with its links when the settings ask for them."""

    chunk: Chunk
    talks: int
    links: list[Link]


_PREPARED: dict[Settings, tuple[Gazetteer, object, Renderer]] = {}


def prepare(settings: Settings, gazetteer: Gazetteer | None = None) -> None:
    """Load the gazetteer and build the spaCy pipeline once per process."""
    if settings not in _PREPARED:
        gazetteer = gazetteer or load_gazetteer(settings.gazetteers)
        nlp = build_nlp(gazetteer)
        _PREPARED[settings] = (gazetteer, nlp, Renderer(gazetteer, settings.base))


def process(settings: Settings, talks: list[Talk]) -> Result:
    """Extract, link and render one chunk of talks, and check it against the shapes."""
    prepare(settings)
    gazetteer, nlp, renderer = _PREPARED[settings]
    mentions = extract(nlp, gazetteer, talks)
    links = link(gazetteer, talks, mentions)
    chunk = renderer.render(talks, links)
    return Result(chunk, len(talks), links if settings.keep_links else [])


def chunked(talks: list[Talk], size: int = CHUNK_TALKS) -> list[list[Talk]]:
    return [talks[i : i + size] for i in range(0, len(talks), size)]


def run(
    settings: Settings,
    gazetteer: Gazetteer,
    talks: list[Talk],
    jobs: int = 1,
    engine: str = "local",
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Result]:
    """The chunks of `talks`, processed; `progress` hears (talks done in a chunk, all talks)."""
    chunks = chunked(talks)
    prepare(settings, gazetteer)
    if engine == "ray":
        from kg.ray_engine import run_on_ray

        results: Iterator[Result] = run_on_ray(settings, chunks, jobs)
    elif jobs <= 1 or len(chunks) <= 1:
        results = (process(settings, chunk) for chunk in chunks)
    else:
        results = _pool(settings, chunks, jobs)
    for result in results:
        if progress:
            progress(result.talks, len(talks))
        yield result


def _pool(settings: Settings, chunks: list[list[Talk]], jobs: int) -> Iterator[Result]:
    # fork: the workers inherit the prepared pipeline instead of building it again.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_Task(settings), chunks)


class _Task:
    """A picklable `process` bound to its settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, talks: list[Talk]) -> Result:
        return process(self.settings, talks)

"""SPARQL over the export with Oxigraph (pyoxigraph): parsed in Rust, and for a big export kept
as an on-disk store beside it (`.oxigraph-talks.ttl/`), built by the first query and reused
until the file changes, so that later queries take milliseconds instead of a full parse."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg.errors import KgError

# Exports bigger than this get a persistent store; smaller ones are parsed for each query.
PERSIST_BYTES = 20_000_000
PREFIX = re.compile(rb"@prefix\s+([\w.-]*):\s*<([^>]*)>\s*\.")


def namespaces(path: Path) -> Graph:
    """An empty graph with the export's prefixes bound, for showing IRIs as kg:Talk."""
    graph = Graph()
    for prefix, namespace in prefixes(path).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def prefixes(path: Path) -> dict[str, str]:
    """rdflib's default prefixes and those the export declares, for queries without PREFIX."""
    known = {prefix: str(ns) for prefix, ns in Graph().namespaces()}
    with path.open("rb") as stream:
        for line in stream:
            match = PREFIX.match(line)
            if not match:
                if line.strip():
                    break
                continue
            known[match.group(1).decode()] = match.group(2).decode()
    return known


def open_store(path: Path) -> Any:
    """An Oxigraph store holding the Turtle file `path` (cached on disk for big files)."""
    import pyoxigraph as ox

    if not path.is_file():
        raise KgError(f"{path}: no such graph file (run `kg build` first, or pass --graph)")
    info = path.stat()
    try:
        if info.st_size < PERSIST_BYTES:
            store = ox.Store()
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
            return store
        cache = path.parent / f".oxigraph-{path.name}"
        stamp = f"{info.st_size} {info.st_mtime_ns}"
        if (cache / "stamp").is_file() and (cache / "stamp").read_text() == stamp:
            return ox.Store.read_only(str(cache / "db"))
        shutil.rmtree(cache, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".oxigraph-{path.name}.", dir=path.parent))
        store = ox.Store(str(staging / "db"))
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        store.optimize()
        del store
        (staging / "stamp").write_text(stamp)
        staging.rename(cache)
        return ox.Store.read_only(str(cache / "db"))
    except (SyntaxError, ValueError, OSError) as error:
        raise KgError(f"{path}: not a readable Turtle file ({_first_line(error)})") from None


def query(path: Path, sparql: str, timeout: float | None = None) -> Result:
    """Answer a read-only query over the export at `path`, as an rdflib `Result`, in at most
    `timeout` seconds. The query is checked as `kg.query` checks it (no updates, no FROM, GRAPH
    or SERVICE) before Oxigraph sees it."""
    from kg.query import DEFAULT_TIMEOUT, parse_query, within

    parse_query(sparql)
    store = open_store(path)
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    try:
        return within(limit, lambda: _answer(store, sparql, prefixes(path)), native=True)
    except SyntaxError as error:
        raise KgError(f"bad SPARQL query: {_first_line(error)}") from None
    except OSError as error:
        raise KgError(f"the query failed: {_first_line(error)}") from None


def _answer(store: Any, sparql: str, known: dict[str, str]) -> Result:
    """Oxigraph's answer, read to the end, as an rdflib `Result`."""
    import pyoxigraph as ox

    answer = store.query(sparql, prefixes=known)
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        graph = Graph()
        for triple in answer:
            graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
        result = Result("CONSTRUCT")
        result.graph = graph
        return result
    names = [variable.value for variable in answer.variables]
    result = Result("SELECT")
    result.vars = [Variable(name) for name in names]
    result.bindings = [
        {Variable(name): _term(row[name]) for name in names if row[name] is not None}
        for row in answer
    ]
    return result


def _term(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        plain = datatype == "http://www.w3.org/2001/XMLSchema#string"
        return Literal(term.value, datatype=None if plain else URIRef(datatype))
    raise KgError(f"cannot show the term {term}")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__

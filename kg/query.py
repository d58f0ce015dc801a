"""Run read-only SPARQL over an exported graph and format the answer."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rdflib import XSD, Graph, Literal
from rdflib.query import Result

from kg.errors import KgError, printable

if TYPE_CHECKING:
    from pyparsing import ParseResults

# What may come before a query's first keyword: spaces, comments, PREFIX and BASE declarations.
PROLOGUE = re.compile(r"\s+|#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>")
UPDATE = re.compile(r"(?i)(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b")
PARSE_POSITION = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$")
# Seconds a query may run before it is stopped (`kg query --timeout`).
DEFAULT_TIMEOUT = 60.0
T = TypeVar("T")
INTEGERS = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte",
}  # fmt: skip


def load_graph(path: Path) -> Graph:
    """Parse a Turtle export; a missing or corrupt file is a `KgError`."""
    if not path.is_file():
        raise KgError(f"{path}: no such graph file (run `kg build` first, or pass --graph)")
    from rdflib.plugins.parsers.notation3 import BadSyntax

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as error:
        raise KgError(
            f"{path}:{error.lines + 1}: not valid Turtle ({printable(error._why)}); "
            "rebuild it with `kg build`"
        ) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise KgError(
            f"{path}:{line}: not UTF-8 (byte 0x{error.object[error.start]:02x}); "
            "rebuild it with `kg build`"
        ) from None
    except (IndexError, AssertionError):  # how rdflib's parser meets the end of a cut-short file
        last = path.read_bytes().rstrip(b"\n").count(b"\n") + 1
        raise KgError(
            f"{path}:{last}: not valid Turtle (the file ends inside a statement: cut short?); "
            "rebuild it with `kg build`"
        ) from None
    except Exception as error:  # rdflib raises many kinds for a corrupt file
        raise KgError(
            f"{path}: not a readable Turtle file ({printable(_first_line(error))}); "
            "rebuild it with `kg build`"
        ) from None
    return graph


def parse_query(sparql: str, reader: str = "kg query reads only the --graph file") -> ParseResults:
    """Parse a SELECT, ASK, CONSTRUCT or DESCRIBE query; updates, and queries that would read
    other data (FROM, GRAPH, SERVICE), are refused (`reader` says why, in the message). Both
    engines (rdflib, kg.store) and `kg serve` check with it."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    if is_update(sparql):
        raise KgError(
            "update queries (INSERT, DELETE, LOAD, CLEAR ...) are refused: kg query is read-only"
        )
    try:
        tree = parseQuery(sparql)
    except ParseException as error:
        what = PARSE_POSITION.sub("", str(error))
        raise KgError(
            f"bad SPARQL query at line {error.lineno}, column {error.col}: {printable(what)}"
        ) from None
    except RecursionError:
        raise KgError("the query nests too deeply to be read; write it with fewer levels") from None
    for part, keyword in (
        ("DatasetClause", "FROM"),
        ("ServiceGraphPattern", "SERVICE"),
        ("GraphGraphPattern", "GRAPH"),
    ):
        if _uses(tree, part):
            raise KgError(f"{keyword} is refused: {reader}")
    return tree


def run_query(graph: Graph, sparql: str, timeout: float | None = DEFAULT_TIMEOUT) -> Result:
    """Answer a read-only query (see `parse_query`) over `graph` alone, in at most `timeout`
    seconds (None: no limit). The answer is computed here, so that every error shows here."""
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = parse_query(sparql)

    def answer() -> Result:
        result = graph.query(translateQuery(tree, initNs=dict(graph.namespaces())))
        if result.type == "SELECT":
            result.bindings = list(result.bindings)
        return result

    from rdflib.plugins.sparql.sparql import NotBoundError

    try:
        return within(timeout, answer)
    except KgError:
        raise
    except NotBoundError as error:  # rdflib's aggregates (GROUP_CONCAT ...) need bound values
        raise KgError(
            f"the query failed: {printable(_first_line(error))} where it is aggregated; bind it "
            "(OPTIONAL, COALESCE) or use --engine oxigraph"
        ) from None
    except RecursionError:
        raise KgError(
            "the query nests too deeply to be answered; write it with fewer levels"
        ) from None
    except Exception as error:  # rdflib raises many kinds (an unknown prefix, a bad function)
        raise KgError(f"bad SPARQL query: {printable(_first_line(error))}") from None


class _Expired(BaseException):
    """Raised in the main thread when a query's time is up (a BaseException, so that no
    `except Exception` inside the query engine swallows it)."""


def within(timeout: float | None, work: Callable[[], T], native: bool = False) -> T:
    """Run `work` and return its result, or raise `KgError` once `timeout` seconds (None: no
    limit) have passed. Python work (rdflib) is interrupted in the main thread by a timer signal;
    `native` work (Oxigraph, which releases the GIL) and work outside the main thread runs in a
    thread of its own, left behind when the time is up (it ends with the process)."""
    if timeout is None:
        return work()
    if native or threading.current_thread() is not threading.main_thread():
        return _in_thread(timeout, work)
    with _alarm(timeout):
        try:
            return work()
        except _Expired:
            raise _timed_out(timeout) from None


def _in_thread(timeout: float, work: Callable[[], T]) -> T:
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=run, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _timed_out(timeout)
    if failure:
        raise failure[0]
    return outcome[0]


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed_out(timeout: float) -> KgError:
    return KgError(
        f"the query was stopped after {timeout:g} s (--timeout); narrow it (a LIMIT, fewer "
        "unconstrained patterns) or allow more time with --timeout SECONDS"
    )


def is_update(sparql: str) -> bool:
    """True if the first keyword after the prologue (comments, PREFIX, BASE) starts an update."""
    position = 0
    while (match := PROLOGUE.match(sparql, position)) and match.end() > position:
        position = match.end()
    return UPDATE.match(sparql, position) is not None


def _uses(tree: object, name: str) -> bool:
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[object] = []
    traverse(
        tree,
        visitPre=lambda n: found.append(n) if isinstance(n, CompValue) and n.name == name else None,
    )
    return bool(found)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def format_result(result: Result, fmt: str = "table", prefixes: Graph | None = None) -> str:
    """Render rows as an aligned text table, CSV or JSON; a graph as Turtle with `prefixes`."""
    if result.type == "ASK":
        return json.dumps(bool(result.askAnswer)) if fmt == "json" else str(bool(result.askAnswer))
    if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
        if prefixes is not None and result.graph is not None:
            for prefix, namespace in prefixes.namespaces():
                result.graph.bind(prefix, namespace, replace=True)
        return (result.serialize(format="turtle") or b"").decode("utf-8")
    names = [str(v) for v in result.vars or []]
    if fmt == "json":
        answers = [
            dict(zip(names, map(_json_value, row), strict=True))  # type: ignore[arg-type]
            for row in result
        ]
        return json_text(answers)
    rows = [[_text(value) for value in row] for row in result]  # type: ignore[union-attr]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    if prefixes is not None:
        rows = [[_short(prefixes, value) for value in row] for row in rows]
    return _table(names, rows)


def _short(prefixes: Graph, text: str) -> str:
    """kg:Talk for https://example.org/kg/vocab#Talk, where a prefix of the export covers it."""
    if not text.startswith(("http://", "https://")):
        return text
    for prefix, namespace in sorted(prefixes.namespaces(), key=lambda p: -len(p[1])):
        rest = text[len(namespace) :]
        if (
            prefix
            and text.startswith(str(namespace))
            and rest
            and "/" not in rest
            and "#" not in rest
        ):
            return f"{prefix}:{rest}"
    return text


def _text(value: object) -> str:
    return "" if value is None else str(value)


def json_text(data: object) -> str:
    """JSON that `json.loads` reads back as `data`, safe to print: characters Python does not
    call printable (controls, U+2028, NBSP, joiners ...) are written as \\u escapes. Outside
    strings JSON has only printable ASCII and newlines, so every escape lands inside a string."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(c if c.isprintable() or c == "\n" else json.dumps(c)[1:-1] for c in text)


def _json_value(value: object) -> object:
    """A SPARQL answer as JSON: numbers and booleans typed, unbound as null, others as text."""
    if value is None:
        return None
    if isinstance(value, Literal) and value.datatype is not None:
        kind = str(value.datatype).removeprefix(str(XSD))
        number = value.toPython()
        if kind == "boolean" and isinstance(number, bool):
            return number
        if kind in INTEGERS and isinstance(number, int) and not isinstance(number, bool):
            return number
        if kind in ("decimal", "double", "float") and str(value) not in ("NaN", "INF", "-INF"):
            try:
                return float(str(value))
            except ValueError:
                return str(value)
    return str(value)


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max([_width(n)] + [_width(row[i]) for row in rows]) for i, n in enumerate(names)]
    lines = [_line(names, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        cell + " " * (w - _width(cell)) for cell, w in zip(cells, widths, strict=True)
    ).rstrip()


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

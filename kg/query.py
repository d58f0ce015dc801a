"""Run read-only SPARQL over an exported graph and format the answer."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal
from rdflib.query import Result

from kg.errors import KgError, printable

if TYPE_CHECKING:
    from pyparsing import ParseResults

# What may come before a query's first keyword: spaces, comments, PREFIX and BASE declarations.
PROLOGUE = re.compile(r"\s+|#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>")
UPDATE = re.compile(r"(?i)(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b")
PARSE_POSITION = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$")


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


def parse_query(sparql: str) -> ParseResults:
    """Parse a SELECT, ASK, CONSTRUCT or DESCRIBE query; updates, and queries that would read
    other data (FROM, SERVICE), are refused. Both engines (rdflib, kg.store) check with it."""
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
    for part, keyword in (("DatasetClause", "FROM"), ("ServiceGraphPattern", "SERVICE")):
        if _uses(tree, part):
            raise KgError(f"{keyword} is refused: kg query reads only the --graph file")
    return tree


def run_query(graph: Graph, sparql: str) -> Result:
    """Answer a read-only query (see `parse_query`) over `graph` alone."""
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = parse_query(sparql)
    try:
        return graph.query(translateQuery(tree, initNs=dict(graph.namespaces())))
    except Exception as error:  # rdflib raises many kinds (an unknown prefix, a bad function)
        raise KgError(f"bad SPARQL query: {printable(_first_line(error))}") from None


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
    rows = [[_text(value) for value in row] for row in result]  # type: ignore[union-attr]
    if fmt == "json":
        return json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=2
        )
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
    if value is None:
        return ""
    return str(value) if isinstance(value, Literal) else str(value)


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

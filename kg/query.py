"""Run read-only SPARQL over an exported graph and format the answer."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.query import Result

from kg.errors import KgError

UPDATE = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE | re.MULTILINE
)


def load_graph(path: Path) -> Graph:
    """Parse a Turtle export; a missing or corrupt file is a `KgError`."""
    if not path.is_file():
        raise KgError(f"{path}: no such graph file (run `kg build` first, or pass --graph)")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many kinds for a corrupt file
        raise KgError(f"{path}: not a readable Turtle file ({_first_line(error)})") from None
    return graph


def run_query(graph: Graph, sparql: str) -> Result:
    """Answer a SELECT, ASK or CONSTRUCT query; updates are refused."""
    body = re.sub(r"#[^\n]*", "", sparql)
    if UPDATE.search(re.sub(r"^\s*(PREFIX|BASE)\b[^\n]*", "", body, flags=re.I | re.M)):
        raise KgError(
            "update queries (INSERT, DELETE, LOAD, CLEAR ...) are refused: kg query is read-only"
        )
    try:
        return graph.query(sparql)
    except Exception as error:  # pyparsing and rdflib raise many kinds
        raise KgError(f"bad SPARQL query: {_first_line(error)}") from None


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

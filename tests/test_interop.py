"""Independent tools read the export the same way rdflib does: pyoxigraph (Rust) and, where it is
installed, Debian's rapper (raptor2-utils, C). CI installs rapper; .ci/run also runs it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal

from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def talks_ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the real table (not the committed file, which could be stale)."""
    folder = tmp_path_factory.mktemp("interop")
    build([ROOT / "data" / "talks.md"], folder)
    return folder / "talks.ttl"


def rdflib_triples(path: Path) -> set[tuple[str, ...]]:
    return _named({tuple(_rdflib_term(t) for t in triple) for triple in Graph().parse(path)})


def _rdflib_term(term: object) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else ""
        if term.language:
            datatype = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
        elif not datatype:
            datatype = "http://www.w3.org/2001/XMLSchema#string"
        return repr((str(term), term.language or "", datatype))
    return str(term)


def oxigraph_triples(path: Path) -> set[tuple[str, ...]]:
    triples = set()
    for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        terms = (triple.subject, triple.predicate, triple.object)
        triples.add(tuple(_oxigraph_term(term) for term in terms))
    return _named(triples)


def _oxigraph_term(term: object) -> str:
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Literal):
        return repr((term.value, term.language or "", term.datatype.value))
    return term.value  # type: ignore[attr-defined, no-any-return]


def _named(triples: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Each blank node (the export's are leaves: evidence phrases) named by what refers to it
    and what it says, so two parsers' triples compare as sets."""
    about: dict[str, list[tuple[str, ...]]] = {}
    for s, p, o in triples:
        if s.startswith("_:"):
            about.setdefault(s, []).append((p, o))
        if o.startswith("_:"):
            about.setdefault(o, []).append(("^", s, p))
    names = {node: repr(sorted(facts)) for node, facts in about.items()}
    return {tuple(names.get(term, term) for term in triple) for triple in triples}


def test_pyoxigraph_reads_the_same_triples_as_rdflib(talks_ttl: Path) -> None:
    ours, theirs = rdflib_triples(talks_ttl), oxigraph_triples(talks_ttl)
    assert len(theirs) == len(ours) > 2000
    assert theirs == ours


def test_pyoxigraph_reads_the_committed_export() -> None:
    path = ROOT / "outputs" / "talks.ttl"
    assert len(oxigraph_triples(path)) == len(rdflib_triples(path))


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_rapper_reads_the_same_number_of_triples(talks_ttl: Path) -> None:
    done = subprocess.run(
        ["rapper", "-i", "turtle", "-c", str(talks_ttl)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    count = re.search(r"Parsing returned (\d+) triples", done.stderr)
    assert count is not None, done.stderr
    assert int(count.group(1)) == len(Graph().parse(talks_ttl, format="turtle"))

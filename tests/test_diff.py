"""The graph diff behind `kg build --check`: talks and links by title, terminal-safe."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.diff import graph_changes, stale_outputs
from kg.ontology import KG

E = "https://example.org/kg/id/"


def talk_graph(*talks: tuple[str, str, int, tuple[str, ...]]) -> Graph:
    """Talks given as (slug, title, line, software they mention)."""
    graph = Graph()
    for key, title, line, software in talks:
        talk = URIRef(f"{E}talk/{key}")
        graph.add((talk, RDF.type, KG.Talk))
        graph.add((talk, RDFS.label, Literal(title, lang="en")))
        graph.add((talk, KG.sourceLine, Literal(line)))
        for name in software:
            entity = URIRef(f"{E}software/{name.lower()}")
            graph.add((talk, KG.mentionsSoftware, entity))
            graph.add((entity, RDF.type, KG.Software))
            graph.add((entity, RDFS.label, Literal(name)))
    return graph


def test_same_graph_has_no_changes() -> None:
    graph = talk_graph(("a", "A", 3, ("vLLM",)))
    assert graph_changes(graph, talk_graph(("a", "A", 3, ("vLLM",)))) == []


def test_talks_and_links_added_removed_changed_moved() -> None:
    old = talk_graph(("a", "A", 3, ("vLLM",)), ("b", "B", 4, ()), ("c", "C", 5, ()))
    new = talk_graph(("a", "A", 4, ("SGLang",)), ("c", "C changed", 5, ()), ("d", "D", 3, ()))
    assert graph_changes(old, new) == [
        '+ talk "D"',
        '- talk "B"',
        '~ talk "C changed": rdfs:label',
        "~ 1 talk(s) only moved in the source (kg:sourceFile, kg:sourceLine)",
        '+ link "A" kg:mentionsSoftware "SGLang"',
        '- link "A" kg:mentionsSoftware "vLLM"',
        "other triples: +2 -2 (entities, evidence, vocabulary)",
    ]


def test_titles_are_shown_terminal_safe() -> None:
    old = talk_graph()
    new = talk_graph(("x", 'Red \x1b[31m "quoted"', 3, ()))
    assert graph_changes(old, new) == ['+ talk "Red \\u001b[31m \\"quoted\\""']


def test_stale_outputs(tmp_path: Path) -> None:
    ttl = talk_graph(("a", "A", 3, ())).serialize(format="turtle", encoding="utf-8")
    contents = {"talks.ttl": ttl, "graph.html": b"<html></html>"}
    assert stale_outputs(tmp_path, contents) == [
        f"{tmp_path}/talks.ttl: missing",
        f"{tmp_path}/graph.html: missing",
    ]
    (tmp_path / "talks.ttl").write_bytes(ttl)
    (tmp_path / "graph.html").write_bytes(b"<html></html>")
    assert stale_outputs(tmp_path, contents) == []
    (tmp_path / "talks.ttl").write_bytes(ttl + b"\n# same graph, other bytes\n")
    (tmp_path / "graph.html").write_bytes(b"<html>old</html>")
    assert stale_outputs(tmp_path, contents) == [
        f"{tmp_path}/talks.ttl: stale",
        "  same graph; only the bytes differ",
        f"{tmp_path}/graph.html: stale",
    ]
    (tmp_path / "talks.ttl").write_bytes(b"@prefix broken")
    assert stale_outputs(tmp_path, contents)[:2] == [
        f"{tmp_path}/talks.ttl: stale",
        f"  {tmp_path}/talks.ttl:1: not valid Turtle (expected qname after @prefix); "
        "rebuild it with `kg build`",
    ]

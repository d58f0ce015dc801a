"""Compare a fresh build with the outputs on disk (`kg build --check`): which talks and links a
rebuild would add or remove, as a readable diff of the graph rather than of the bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.ontology import KG, KINDS, PROV

NAMESPACES = Graph().namespace_manager  # rdf:, rdfs:, skos:, prov: ...
# The properties that link a talk to an entity (the export contract).
LINKS = frozenset({KG.presentedBy, *(prop for _, prop in KINDS.values())})
# Where a talk came from: a row moving down the table changes these, not the talk.
PROVENANCE = frozenset({KG.sourceFile, KG.sourceLine, PROV.wasDerivedFrom})


def stale_outputs(output_dir: Path, contents: dict[str, bytes]) -> list[str]:
    """One line per difference between `contents` and the files in `output_dir`; [] when fresh."""
    lines: list[str] = []
    for name, data in sorted(contents.items(), reverse=True):  # talks.ttl, then graph.html
        path = output_dir / name
        try:
            existing = path.read_bytes()
        except FileNotFoundError:
            lines.append(f"{path}: missing")
            continue
        except OSError as error:
            lines.append(f"{path}: cannot read it ({error.strerror})")
            continue
        if existing == data:
            continue
        lines.append(f"{path}: stale")
        if name == "talks.ttl":
            lines += ["  " + line for line in _turtle_changes(path, data)]
    return lines


def _turtle_changes(path: Path, data: bytes) -> list[str]:
    from kg.query import load_graph

    try:
        old = load_graph(path)
    except KgError as error:
        return [str(error)]
    new = Graph().parse(data=data, format="turtle")
    return graph_changes(old, new) or ["same graph; only the bytes differ"]


def graph_changes(old: Graph, new: Graph) -> list[str]:
    """Talks added (+), removed (-) and changed (~, naming the properties), then links added and
    removed, then a count of every other triple that differs (entities, evidence, vocabulary)."""
    old_talks, new_talks = _talks(old), _talks(new)
    lines = [f"+ talk {_label(new, t)}" for t in _by_label(new, new_talks - old_talks)]
    lines += [f"- talk {_label(old, t)}" for t in _by_label(old, old_talks - new_talks)]
    moved = 0
    for talk in _by_label(new, new_talks & old_talks):
        changed = {p for p, _ in _own_properties(old, talk) ^ _own_properties(new, talk)}
        if changed - PROVENANCE:
            names = ", ".join(sorted(_local(p) for p in changed - PROVENANCE))
            lines.append(f"~ talk {_label(new, talk)}: {names}")
        elif changed:
            moved += 1
    if moved:
        lines.append(f"~ {moved} talk(s) only moved in the source (kg:sourceFile, kg:sourceLine)")
    old_links, new_links = _links(old), _links(new)
    lines += sorted(_link_line("+", new, link) for link in new_links - old_links)
    lines += sorted(_link_line("-", old, link) for link in old_links - new_links)
    old_triples, new_triples = _named(old), _named(new)
    added, removed = new_triples - old_triples, old_triples - new_triples
    counted = {(s, p, o) for s, p, o in added | removed if s in old_talks | new_talks}
    other_added, other_removed = len(added - counted), len(removed - counted)
    if other_added or other_removed:
        lines.append(
            f"other triples: +{other_added} -{other_removed} (entities, evidence, vocabulary)"
        )
    return lines


def _named(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """The graph's triples, each blank node (an evidence phrase: a leaf) named by what refers to
    it and what it says, so that the same phrase in two parses is the same node."""
    names: dict[Node, Node] = {}
    for node in {s for s in graph.subjects() if isinstance(s, BNode)}:
        facts = sorted(f"{p.n3()} {o.n3()}" for p, o in graph.predicate_objects(node))
        facts += sorted(f"^{s.n3()} {p.n3()}" for s, p in graph.subject_predicates(node))
        digest = hashlib.sha1("\n".join(facts).encode("utf-8")).hexdigest()
        names[node] = URIRef(f"urn:kg:phrase:{digest}")
    return {
        (names.get(s, s), p, names.get(o, o))
        for s, p, o in graph  # type: ignore[misc]
    }


def _talks(graph: Graph) -> set[Node]:
    return set(graph.subjects(RDF.type, KG.Talk))


def _by_label(graph: Graph, nodes: set[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: (_label(graph, node), str(node)))


def _own_properties(graph: Graph, talk: Node) -> set[tuple[Node, Node]]:
    """A talk's own values (title, track, summary, source line ...), without links and evidence."""
    return {
        (p, o)
        for p, o in graph.predicate_objects(talk)
        if p not in LINKS and p != KG.evidence and p != RDF.type
    }


def _links(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {(s, p, o) for p in LINKS for s, o in graph.subject_objects(p)}


def _link_line(sign: str, graph: Graph, link: tuple[Node, Node, Node]) -> str:
    talk, prop, entity = link
    return f"{sign} link {_label(graph, talk)} {_local(prop)} {_label(graph, entity)}"


def _label(graph: Graph, node: Node) -> str:
    """The node's rdfs:label (or IRI) in quotes, terminal-safe: control characters are shown."""
    text = str(graph.value(node, RDFS.label) or node)
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return '"' + shown.replace('"', '\\"') + '"'


def _local(prop: Node) -> str:
    text = str(prop)
    if text.startswith(str(KG._NS)):
        return "kg:" + text[len(str(KG._NS)) :]
    return prop.n3(NAMESPACES)

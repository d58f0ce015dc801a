"""Compare a fresh build with the outputs on disk (`kg build --check`): which talks and links a
rebuild would add or remove, as a readable diff of the graph rather than of the bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class GraphDiff:
    """What a rebuild changes in the graph, by talk title and entity label (not by bytes)."""

    talks_added: list[str] = field(default_factory=list)
    talks_removed: list[str] = field(default_factory=list)
    talks_changed: list[tuple[str, list[str]]] = field(default_factory=list)  # title, properties
    talks_moved: int = 0  # only kg:sourceFile / kg:sourceLine differ
    links_added: list[tuple[str, str, str]] = field(default_factory=list)  # talk, property, entity
    links_removed: list[tuple[str, str, str]] = field(default_factory=list)
    other_added: int = 0
    other_removed: int = 0


@dataclass(frozen=True)
class OutputState:
    """One output against the file on disk: "fresh", "stale", "missing" or "unreadable"."""

    path: Path
    state: str
    diff: GraphDiff | None = None  # talks.ttl, when stale and readable
    problem: str = ""  # why it cannot be read or compared


def check_outputs(output_dir: Path, contents: dict[str, bytes]) -> list[OutputState]:
    """Each output of `contents` against the file in `output_dir` (talks.ttl first)."""
    states: list[OutputState] = []
    for name, data in sorted(contents.items(), reverse=True):  # talks.ttl, then graph.html
        path = output_dir / name
        try:
            existing = path.read_bytes()
        except FileNotFoundError:
            states.append(OutputState(path, "missing"))
            continue
        except OSError as error:
            states.append(OutputState(path, "unreadable", problem=str(error.strerror)))
            continue
        if existing == data:
            states.append(OutputState(path, "fresh"))
        elif name != "talks.ttl":
            states.append(OutputState(path, "stale"))
        else:
            from kg.query import load_graph

            try:
                old = load_graph(path)
            except KgError as error:
                states.append(OutputState(path, "stale", problem=str(error)))
                continue
            new = Graph().parse(data=data, format="turtle")
            states.append(OutputState(path, "stale", graph_diff(old, new)))
    return states


def stale_outputs(output_dir: Path, contents: dict[str, bytes]) -> list[str]:
    """One line per difference between `contents` and the files in `output_dir`; [] when fresh."""
    return stale_lines(check_outputs(output_dir, contents))


def stale_lines(states: list[OutputState]) -> list[str]:
    lines: list[str] = []
    for item in states:
        if item.state == "missing":
            lines.append(f"{item.path}: missing")
        elif item.state == "unreadable":
            lines.append(f"{item.path}: cannot read it ({item.problem})")
        elif item.state == "stale":
            lines.append(f"{item.path}: stale")
            if item.problem:
                lines.append("  " + item.problem)
            elif item.diff is not None:
                changes = diff_lines(item.diff) or ["same graph; only the bytes differ"]
                lines += ["  " + line for line in changes]
    return lines


def stale_json(states: list[OutputState]) -> dict[str, object]:
    """The same as `stale_lines`, as data for `kg build --check --format json`."""
    outputs: list[dict[str, object]] = []
    for item in states:
        entry: dict[str, object] = {"path": str(item.path), "state": item.state}
        if item.problem:
            entry["problem"] = item.problem
        if item.diff is not None:
            d = item.diff
            entry["graph"] = {
                "talks": {
                    "added": d.talks_added,
                    "removed": d.talks_removed,
                    "changed": [{"title": t, "properties": p} for t, p in d.talks_changed],
                    "moved": d.talks_moved,
                },
                "links": {
                    side: [{"talk": t, "property": p, "entity": e} for t, p, e in links]
                    for side, links in (("added", d.links_added), ("removed", d.links_removed))
                },
                "other_triples": {"added": d.other_added, "removed": d.other_removed},
            }
        outputs.append(entry)
    return {"stale": any(item.state != "fresh" for item in states), "outputs": outputs}


def graph_changes(old: Graph, new: Graph) -> list[str]:
    """Talks added (+), removed (-) and changed (~, naming the properties), then links added and
    removed, then a count of every other triple that differs (entities, evidence, vocabulary)."""
    return diff_lines(graph_diff(old, new))


def diff_lines(d: GraphDiff) -> list[str]:
    quote = _quoted
    lines = [f"+ talk {quote(t)}" for t in d.talks_added]
    lines += [f"- talk {quote(t)}" for t in d.talks_removed]
    lines += [f"~ talk {quote(t)}: {', '.join(props)}" for t, props in d.talks_changed]
    if d.talks_moved:
        lines.append(
            f"~ {d.talks_moved} talk(s) only moved in the source (kg:sourceFile, kg:sourceLine)"
        )
    for sign, links in (("+", d.links_added), ("-", d.links_removed)):
        lines += [f"{sign} link {quote(t)} {p} {quote(e)}" for t, p, e in links]
    if d.other_added or d.other_removed:
        lines.append(
            f"other triples: +{d.other_added} -{d.other_removed} (entities, evidence, vocabulary)"
        )
    return lines


def graph_diff(old: Graph, new: Graph) -> GraphDiff:
    old_talks, new_talks = _talks(old), _talks(new)
    changed_talks: list[tuple[str, list[str]]] = []
    moved = 0
    for talk in _by_label(new, new_talks & old_talks):
        changed = {p for p, _ in _own_properties(old, talk) ^ _own_properties(new, talk)}
        if changed - PROVENANCE:
            changed_talks.append(
                (_label(new, talk), sorted(_local(p) for p in changed - PROVENANCE))
            )
        elif changed:
            moved += 1
    old_links, new_links = _links(old), _links(new)
    old_triples, new_triples = _named(old), _named(new)
    added, removed = new_triples - old_triples, old_triples - new_triples
    counted = {(s, p, o) for s, p, o in added | removed if s in old_talks | new_talks}
    return GraphDiff(
        talks_added=[_label(new, t) for t in _by_label(new, new_talks - old_talks)],
        talks_removed=[_label(old, t) for t in _by_label(old, old_talks - new_talks)],
        talks_changed=changed_talks,
        talks_moved=moved,
        links_added=sorted(_link(new, link) for link in new_links - old_links),
        links_removed=sorted(_link(old, link) for link in old_links - new_links),
        other_added=len(added - counted),
        other_removed=len(removed - counted),
    )


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


def _link(graph: Graph, link: tuple[Node, Node, Node]) -> tuple[str, str, str]:
    talk, prop, entity = link
    return _label(graph, talk), _local(prop), _label(graph, entity)


def _label(graph: Graph, node: Node) -> str:
    """The node's rdfs:label, or its IRI."""
    return str(graph.value(node, RDFS.label) or node)


def _quoted(text: str) -> str:
    """A label in quotes, terminal-safe: control characters are shown."""
    shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return '"' + shown.replace('"', '\\"') + '"'


def _local(prop: Node) -> str:
    text = str(prop)
    if text.startswith(str(KG._NS)):
        return "kg:" + text[len(str(KG._NS)) :]
    return prop.n3(NAMESPACES)

"""Graph analytics over the export with networkx: which entities the talks name most, which
organizations use which Ray library, the techniques of each track and the communities of entities
named together. `kg stats` prints them, the HTML page shows them, and `to_graphml` writes the same
networkx graph for Gephi and Cytoscape."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.ontology import KG, KIND_OF_CLASS, KINDS

if TYPE_CHECKING:
    import networkx as nx

# The properties that link a talk to an entity, and the relations between entities.
TALK_LINKS = (KG.hasSpeaker, KG.presentedBy, *(prop for _, prop in KINDS.values()))
RELATIONS = (SKOS.broader, KG.vendor, KG.developer, KG.affiliation)
TOP = 10
TOP_PER_TRACK = 3
COMMUNITY_SEED = 42


@dataclass(frozen=True, order=True)
class Ranked:
    """An entity and the number of talks that name it."""

    label: str
    talks: int
    iri: str


@dataclass(frozen=True)
class Stats:
    """What `kg stats` prints and the page shows; every list is in a fixed order."""

    talks: int
    entities: int
    links: int
    top_entities: tuple[tuple[str, tuple[Ranked, ...]], ...]
    matrix_organizations: tuple[str, ...]
    matrix_libraries: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]
    techniques_by_track: tuple[tuple[str, tuple[Ranked, ...]], ...]
    communities: tuple[tuple[Ranked, ...], ...]


def local_name(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def english(graph: Graph, subject: URIRef) -> str:
    """The label to show: rdfs:label, else the English skos:prefLabel, else the IRI."""
    for predicate in (RDFS.label, SKOS.prefLabel):
        labels = sorted(
            str(value)
            for value in graph.objects(subject, predicate)
            if isinstance(value, Literal) and value.language in (None, "en")
        )
        if labels:
            return labels[0]
    return str(subject)


def to_networkx(graph: Graph) -> nx.DiGraph:
    """Talks and the entities they link to as a directed graph, nodes in IRI order.

    A node is named by its IRI and has `kind` ("talk" or the entity kind), `label` and, for a
    talk, `track`. An edge from a talk to an entity has `links`: its kg properties, space
    separated ("mentionsOrganization presentedBy"); an edge between entities has the relation.
    """
    import networkx as nx

    result = nx.DiGraph()
    nodes: dict[URIRef, str] = {}
    for talk in graph.subjects(RDF.type, KG.Talk):
        nodes[URIRef(str(talk))] = "talk"
    for cls, kind in KIND_OF_CLASS.items():
        for entity in graph.subjects(RDF.type, cls):
            nodes[URIRef(str(entity))] = kind
    for node in sorted(nodes):
        attributes = {"kind": nodes[node], "label": english(graph, node)}
        if nodes[node] == "talk":
            track = graph.value(node, KG.track)
            attributes["track"] = english(graph, track) if isinstance(track, URIRef) else ""
        result.add_node(str(node), **attributes)
    edges: dict[tuple[str, str], set[str]] = {}
    for predicate in (*TALK_LINKS, *RELATIONS):
        for subject, value in graph.subject_objects(predicate):
            if subject in nodes and value in nodes and subject != value:
                edges.setdefault((str(subject), str(value)), set()).add(local_name(predicate))
    for (source, target), names in sorted(edges.items()):
        result.add_edge(source, target, links=" ".join(sorted(names)))
    return result


def to_graphml(graph: Graph, network: nx.DiGraph | None = None) -> bytes:
    """The networkx graph of `graph` as GraphML, the same bytes for the same graph. Every node
    name and value is checked by kg.terms first: XML 1.0 has no escape for what it refuses."""
    import networkx as nx

    from kg import terms

    network = to_networkx(graph) if network is None else network
    for node, data in network.nodes(data=True):
        for value in (node, *data.values()):
            terms.text(str(value), "graph.graphml", f"the node <{node}>")
    buffer = io.BytesIO()
    nx.write_graphml_xml(network, buffer, encoding="utf-8")
    return buffer.getvalue()


def compute(graph: Graph, network: nx.DiGraph | None = None) -> Stats:
    """The analytics of the export `graph` (`network`: its `to_networkx` graph, if made)."""
    network = to_networkx(graph) if network is None else network
    kinds = {node: data["kind"] for node, data in network.nodes(data=True)}
    labels = {node: data["label"] for node, data in network.nodes(data=True)}
    talks = sorted(node for node, kind in kinds.items() if kind == "talk")
    # Each entity's talks: the talks with an edge to it.
    talks_of: dict[str, set[str]] = {}
    for talk in talks:
        for entity in network.successors(talk):
            talks_of.setdefault(entity, set()).add(talk)

    top = []
    for kind in KINDS:
        counts = {node: len(ts) for node, ts in talks_of.items() if kinds[node] == kind}
        if counts:
            top.append((kind, _ranked(counts, labels, TOP)))
    organizations, libraries, matrix = _organization_library_matrix(network, kinds, labels, talks)
    return Stats(
        talks=len(talks),
        entities=len(talks_of),
        links=sum(1 for talk in talks for _ in network.successors(talk)),
        top_entities=tuple(top),
        matrix_organizations=organizations,
        matrix_libraries=libraries,
        matrix=matrix,
        techniques_by_track=_techniques_by_track(network, kinds, labels, talks),
        communities=_communities(talks_of, kinds, labels),
    )


def _organization_library_matrix(
    network: nx.DiGraph, kinds: dict[str, str], labels: dict[str, str], talks: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Talks presented by each organization (kg:presentedBy) that name each Ray library."""
    counts: dict[tuple[str, str], int] = {}
    for talk in talks:
        targets = network[talk]
        presenters = [node for node in targets if "presentedBy" in targets[node]["links"]]
        libraries = [node for node in targets if kinds[node] == "ray-library"]
        for organization in presenters:
            for library in libraries:
                counts[organization, library] = counts.get((organization, library), 0) + 1
    rows = {organization for organization, _ in counts}
    columns = {library for _, library in counts}

    def total(node: str, index: int) -> int:
        return sum(n for pair, n in counts.items() if pair[index] == node)

    row_order = sorted(rows, key=lambda node: (-total(node, 0), labels[node], node))
    column_order = sorted(columns, key=lambda node: (-total(node, 1), labels[node], node))
    return (
        tuple(labels[node] for node in row_order),
        tuple(labels[node] for node in column_order),
        tuple(tuple(counts.get((row, column), 0) for column in column_order) for row in row_order),
    )


def _ranked(counts: dict[str, int], labels: dict[str, str], limit: int) -> tuple[Ranked, ...]:
    """The `limit` entities with the highest counts; ties by label."""
    order = sorted(counts, key=lambda node: (-counts[node], labels[node], node))
    return tuple(Ranked(labels[node], counts[node], node) for node in order[:limit])


def _techniques_by_track(
    network: nx.DiGraph, kinds: dict[str, str], labels: dict[str, str], talks: list[str]
) -> tuple[tuple[str, tuple[Ranked, ...]], ...]:
    """Per track, the techniques named by most of its talks."""
    per_track: dict[str, dict[str, int]] = {}
    for talk in talks:
        counts = per_track.setdefault(network.nodes[talk]["track"], {})
        for entity in network.successors(talk):
            if kinds[entity] == "technique":
                counts[entity] = counts.get(entity, 0) + 1
    return tuple(
        (track, _ranked(counts, labels, TOP_PER_TRACK))
        for track, counts in sorted(per_track.items())
        if counts
    )


def _communities(
    talks_of: dict[str, set[str]], kinds: dict[str, str], labels: dict[str, str]
) -> tuple[tuple[Ranked, ...], ...]:
    """Louvain communities (fixed seed) of the graph whose nodes are the entities other than
    people and whose edges join two entities named by the same talks (weight: how many)."""
    import networkx as nx

    co_mentions = nx.Graph()
    entities = sorted(node for node in talks_of if kinds[node] != "person")
    co_mentions.add_nodes_from(entities)
    for first, second in combinations(entities, 2):
        shared = len(talks_of[first] & talks_of[second])
        if shared:
            co_mentions.add_edge(first, second, weight=shared)
    found = nx.community.louvain_communities(co_mentions, weight="weight", seed=COMMUNITY_SEED)
    result = []
    for community in found:
        if len(community) < 2:
            continue
        order = sorted(community, key=lambda node: (-len(talks_of[node]), labels[node], node))
        result.append(tuple(Ranked(labels[node], len(talks_of[node]), node) for node in order))
    return tuple(sorted(result, key=lambda members: (-len(members), members[0].label)))


def format_stats(stats: Stats) -> str:
    """The analytics as plain text for a terminal; table text is shown with control characters
    escaped, so a label cannot move the cursor or change colours."""
    lines = [
        f"talks: {stats.talks}  entities linked: {stats.entities}  "
        f"talk-entity pairs: {stats.links} (a talk and an entity, in any role)",
        "",
    ]
    lines.append("Top entities by number of talks")
    for kind, ranked in stats.top_entities:
        lines.append(f"  {kind}: " + ", ".join(f"{_safe(r.label)} ({r.talks})" for r in ranked))
    lines += ["", "Organization (presenting) x Ray library: talks"]
    if stats.matrix:
        header = ["", *map(_safe, stats.matrix_libraries)]
        rows = [
            [_safe(org), *(str(n) if n else "." for n in counts)]
            for org, counts in zip(stats.matrix_organizations, stats.matrix, strict=True)
        ]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [_pad(row[0], widths[0], left=True)]
            cells += [_pad(cell, width) for cell, width in zip(row[1:], widths[1:], strict=True)]
            lines.append("  " + "  ".join(cells).rstrip())
    else:
        lines.append("  (no talk presented by an organization names a Ray library)")
    lines += ["", f"Most connected techniques per track (top {TOP_PER_TRACK})"]
    for track, ranked in stats.techniques_by_track:
        lines.append(
            f"  {_safe(track)}: " + ", ".join(f"{_safe(r.label)} ({r.talks})" for r in ranked)
        )
    if not stats.techniques_by_track:
        lines.append("  (no talk names a technique)")
    lines += ["", "Communities of co-mentioned entities (Louvain, seed 42)"]
    for number, members in enumerate(stats.communities, 1):
        lines.append(f"  {number}. " + ", ".join(_safe(member.label) for member in members))
    if not stats.communities:
        lines.append("  (no two entities are named by the same talk)")
    return "\n".join(lines)


def _safe(text: str) -> str:
    """Control and format characters (ESC, CR, bidi overrides ...) as visible escapes."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Cf")
        else char
        for char in text
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text

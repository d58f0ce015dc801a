"""Draw the exported graph as one self-contained, interactive HTML page (pyvis + vis-network).

pyvis builds the nodes and edges; the page comes from our own template (kg/templates/graph.html)
rendered by pyvis's `generate_html`, because pyvis 0.3.2's own template loads Bootstrap and
tom-select from a CDN, does not autoescape, and, when a tooltip contains "href", shows tooltips
with `innerHTML`. Our template
- inlines vis-network from the copy bundled inside the pyvis package (no network needed),
- carries all table text as JSON in `<script type="application/json">` blocks, with `<`, `>`,
  `&`, U+2028 and U+2029 escaped (`script_json`), and its script writes that text into the page
  with `textContent`, text nodes and canvas text only, never as HTML,
- draws the map from positions computed here (`_layout`: track groups on a ring, entities inside
  it), draws the labels itself without overlaps, and builds its other views (around a node, a
  track, the organization matrix) in the page from the same data.
The same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import asdict
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kg.ontology import KG
from kg.rdf import evidence
from kg.stats import RELATIONS, TALK_LINKS, compute, english, local_name, to_networkx

if TYPE_CHECKING:
    import networkx as nx

# How each kind of node looks: (legend label, vis shape, colour). The colours are the Okabe-Ito
# palette (safe for the common colour-vision deficiencies); talks are neutral grey, and tracks are
# shown by grouping and name, not by colour.
KIND_STYLE = {
    "talk": ("Talk", "dot", "#8f8f8f"),
    "organization": ("Organization", "square", "#D55E00"),
    "ray-library": ("Ray library", "star", "#E69F00"),
    "technique": ("Technique", "diamond", "#009E73"),
    "hardware": ("Hardware", "triangle", "#0072B2"),
    "software": ("Software", "hexagon", "#56B4E9"),
    "model": ("Model", "triangleDown", "#CC79A7"),
    "person": ("Person", "dot", "#000000"),
}
LINK_TITLES = {
    "presentedBy": "Presented by",
    "hasSpeaker": "Speakers",
    "mentionsOrganization": "Organizations",
    "mentionsRayLibrary": "Ray libraries",
    "mentionsTechnique": "Techniques",
    "mentionsHardware": "Hardware",
    "mentionsSoftware": "Software",
    "mentionsModel": "Models",
}
METHODS = ("gazetteer", "pattern", "cue")
SHORT_LABEL = 28
SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
TALK_SPACING = 26  # canvas pixels between neighbouring talks of a track group
GROUP_GAP = 40  # between two track groups on the ring
ENTITY_GAP = 8  # at least this much space between two entities
RELAX_STEPS = 60  # rounds of pushing overlapping entities apart
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: it cannot close the element, open a
    comment, or end a JavaScript string early (U+2028/2029)."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_ESCAPES[m.group()], text))


def render_html(graph: Graph, network: nx.DiGraph | None = None) -> str:
    """The page for `graph` (and its `to_networkx` graph, if made already): talks, the entities
    they link to, search, filters, views and analytics."""
    return render_page(page_data(graph, network))


def render_page(page: dict[str, Any]) -> str:
    """The page for the data of `page_data`."""
    from jinja2 import Environment, PackageLoader
    from markupsafe import Markup
    from pyvis.network import Network

    page = dict(page)
    network = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in page.pop("vis_nodes"):
        node = dict(node)
        network.add_node(node.pop("id"), **node)
    for edge in page.pop("vis_edges"):
        edge = dict(edge)
        network.add_edge(edge.pop("from"), edge.pop("to"), **edge)
    # pyvis renders `network.path` with `network.templateEnv`; ours autoescapes and knows the
    # filter that embeds JSON, and its globals carry vis-network and our data.
    environment = Environment(
        loader=PackageLoader("kg", "templates"), autoescape=True, keep_trailing_newline=True
    )
    environment.filters["script_json"] = script_json
    environment.globals.update(
        vis_js=Markup(_bundled("vis-network.min.js")),
        vis_css=Markup(_bundled("vis-network.css")),
        page=page,
    )
    network.templateEnv = environment
    network.path = "graph.html"
    return str(network.generate_html())


def _bundled(name: str) -> str:
    """A vis-network file from the pyvis package, ready to inline in a <script> or <style>."""
    text = (files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    text = re.sub(r"^//# sourceMappingURL=.*$", "", text, flags=re.MULTILINE).rstrip() + "\n"
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in text:
        raise RuntimeError(f"pyvis's {name} cannot be inlined: it would end its element")
    return text


def page_data(graph: Graph, network: nx.DiGraph | None = None) -> dict[str, Any]:
    """Everything the page shows, as plain data: the vis nodes and edges, and for each node the
    details of the side panel (by node index), the track groups, the legend and the analytics."""
    network = to_networkx(graph) if network is None else network
    ids = {iri: index for index, iri in enumerate(network.nodes)}
    tracks = _tracks(graph)
    track_index = {iri: index for index, (iri, _, _) in enumerate(tracks)}
    talk_track = {
        iri: track_index.get(str(graph.value(URIRef(iri), KG.track)), -1)
        for iri, kind in network.nodes(data="kind")
        if kind == "talk"
    }
    positions, groups = _layout(network, talk_track)
    talk_evidence = _evidence(graph)
    vis_nodes, details = [], []
    for iri, data in network.nodes(data=True):
        subject = URIRef(iri)
        kind = data["kind"]
        degree = network.degree(iri)
        if kind == "talk":
            index = talk_track[iri]
            detail = _talk(graph, subject, ids, index, talk_evidence.get(iri, []))
            detail["short"] = short(data["label"])
            hover = f"{data['label']}\n{tracks[index][1] if index >= 0 else ''}".strip()
        else:
            detail = _entity(graph, subject, ids, network)
            hover = f"{data['label']} ({KIND_STYLE[kind][0]}, {degree} links)"
        x, y = positions[iri]
        vis_nodes.append(
            {
                "id": ids[iri],
                "label": "",  # the page draws the labels itself, without overlaps
                "title": hover,
                "shape": KIND_STYLE[kind][1],
                "color": KIND_STYLE[kind][2],
                "size": _size(kind, degree),
                "x": x,
                "y": y,
            }
        )
        details.append(
            {"kind": kind, "label": data["label"], "iri": iri, "degree": degree, **detail}
        )
    vis_edges: list[dict[str, Any]] = []
    for source, target in network.edges:
        edge: dict[str, Any] = {"id": len(vis_edges), "from": ids[source], "to": ids[target]}
        if network.nodes[source]["kind"] != "talk":
            edge["dashes"] = True
        vis_edges.append(edge)
    return {
        "vis_nodes": vis_nodes,
        "vis_edges": vis_edges,
        "nodes": details,
        "kinds": [
            {"key": key, "label": label, "shape": shape, "color": color}
            for key, (label, shape, color) in KIND_STYLE.items()
        ],
        "tracks": [{"label": label, "zh": zh} for _, label, zh in tracks],
        "groups": groups,
        "links": LINK_TITLES,
        "methods": list(METHODS),
        "stats": asdict(compute(graph, network)),
    }


def short(title: str) -> str:
    """A talk's label on the canvas: its first words, up to `SHORT_LABEL` columns (a Chinese
    character takes two)."""
    widths = [2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in title]
    if sum(widths) <= SHORT_LABEL:
        return title
    end, used = 0, 0
    while used + widths[end] <= SHORT_LABEL - 1:
        used += widths[end]
        end += 1
    cut = title[:end]
    if " " in cut[end // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" :,-|") + "…"


def _size(kind: str, degree: int) -> int:
    """Node size (radius in canvas pixels) grows with the logarithm of its degree; talks and
    people stay small."""
    if kind == "talk":
        return 5
    if kind == "person":
        return 4
    return min(34, 7 + round(4 * math.log2(1 + degree)))


def _tracks(graph: Graph) -> list[tuple[str, str, str]]:
    """Each track used by a talk: IRI, English label, Chinese label."""
    used = sorted({str(track) for track in graph.objects(None, KG.track)})
    result = []
    for iri in used:
        zh = next(
            (
                str(value)
                for value in graph.objects(URIRef(iri), SKOS.prefLabel)
                if isinstance(value, Literal) and value.language == "zh"
            ),
            "",
        )
        result.append((iri, english(graph, URIRef(iri)), zh))
    return result


# One piece of evidence: the entity it names, the field, the sentence, where the match starts
# and ends in that sentence, how it was found and how sure.
Evidence = tuple[str, str, str, int, int, str, float]


def _evidence(graph: Graph) -> dict[str, list[Evidence]]:
    """The evidence of each talk (by talk IRI), read with kg.rdf.evidence. A link without a
    recorded method was found by the gazetteer, with confidence 1."""
    result: dict[str, list[Evidence]] = {}
    for row in evidence(graph):
        begin, end = row.start - row.sentence_start, row.end - row.sentence_start
        sure = 1.0 if math.isnan(row.confidence) else row.confidence
        item = (row.entity, row.field, row.sentence, begin, end, row.method or "gazetteer", sure)
        result.setdefault(row.talk, []).append(item)
    return result


def _talk(
    graph: Graph, talk: URIRef, ids: dict[str, int], track: int, rows: list[Evidence]
) -> dict[str, Any]:
    event = graph.value(talk, KG.event)
    summary = graph.value(talk, KG.summary)
    links: dict[str, dict[str, Any]] = {}
    for predicate in TALK_LINKS:
        for value in sorted(graph.objects(talk, predicate), key=str):
            if str(value) in ids:
                link = links.setdefault(str(value), {"entity": ids[str(value)], "props": []})
                link["props"].append(local_name(predicate))
    for entity, field, sentence, start, end, method, confidence in rows:
        if entity not in links:
            continue
        group = links[entity].setdefault("groups", {}).setdefault((field, sentence), {})
        group.setdefault("ranges", set()).add((start, end))
        group[method] = max(group.get(method, 0.0), confidence)
    for link in links.values():
        link["props"].sort()
        groups = link.pop("groups", {})
        link["evidence"] = [
            {
                "field": field,
                "parts": _parts(sentence, group["ranges"]),
                "methods": [[m, group[m]] for m in METHODS if m in group],
            }
            for (field, sentence), group in sorted(groups.items())
        ]
        best: dict[str, float] = {}
        for item in link["evidence"]:
            for method, confidence in item["methods"]:
                best[method] = max(best.get(method, 0.0), confidence)
        # A link with no evidence (a presenter, a speaker) counts as the gazetteer's.
        link["methods"] = [[m, best[m]] for m in METHODS if m in best] or [["gazetteer", 1.0]]
    return {
        "track": track,
        "event": english(graph, event) if isinstance(event, URIRef) else "",
        "keynote": bool(graph.value(talk, KG.keynote)),
        "summary": str(summary) if summary is not None else None,
        "source": f"{graph.value(talk, KG.sourceFile)}:{graph.value(talk, KG.sourceLine)}",
        "links": sorted(links.values(), key=lambda link: link["entity"]),
    }


def _parts(sentence: str, ranges: set[tuple[int, int]]) -> list[str]:
    """The sentence cut into pieces; odd pieces are the matched words, to be highlighted."""
    parts: list[str] = []
    cursor = 0
    for start, end in sorted(ranges):
        if start < cursor or start >= end:
            continue
        parts += [sentence[cursor:start], sentence[start:end]]
        cursor = end
    parts.append(sentence[cursor:])
    return parts


def _entity(graph: Graph, entity: URIRef, ids: dict[str, int], network: Any) -> dict[str, Any]:
    def labels(predicate: URIRef) -> list[list[str]]:
        values = [v for v in graph.objects(entity, predicate) if isinstance(v, Literal)]
        return sorted([str(v), v.language or ""] for v in values)

    related = [
        [local_name(predicate), ids[str(value)]]
        for predicate in RELATIONS
        for value in sorted(graph.objects(entity, predicate), key=str)
        if str(value) in ids
    ]
    related_from = [
        [local_name(predicate), ids[str(subject)]]
        for predicate in RELATIONS
        for subject in sorted(graph.subjects(predicate, entity), key=str)
        if str(subject) in ids and graph.value(subject, RDF.type) != KG.Talk
    ]
    talks = sorted(
        (source for source in network.predecessors(str(entity))),
        key=lambda iri: (network.nodes[iri]["label"], iri),
    )
    return {
        "prefLabels": labels(SKOS.prefLabel),
        "altLabels": labels(SKOS.altLabel),
        "foundBy": str(graph.value(entity, KG._NS["foundBy"]) or "gazetteer"),
        "related": related,
        "relatedFrom": related_from,
        "talks": [ids[iri] for iri in talks if network.nodes[iri]["kind"] == "talk"],
    }


def _layout(
    network: Any, talk_track: dict[str, int]
) -> tuple[dict[str, tuple[int, int]], list[dict[str, Any]]]:
    """Fixed positions, in time linear in the graph, and the track groups to draw.

    Each track is a disc: its talks on a sunflower spiral (the most linked in the middle), each
    with the entities that only it names around it. The discs sit on a ring, similar tracks side
    by side. An entity named by several talks sits inside the ring in the direction of the tracks
    that name it, as far out as those talks agree: one of a single track lies next to that
    track's disc, one named all around lies near the middle. Overlapping nodes are pushed apart.
    A person sits beside their talks.
    """
    kinds = dict(network.nodes(data="kind"))
    sizes = {node: _size(kinds[node], network.degree(node)) for node in network}
    talks = sorted(talk_track, key=lambda iri: (-network.degree(iri), iri))
    entities = [iri for iri, kind in kinds.items() if kind not in ("talk", "person")]
    named_by = {e: [t for t in network.predecessors(e) if t in talk_track] for e in entities}
    satellites: dict[str, list[str]] = {}
    for entity in entities:
        if len(named_by[entity]) == 1:
            satellites.setdefault(named_by[entity][0], []).append(entity)
    members = {
        g: [t for t in talks if talk_track[t] == g] for g in sorted(set(talk_track.values()))
    }
    local: dict[str, tuple[float, float]] = {}  # positions inside each disc, around (0, 0)
    radius: dict[int, float] = {}
    for group, group_talks in members.items():
        placed = {}
        for index, talk in enumerate(group_talks):
            r = TALK_SPACING * math.sqrt(index + 0.5)
            x, y = r * math.cos(index * GOLDEN_ANGLE), r * math.sin(index * GOLDEN_ANGLE)
            placed[talk] = (x, y)
            around = satellites.get(talk, [])
            for turn, entity in enumerate(around):
                angle = 2 * math.pi * turn / len(around) + index
                reach = 8 + sizes[entity]
                placed[entity] = (x + reach * math.cos(angle), y + reach * math.sin(angle))
        _push_apart(placed, {node: sizes[node] for node in placed})
        local.update(placed)
        radius[group] = max(math.hypot(*placed[n]) + sizes[n] for n in placed) + 8
    order = _ring_order(network, members)
    circumference = sum(2 * radius[g] + GROUP_GAP for g in order)
    shared = [e for e in entities if e not in local]
    inner = 24 * math.sqrt(len(shared) + 1) + 60
    widest = max(radius.values(), default=0.0)
    ring = max(circumference / (2 * math.pi), inner + widest)
    positions: dict[str, tuple[float, float]] = {}
    angles, drawn, walked = {}, [], 0.0
    for group in order:
        share = 2 * radius[group] + GROUP_GAP
        angle = 2 * math.pi * (walked + share / 2) / circumference - math.pi / 2
        walked += share
        angles[group] = angle
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        for node in members[group]:
            for item in (node, *satellites.get(node, [])):
                positions[item] = (cx + local[item][0], cy + local[item][1])
        label = ring + radius[group] + 16
        drawn.append(
            {
                "track": group,
                "x": round(cx),
                "y": round(cy),
                "r": round(radius[group]),
                "lx": round(label * math.cos(angle)),
                "ly": round(label * math.sin(angle)),
            }
        )
    inward = ring - widest - 40
    for entity in shared:
        x = y = 0.0
        for talk in named_by[entity]:
            x += math.cos(angles[talk_track[talk]])
            y += math.sin(angles[talk_track[talk]])
        scale = inward / max(1, len(named_by[entity]))
        positions[entity] = (x * scale, y * scale)
    _push_apart(positions, {e: sizes[e] for e in shared})
    for number, person in enumerate(iri for iri, kind in kinds.items() if kind == "person"):
        near = [positions[t] for t in network.predecessors(person) if t in positions]
        x = sum(p[0] for p in near) / len(near) if near else 0.0
        y = sum(p[1] for p in near) / len(near) if near else 0.0
        angle = number * GOLDEN_ANGLE
        positions[person] = (x + 10 * math.cos(angle), y + 10 * math.sin(angle))
    for node in network:
        positions.setdefault(node, (0.0, 0.0))
    rounded = {node: (round(x), round(y)) for node, (x, y) in positions.items()}
    return rounded, drawn


def _ring_order(network: Any, members: dict[int, list[str]]) -> list[int]:
    """The track groups in ring order: from the biggest, each next one the most similar (cosine
    of the entities their talks name) to the last placed."""
    profile: dict[int, dict[str, int]] = {}
    for group, talks in members.items():
        counts = profile.setdefault(group, {})
        for talk in talks:
            for entity in network.successors(talk):
                counts[entity] = counts.get(entity, 0) + 1

    def similarity(a: int, b: int) -> float:
        shared = sum(n * profile[b].get(e, 0) for e, n in profile[a].items())
        norm = math.sqrt(
            sum(n * n for n in profile[a].values()) * sum(n * n for n in profile[b].values())
        )
        return shared / norm if norm else 0.0

    left = sorted(members, key=lambda g: (-len(members[g]), g))
    order = left[:1]
    left = left[1:]
    while left:
        best = max(left, key=lambda g: (similarity(order[-1], g), -g))
        order.append(best)
        left.remove(best)
    return order


def _push_apart(positions: dict[str, tuple[float, float]], sizes: dict[str, int]) -> None:
    """Move the nodes of `sizes` until no two overlap (or `RELAX_STEPS` rounds): each round looks
    only at neighbours in a grid, so it is linear in the number of nodes."""
    if not sizes:
        return
    cell = 2 * max(sizes.values()) + ENTITY_GAP
    points = {node: list(positions[node]) for node in sorted(sizes)}
    for node, point in points.items():  # nodes on the same spot: spread them on a spiral
        index = sum(map(ord, node)) % 97
        point[0] += 3 * math.cos(index * GOLDEN_ANGLE)
        point[1] += 3 * math.sin(index * GOLDEN_ANGLE)
    for _ in range(RELAX_STEPS):
        grid: dict[tuple[int, int], list[str]] = {}
        for node, (x, y) in points.items():
            grid.setdefault((math.floor(x / cell), math.floor(y / cell)), []).append(node)
        moved = False
        for node, point in points.items():
            gx, gy = math.floor(point[0] / cell), math.floor(point[1] / cell)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for other in grid.get((gx + dx, gy + dy), ()):
                        if other <= node:
                            continue
                        there = points[other]
                        ex, ey = there[0] - point[0], there[1] - point[1]
                        distance = math.hypot(ex, ey) or 0.01
                        wanted = sizes[node] + sizes[other] + ENTITY_GAP
                        if distance >= wanted:
                            continue
                        push = (wanted - distance) / 2 / distance
                        point[0] -= ex * push
                        point[1] -= ey * push
                        there[0] += ex * push
                        there[1] += ey * push
                        moved = True
        if not moved:
            break
    for node, (x, y) in points.items():
        positions[node] = (x, y)

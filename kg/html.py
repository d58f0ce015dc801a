"""Draw the exported graph as one self-contained, interactive HTML page (pyvis + vis-network).

pyvis builds the nodes and edges; the page comes from our own template (kg/templates/graph.html)
rendered by pyvis's `generate_html`, because pyvis 0.3.2's own template loads Bootstrap and
tom-select from a CDN, does not autoescape, and, when a tooltip contains "href", shows tooltips
with `innerHTML`. Our template
- inlines vis-network from the copy bundled inside the pyvis package (no network needed),
- carries all table text as JSON in `<script type="application/json">` blocks, with `<`, `>`,
  `&`, U+2028 and U+2029 escaped (`script_json`), and its script writes that text into the page
  with `textContent` and text nodes only, never as HTML,
- draws the graph from positions computed here (networkx); a small graph then settles in the page
  (200 physics steps, about a second) and stops moving, a big one is drawn as it is.
The same graph always gives the same bytes.
"""

from __future__ import annotations

import colorsys
import json
import math
import re
import unicodedata
from dataclasses import asdict
from importlib.resources import files
from typing import Any

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kg.ontology import KG
from kg.rdf import evidence
from kg.stats import RELATIONS, TALK_LINKS, compute, english, local_name, to_networkx

# How each kind of node looks: (legend label, vis shape, colour). Talks take their track's colour.
KIND_STYLE = {
    "talk": ("Talk", "dot", "#9e9e9e"),
    "organization": ("Organization", "square", "#d62728"),
    "ray-library": ("Ray library", "star", "#ff7f0e"),
    "technique": ("Technique", "diamond", "#2ca02c"),
    "hardware": ("Hardware", "triangle", "#8c564b"),
    "software": ("Software", "hexagon", "#1f77b4"),
    "model": ("Model", "triangleDown", "#9467bd"),
    "person": ("Person", "box", "#e377c2"),
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
SHORT_LABEL = 28
SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
LAYOUT_SEED = 7
LAYOUT_SCALE = 450  # the layout's half-width in canvas pixels at 100 nodes; grows with sqrt(n)
SETTLE_LIMIT = 500  # below this many nodes, the page refines the layout (200 physics steps)
TALK_SPACING = 14  # pixels between talks that share a spot
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: it cannot close the element, open a
    comment, or end a JavaScript string early (U+2028/2029)."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_ESCAPES[m.group()], text))


def render_html(graph: Graph) -> str:
    """The page for `graph`: talks, the entities they link to, search, filters and analytics."""
    from jinja2 import Environment, PackageLoader
    from markupsafe import Markup
    from pyvis.network import Network

    page = page_data(graph)
    network = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in page.pop("vis_nodes"):
        network.add_node(node.pop("id"), **node)
    for edge in page.pop("vis_edges"):
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


def page_data(graph: Graph) -> dict[str, Any]:
    """Everything the page shows, as plain data: the vis nodes and edges, and for each node the
    details of the side panel (by node index), the tracks, the legend and the analytics."""
    network = to_networkx(graph)
    ids = {iri: index for index, iri in enumerate(network.nodes)}
    tracks = _tracks(graph)
    track_index = {iri: index for index, (iri, _, _, _) in enumerate(tracks)}
    positions = _layout(network, graph)
    vis_nodes, details = [], []
    for iri, data in network.nodes(data=True):
        subject = URIRef(iri)
        kind = data["kind"]
        degree = network.degree(iri)
        if kind == "talk":
            track = graph.value(subject, KG.track)
            index = track_index.get(str(track), -1)
            color = tracks[index][3] if index >= 0 else KIND_STYLE["talk"][2]
            detail = _talk(graph, subject, ids, index)
            hover = f"{data['label']}\n{tracks[index][1] if index >= 0 else ''}".strip()
        else:
            color = KIND_STYLE[kind][2]
            detail = _entity(graph, subject, ids, network)
            hover = f"{data['label']} ({KIND_STYLE[kind][0]}, {degree} links)"
        x, y = positions[iri]
        vis_nodes.append(
            {
                "id": ids[iri],
                "label": short(data["label"]) if kind == "talk" else data["label"],
                "title": hover,
                "shape": KIND_STYLE[kind][1],
                "color": color,
                "size": _size(kind, degree),
                "font": {"size": 10 if kind == "talk" else 15},
                "x": x,
                "y": y,
            }
        )
        details.append({"kind": kind, "label": data["label"], "iri": iri, **detail})
    vis_edges = []
    for source, target in network.edges:
        edge: dict[str, Any] = {"from": ids[source], "to": ids[target]}
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
        "tracks": [{"label": label, "zh": zh, "color": color} for _, label, zh, color in tracks],
        "links": LINK_TITLES,
        "stats": asdict(compute(graph)),
        "settle": len(vis_nodes) < SETTLE_LIMIT,
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
    """Node size grows with the logarithm of its degree; talks stay small."""
    if kind == "talk":
        return 6 + round(2 * math.log2(1 + degree))
    return min(48, 10 + round(5 * math.log2(1 + degree)))


def _tracks(graph: Graph) -> list[tuple[str, str, str, str]]:
    """Each track used by a talk: IRI, English label, Chinese label, colour (pastel hues)."""
    used = sorted({str(track) for track in graph.objects(None, KG.track)})
    result = []
    for index, iri in enumerate(used):
        zh = next(
            (
                str(value)
                for value in graph.objects(URIRef(iri), SKOS.prefLabel)
                if isinstance(value, Literal) and value.language == "zh"
            ),
            "",
        )
        red, green, blue = colorsys.hls_to_rgb(index / max(1, len(used)), 0.72, 0.6)
        color = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
        result.append((iri, english(graph, URIRef(iri)), zh, color))
    return result


def _talk(graph: Graph, talk: URIRef, ids: dict[str, int], track: int) -> dict[str, Any]:
    event = graph.value(talk, KG.event)
    summary = graph.value(talk, KG.summary)
    links: dict[str, dict[str, Any]] = {}
    for predicate in TALK_LINKS:
        for value in sorted(graph.objects(talk, predicate), key=str):
            if str(value) in ids:
                link = links.setdefault(str(value), {"entity": ids[str(value)], "props": []})
                link["props"].append(local_name(predicate))
    for row in evidence(graph, talk):
        if row.entity not in links:
            continue
        groups = links[row.entity].setdefault("groups", {})
        begin, end = row.start - row.sentence_start, row.end - row.sentence_start
        groups.setdefault((row.field, row.sentence), set()).add((begin, end))
    for link in links.values():
        link["props"].sort()
        groups = link.pop("groups", {})
        link["evidence"] = [
            {"field": field, "parts": _parts(sentence, ranges)}
            for (field, sentence), ranges in sorted(groups.items())
        ]
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
        "related": related,
        "relatedFrom": related_from,
        "talks": [ids[iri] for iri in talks if network.nodes[iri]["kind"] == "talk"],
    }


def _layout(network: Any, graph: Graph) -> dict[str, tuple[int, int]]:
    """Fixed positions: for a big graph in linear time in the number of talks.

    networkx's spring layout (seeded) places a small skeleton: the entities and one anchor per
    track, joined by how many talks name both. Each talk then sits at the mean of its entities
    and its track's anchor, and the talks that share a spot are spread on a sunflower spiral
    around it. A spring layout of every talk would take about 15 s at 2,000 talks (and a physics
    simulation in the page 20-40 s); see benchmarks/html_layout.md. In a graph of fewer than
    `SETTLE_LIMIT` nodes the page then lets vis-network's forceAtlas2 settle the nodes from
    there, which spreads the talks apart in about a second, and stops it.
    """
    import networkx as nx

    talks = [iri for iri, kind in network.nodes(data="kind") if kind == "talk"]
    track_of = {iri: f"track {graph.value(URIRef(iri), KG.track)}" for iri in talks}
    skeleton = nx.Graph()
    skeleton.add_nodes_from(iri for iri, kind in network.nodes(data="kind") if kind != "talk")
    skeleton.add_nodes_from(sorted(set(track_of.values())))
    for source, target in network.edges:
        if source not in track_of:
            skeleton.add_edge(source, target, weight=1)
    for talk in talks:
        around = [*sorted(network.successors(talk)), track_of[talk]]
        for index, first in enumerate(around):
            for second in around[index + 1 :]:
                weight = skeleton.get_edge_data(first, second, {"weight": 0})["weight"]
                skeleton.add_edge(first, second, weight=weight + 1)
    scale = LAYOUT_SCALE * math.sqrt(max(1, len(network)) / 100)
    found = nx.spring_layout(skeleton, seed=LAYOUT_SEED, scale=scale, weight="weight")
    positions = {node: (float(x), float(y)) for node, (x, y) in found.items()}
    spots: dict[tuple[str, ...], list[str]] = {}
    for talk in talks:
        spots.setdefault((*sorted(network.successors(talk)), track_of[talk]), []).append(talk)
    for anchors, members in spots.items():
        x = sum(positions[anchor][0] for anchor in anchors) / len(anchors)
        y = sum(positions[anchor][1] for anchor in anchors) / len(anchors)
        for index, talk in enumerate(members):
            radius = TALK_SPACING * math.sqrt(index + 0.5)
            angle = index * GOLDEN_ANGLE
            positions[talk] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
    return {node: (round(positions[node][0]), round(positions[node][1])) for node in network}

"""Draw the exported graph as one self-contained, interactive HTML page (pyvis)."""

from __future__ import annotations

import html

from rdflib import RDF, RDFS, Graph

from kg.ontology import KG, KIND_OF_CLASS


def render_html(graph: Graph) -> str:
    """The page for `graph`: talks and the entities they link to."""
    from pyvis.network import Network

    network = Network(height="800px", width="100%", cdn_resources="in_line", directed=True)
    nodes = {}
    for talk in sorted(graph.subjects(RDF.type, KG.Talk), key=str):
        nodes[talk] = "talk"
    for cls, kind in sorted(KIND_OF_CLASS.items()):
        for entity in sorted(graph.subjects(RDF.type, cls), key=str):
            nodes[entity] = kind
    for node, kind in nodes.items():
        label = str(graph.value(node, RDFS.label) or node)
        network.add_node(
            str(node), label=html.escape(label[:40]), title=html.escape(label), group=kind
        )
    for predicate in sorted(set(graph.predicates()), key=str):
        if predicate == KG.evidence:
            continue
        for subject, value in sorted(graph.subject_objects(predicate)):
            if subject in nodes and value in nodes and nodes[subject] == "talk":
                network.add_edge(str(subject), str(value))
    return network.generate_html()

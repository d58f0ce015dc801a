"""Export talks and their links as RDF (the export contract is in the README), and check it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.claims import Claim
from kg.errors import ValidationError
from kg.extract import Link
from kg.ontology import (
    DEFAULT_BASE,
    KG,
    KINDS,
    PROV,
    SCHEMA,
    Gazetteer,
    key_of,
    read_ontology,
    slug,
    track_key,
)
from kg.table import Talk, by_talk

CJK = re.compile(r"[\u3400-\u9fff]")
# What an exported entity carries over from the gazetteer, and what it pulls in with it.
ENTITY_PROPERTIES = (RDF.type, SKOS.prefLabel, SKOS.altLabel, SKOS.broader, KG.vendor, KG.developer)
RELATED = (SKOS.broader, KG.vendor, KG.developer, KG.affiliation)
PART_PROPERTY = {"结论": KG.conclusion}


def language(text: str) -> str:
    return "zh" if CJK.search(text) else "en"


def talk_iri(base: str, talk: Talk) -> URIRef:
    return URIRef(f"{base}talk/{slug(talk.event)}/{slug(talk.title)}")


def to_graph(
    gazetteer: Gazetteer,
    talks: Iterable[Talk],
    links: Iterable[Link],
    base: str = DEFAULT_BASE,
    claims: Iterable[Claim] = (),
) -> Graph:
    """The export: vocabulary, talks, their links with evidence and claims, every linked entity."""
    graph = Graph()
    bind_prefixes(graph, base)
    graph += read_ontology("kg.ttl")
    talks = list(talks)
    links_of, claims_of = by_talk(links), by_talk(claims)
    linked: set[str] = set()
    for talk in talks:
        subject = talk_iri(base, talk)
        _add_talk(graph, gazetteer, talk, subject, base)
        for item in links_of.get((talk.source, talk.line), []):
            linked.add(item.entity)
            _add_link(graph, subject, item, base)
        for claim in claims_of.get((talk.source, talk.line), []):
            _add_claim(graph, subject, claim)
    _add_entities(graph, gazetteer, linked, base)
    return graph


def bind_prefixes(graph: Graph, base: str) -> None:
    graph.bind("kg", KG._NS)
    graph.bind("skos", SKOS)
    graph.bind("prov", PROV)
    graph.bind("schema", SCHEMA)
    graph.bind("owl", OWL)
    for segment in ("talk", "event", "track", "source", *KINDS):
        graph.bind(segment.replace("-", ""), f"{base}{segment}/")


def _add_talk(graph: Graph, gazetteer: Gazetteer, talk: Talk, subject: URIRef, base: str) -> None:
    event = URIRef(f"{base}event/{slug(talk.event)}")
    graph.add((event, RDF.type, KG.Event))
    graph.add((event, RDFS.label, Literal(talk.event, lang=language(talk.event))))
    track = URIRef(base + track_key(gazetteer, talk.track))
    _add_track(graph, gazetteer, track, talk.track, base)
    source = URIRef(f"{base}source/{slug(talk.source)}")
    graph.add((source, RDF.type, KG.Source))
    graph.add((source, RDFS.label, Literal(talk.source)))
    graph.add((subject, RDF.type, KG.Talk))
    graph.add((subject, RDFS.label, Literal(talk.title, lang=language(talk.title))))
    graph.add((subject, KG.track, track))
    graph.add((subject, KG.event, event))
    graph.add((subject, KG.keynote, Literal(talk.keynote)))
    graph.add((subject, KG.sourceFile, Literal(talk.source)))
    graph.add((subject, KG.sourceLine, Literal(talk.line)))
    graph.add((subject, PROV.wasDerivedFrom, source))
    if talk.summary_missing:
        graph.add((subject, KG.summaryMissing, Literal(True)))
        return
    graph.add((subject, KG.summary, Literal(talk.summary, lang=language(talk.summary))))
    for label, text in talk.parts:
        if label or len(talk.parts) > 1:
            part = PART_PROPERTY.get(label, KG.description)
            graph.add((subject, part, Literal(text, lang=language(text))))


def _add_track(graph: Graph, gazetteer: Gazetteer, track: URIRef, label: str, base: str) -> None:
    source = URIRef(DEFAULT_BASE + str(track)[len(base) :])
    if (source, RDF.type, KG.Track) in gazetteer.graph:
        for predicate, value in gazetteer.graph.predicate_objects(source):
            graph.add((track, predicate, _rebase(value, base)))
        english = [
            value
            for value in gazetteer.graph.objects(source, SKOS.prefLabel)
            if isinstance(value, Literal) and value.language == "en"
        ]
        graph.add((track, RDFS.label, Literal(str(english[0] if english else label), lang="en")))
    else:
        graph.add((track, RDF.type, KG.Track))
        graph.add((track, SKOS.prefLabel, Literal(label, lang=language(label))))
        graph.add((track, RDFS.label, Literal(label, lang=language(label))))


def _add_link(graph: Graph, subject: URIRef, item: Link, base: str) -> None:
    entity = URIRef(base + item.entity)
    properties = [KG.presentedBy, KG.mentionsOrganization] if item.role == "presenter" else []
    properties = properties or [KINDS[item.role][1]]
    for predicate in properties:
        graph.add((subject, predicate, entity))
    for mention in item.evidence:
        node = URIRef(
            f"{subject}/evidence/{mention.field}-{mention.start}-{mention.end}-{item.role}"
        )
        graph.add((subject, KG.evidence, node))
        graph.add((node, RDF.type, KG.Evidence))
        graph.add((node, KG.entity, entity))
        graph.add((node, KG.link, properties[0]))
        graph.add((node, KG.field, Literal(mention.field)))
        graph.add((node, KG.start, Literal(mention.start)))
        graph.add((node, KG.end, Literal(mention.end)))
        graph.add((node, KG.matchedText, Literal(mention.text)))
        graph.add((node, KG.sentence, Literal(mention.sentence)))
        graph.add((node, KG.gazetteerLabel, Literal(mention.label)))


def _add_claim(graph: Graph, subject: URIRef, claim: Claim) -> None:
    node = URIRef(f"{subject}/claim/{claim.field}-{claim.start}-{claim.end}")
    graph.add((subject, KG.claim, node))
    graph.add((node, RDF.type, KG.Claim))
    graph.add((node, KG.value, Literal(Decimal(claim.value))))
    if claim.high is not None:
        graph.add((node, KG.maxValue, Literal(Decimal(claim.high))))
    graph.add((node, KG.unit, Literal(claim.unit)))
    graph.add((node, KG.statement, Literal(claim.statement, lang=language(claim.statement))))
    graph.add((node, KG.field, Literal(claim.field)))
    graph.add((node, KG.start, Literal(claim.start)))
    graph.add((node, KG.end, Literal(claim.end)))
    graph.add((node, KG.matchedText, Literal(claim.text)))
    graph.add((node, KG.sentence, Literal(claim.sentence)))


def _add_entities(graph: Graph, gazetteer: Gazetteer, keys: set[str], base: str) -> None:
    """Copy each linked entity from the gazetteer, with what it is related to (broader concepts,
    vendors, developers, affiliations), so that hierarchy queries and shapes hold."""
    pending, done = sorted(keys), set()
    while pending:
        key = pending.pop()
        if key in done or key not in gazetteer.entities:
            continue
        done.add(key)
        source = URIRef(DEFAULT_BASE + key)
        subject = URIRef(base + key)
        entity = gazetteer.entities[key]
        for predicate in (*ENTITY_PROPERTIES, KG.affiliation):
            for value in gazetteer.graph.objects(source, predicate):
                graph.add((subject, predicate, _rebase(value, base)))
                if predicate in RELATED:
                    pending.append(key_of(value))
        label = entity.label
        if entity.kind == "person":
            label = next(
                (
                    str(v)
                    for v in gazetteer.graph.objects(source, SKOS.prefLabel)
                    if isinstance(v, Literal) and v.language == "zh"
                ),
                label,
            )
        graph.add((subject, RDFS.label, Literal(label, lang=language(label))))


def _rebase(value: Node, base: str) -> Node:
    if isinstance(value, URIRef) and str(value).startswith(DEFAULT_BASE):
        return URIRef(base + str(value)[len(DEFAULT_BASE) :])
    return value


def serialize(graph: Graph) -> bytes:
    """Turtle, the same bytes for the same graph."""
    return graph.serialize(format="turtle", encoding="utf-8")


def validate(graph: Graph) -> None:
    """Check the graph against ontology/shapes.ttl; raise `ValidationError` with pySHACL's report."""
    from pyshacl import validate as shacl_validate

    conforms, _, report = shacl_validate(
        graph, shacl_graph=read_ontology("shapes.ttl"), inference="none", advanced=False
    )
    if not conforms:
        raise ValidationError(str(report))

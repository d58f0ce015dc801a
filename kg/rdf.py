"""Export talks and their links as RDF (the export contract is in the README), and check it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.claims import Claim
from kg.errors import ValidationError
from kg.extract import Link, Mention
from kg.ontology import (
    DEFAULT_BASE,
    ITSRDF,
    KG,
    KINDS,
    NIF,
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


@dataclass(frozen=True, order=True)
class Sentence:
    """A sentence with evidence in it, stored once: a nif:Context (`iri`) whose text is `text`,
    at `start` of the talk's `field`."""

    iri: str
    field: str
    start: int
    text: str


@dataclass(frozen=True, order=True)
class Phrase:
    """One place of a talk's text that names a linked entity (a nif:Phrase, a blank node under
    kg:evidence): `begin`:`end` of `sentence`, supporting the talk's `links` to `entity`."""

    node: str  # the blank node's id
    entity: str
    links: tuple[str, ...]
    sentence: Sentence
    begin: int
    end: int
    words: str
    method: str
    confidence: str  # an xsd:decimal's lexical form


def evidence_of(base: str, talk: Talk, items: Iterable[Link]) -> list[Phrase]:
    """The evidence of a talk's links: one phrase per place and entity (the links it supports
    merged), each pointing into its sentence. Sorted by blank node id, as a graph sorts them."""
    subject = str(talk_iri(base, talk))
    texts = {"title": talk.title, "summary": talk.summary}
    found: dict[tuple[str, int, int, str], tuple[Mention, list[str]]] = {}
    for item in items:
        entity = base + item.entity
        link = KG.presentedBy if item.role == "presenter" else KINDS[item.role][1]
        for mention in item.evidence:
            key = (mention.field, mention.start, mention.end, entity)
            first, links = found.setdefault(key, (mention, []))
            links.append(str(link))
            if mention < first:
                found[key] = (mention, links)
    phrases = []
    for (field, start, end, entity), (mention, links) in found.items():
        offset, sentence = (
            _sentence_start(texts[field], mention.sentence, start, end),
            mention.sentence,
        )
        if offset < 0:  # no sentence around the words: they are their own context
            offset, sentence = start, mention.text
        digest = _digest(subject, field, str(offset), str(len(sentence)))
        phrases.append(
            Phrase(
                node="e" + _digest(subject, field, str(start), str(end), entity),
                entity=entity,
                links=tuple(sorted(set(links))),
                sentence=Sentence(f"{base}sentence/{digest}", field, offset, sentence),
                begin=start - offset,
                end=end - offset,
                words=mention.text,
                method=mention.method,
                confidence=repr(round(float(mention.confidence), 3)),
            )
        )
    return sorted(phrases)


def _sentence_start(text: str, sentence: str, start: int, end: int) -> int:
    """Where `sentence`, a piece of `text` around `start`:`end`, begins in it; -1 if nowhere."""
    offset = text.find(sentence, max(0, end - len(sentence)))
    while 0 <= offset <= start:
        if end <= offset + len(sentence):
            return offset
        offset = text.find(sentence, offset + 1)
    return -1


def _digest(*parts: str) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


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
        items = links_of.get((talk.source, talk.line), [])
        for item in items:
            linked.add(item.entity)
            _add_link(graph, subject, item, base)
        for phrase in evidence_of(base, talk, items):
            _add_phrase(graph, subject, phrase)
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
    graph.bind("nif", NIF._NS)
    graph.bind("itsrdf", ITSRDF._NS)
    for segment in ("talk", "event", "track", "source", "sentence", *KINDS):
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


def _add_phrase(graph: Graph, subject: URIRef, phrase: Phrase) -> None:
    node, sentence = BNode(phrase.node), URIRef(phrase.sentence.iri)
    graph.add((subject, KG.evidence, node))
    graph.add((node, RDF.type, NIF.Phrase))
    graph.add((node, ITSRDF.taIdentRef, URIRef(phrase.entity)))
    for link in phrase.links:
        graph.add((node, KG.link, URIRef(link)))
    graph.add((node, NIF.referenceContext, sentence))
    graph.add((node, NIF.beginIndex, Literal(phrase.begin)))
    graph.add((node, NIF.endIndex, Literal(phrase.end)))
    graph.add((node, NIF.anchorOf, Literal(phrase.words)))
    graph.add((node, KG.method, Literal(phrase.method)))
    graph.add((node, KG.confidence, Literal(Decimal(phrase.confidence))))
    graph.add((sentence, RDF.type, NIF.Context))
    graph.add((sentence, NIF.isString, Literal(phrase.sentence.text)))
    graph.add((sentence, KG.field, Literal(phrase.sentence.field)))
    graph.add((sentence, KG.start, Literal(phrase.sentence.start)))


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
        if entity.found_by != "gazetteer":
            graph.add((subject, KG.foundBy, Literal(entity.found_by)))


def _rebase(value: Node, base: str) -> Node:
    if isinstance(value, URIRef) and str(value).startswith(DEFAULT_BASE):
        return URIRef(base + str(value)[len(DEFAULT_BASE) :])
    return value


@dataclass(frozen=True, order=True)
class EvidenceRow:
    """One piece of evidence read back from an export: the words `start`:`end` of a talk's
    `field` (`sentence_start`:... of it is `sentence`) name `entity`, supporting `link`."""

    talk: str
    entity: str
    link: str
    field: str
    start: int
    end: int
    words: str
    sentence: str
    sentence_start: int
    method: str
    confidence: float


def evidence(graph: Graph, talk: Node | None = None) -> list[EvidenceRow]:
    """Every piece of evidence of an export (of one `talk`, if given), a row per link it
    supports, sorted. The one reader of the evidence model, for views and tools."""
    if talk is None:
        pairs: Iterable[tuple[Node, Node]] = graph.subject_objects(KG.evidence)
    else:
        pairs = ((talk, node) for node in graph.objects(talk, KG.evidence))
    rows = []
    for subject, node in pairs:
        context = graph.value(node, NIF.referenceContext)
        values = (
            graph.value(node, NIF.beginIndex),
            graph.value(node, NIF.endIndex),
            graph.value(context, KG.start) if context is not None else None,
        )
        if not all(isinstance(v, Literal) and str(v).isdigit() for v in values):
            continue  # not evidence of this model
        begin, end, offset = (int(str(v)) for v in values)
        for link in graph.objects(node, KG.link):
            rows.append(
                EvidenceRow(
                    talk=str(subject),
                    entity=str(graph.value(node, ITSRDF.taIdentRef) or ""),
                    link=str(link),
                    field=str(graph.value(context, KG.field) or ""),
                    start=offset + begin,
                    end=offset + end,
                    words=str(graph.value(node, NIF.anchorOf) or ""),
                    sentence=str(graph.value(context, NIF.isString) or ""),
                    sentence_start=offset,
                    method=str(graph.value(node, KG.method) or ""),
                    confidence=float(str(graph.value(node, KG.confidence) or "nan")),
                )
            )
    return sorted(rows)


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

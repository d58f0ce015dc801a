"""Export talks and their links as RDF (the export contract is in the README), and check it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ValidationError
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
from kg.shacl import Value
from kg.table import Talk, by_talk

if TYPE_CHECKING:  # at run time, kg.rdf needs neither spaCy nor the extractor
    from kg.claims import Claim
    from kg.extract import Link, Mention

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
    method: str  # its confidence is the method's (CONFIDENCE, and ontology/kg.ttl)


def evidence_of(base: str, talk: Talk, items: Iterable[Link]) -> list[Phrase]:
    """The evidence of a talk's links: one phrase per place and entity (the links it supports
    merged), each pointing into its sentence. Sorted by blank node id, as a graph sorts them."""
    subject = str(talk_iri(base, talk))
    texts = {"title": talk.title, "summary": talk.summary}
    found: dict[tuple[str, int, int, str], tuple[Mention, list[str]]] = {}
    for item in items:
        entity = base + item.entity
        link = P.presentedBy if item.role == "presenter" else P.mentions[item.role]
        for mention in item.evidence:
            key = (mention.field, mention.start, mention.end, entity)
            first, links = found.setdefault(key, (mention, []))
            links.append(link)
            if mention < first:
                found[key] = (mention, links)
    phrases = []
    for (field, start, end, entity), (mention, links) in found.items():
        sentence = sentence_of(base, subject, field, texts[field], mention.sentence, start, end)
        phrases.append(
            Phrase(
                node="e" + _digest(subject, field, str(start), str(end), entity),
                entity=entity,
                links=tuple(sorted(set(links))),
                sentence=sentence,
                begin=start - sentence.start,
                end=end - sentence.start,
                words=mention.text,
                method=mention.method,
            )
        )
    return sorted(phrases)


def sentence_of(
    base: str, subject: str, field: str, text: str, sentence: str, start: int, end: int
) -> Sentence:
    """The sentence context of the words `start`:`end` of a talk's `field` (`text`), whose
    sentence is `sentence`; words with no sentence around them are their own context."""
    offset = _sentence_start(text, sentence, start, end)
    if offset < 0:
        offset, sentence = start, text[start:end]
    digest = _digest(subject, field, str(offset), str(len(sentence)))
    return Sentence(f"{base}sentence/{digest}", field, offset, sentence)


def part_spans(summary: str, parts: tuple[tuple[str, str], ...]) -> list[tuple[str, int, int]]:
    """Where each (label, text) part (kg.table.summary_parts) stands in `summary`: (label,
    start, end), code points."""
    spans, position = [], 0
    for label, text in parts:
        start = summary.find(text, position)
        position = start + len(text)
        spans.append((label, start, position))
    return spans


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


# A talk's triples as values (kg.shacl's form): (0, IRI), (1, language or "", text),
# (2, lexical form, datatype), (3, blank node id). Subject: predicate IRI -> its values.
Subject = dict[str, set[Value]]
INTEGER, BOOLEAN, DECIMAL = str(XSD.integer), str(XSD.boolean), str(XSD.decimal)


def _text(text: str, lang: str | None = None) -> Value:
    return (1, lang or "", text)


def _integer(number: int) -> Value:
    return (2, str(number), INTEGER)


def _boolean(value: bool) -> Value:
    return (2, "true" if value else "false", BOOLEAN)


def _decimal(number: str) -> Value:
    return (2, f"{Decimal(number):f}", DECIMAL)


class P:
    """The IRIs of a talk's nodes as strings, looked up once: `talk_nodes` makes a hundred
    triples a talk, and every attribute of a DefinedNamespace (KG, NIF) is a function call."""

    type, label, wasDerivedFrom = str(RDF.type), str(RDFS.label), str(PROV.wasDerivedFrom)
    Talk, Claim, Phrase, Context = str(KG.Talk), str(KG.Claim), str(NIF.Phrase), str(NIF.Context)
    track, event, keynote = str(KG.track), str(KG.event), str(KG.keynote)
    sourceFile, sourceLine = str(KG.sourceFile), str(KG.sourceLine)
    summary, summaryMissing = str(KG.summary), str(KG.summaryMissing)
    description, parts = str(KG.description), {k: str(v) for k, v in PART_PROPERTY.items()}
    presentedBy, mentionsOrganization = str(KG.presentedBy), str(KG.mentionsOrganization)
    mentions = {kind: str(prop) for kind, (_, prop) in KINDS.items()}
    evidence, link, method, field = str(KG.evidence), str(KG.link), str(KG.method), str(KG.field)
    taIdentRef, referenceContext = str(ITSRDF.taIdentRef), str(NIF.referenceContext)
    beginIndex, endIndex, anchorOf = str(NIF.beginIndex), str(NIF.endIndex), str(NIF.anchorOf)
    isString, start, end = str(NIF.isString), str(KG.start), str(KG.end)
    claim, value, maxValue, unit = str(KG.claim), str(KG.value), str(KG.maxValue), str(KG.unit)
    statement, matchedText, sentence = str(KG.statement), str(KG.matchedText), str(KG.sentence)


@cache
def _method(name: str) -> str:
    return str(KG[name])


def talk_nodes(
    gazetteer: Gazetteer, base: str, talk: Talk, items: list[Link], claims: list[Claim]
) -> dict[str, Subject]:
    """Every triple of one talk: the talk, its claims, its evidence phrases (blank nodes) and the
    sentences they point into, by node. The one definition; kg.turtle writes it, kg.shacl checks
    it and `to_graph` makes an rdflib graph of it."""
    subject = str(talk_iri(base, talk))
    own: Subject = {}
    nodes = {subject: own}

    def add(predicate: str, value: Value, node: Subject = own) -> None:
        node.setdefault(predicate, set()).add(value)

    add(P.type, (0, P.Talk))
    add(P.label, _text(talk.title, language(talk.title)))
    add(P.track, (0, base + track_key(gazetteer, talk.track)))
    add(P.event, (0, f"{base}event/{slug(talk.event)}"))
    add(P.keynote, _boolean(talk.keynote))
    add(P.sourceFile, _text(talk.source))
    add(P.sourceLine, _integer(talk.line))
    add(P.wasDerivedFrom, (0, f"{base}source/{slug(talk.source)}"))
    if talk.summary_missing:
        add(P.summaryMissing, _boolean(True))
    else:
        add(P.summary, _text(talk.summary, language(talk.summary)))
        for label, begin, end in part_spans(talk.summary, talk.parts):
            if label or len(talk.parts) > 1:  # a part: its offsets into the summary
                part = "p" + _digest(subject, label, str(begin))
                add(P.parts.get(label, P.description), (3, part))
                nodes[part] = {P.start: {_integer(begin)}, P.end: {_integer(end)}}
    for item in items:
        entity = (0, base + item.entity)
        if item.role == "presenter":
            add(P.presentedBy, entity)
            add(P.mentionsOrganization, entity)
        else:
            add(P.mentions[item.role], entity)
    for phrase in evidence_of(base, talk, items):
        add(P.evidence, (3, phrase.node))
        node: Subject = {
            P.type: {(0, P.Phrase)},
            P.taIdentRef: {(0, phrase.entity)},
            P.link: {(0, link) for link in phrase.links},
            P.referenceContext: {(0, phrase.sentence.iri)},
            P.beginIndex: {_integer(phrase.begin)},
            P.endIndex: {_integer(phrase.end)},
            P.anchorOf: {_text(phrase.words)},
            P.method: {(0, _method(phrase.method))},
        }
        nodes[phrase.node] = node
        _add_sentence(nodes, phrase.sentence)
    texts = {"title": talk.title, "summary": talk.summary}
    for claim in claims:
        iri = f"{subject}/claim/{claim.field}-{claim.start}-{claim.end}"
        add(P.claim, (0, iri))
        node = nodes.setdefault(iri, {})
        add(P.type, (0, P.Claim), node)
        add(P.value, _decimal(claim.value), node)
        if claim.high is not None:
            add(P.maxValue, _decimal(claim.high), node)
        add(P.unit, _text(claim.unit), node)
        add(P.statement, _text(claim.statement, language(claim.statement)), node)
        add(P.field, _text(claim.field), node)
        add(P.start, _integer(claim.start), node)
        add(P.end, _integer(claim.end), node)
        add(P.matchedText, _text(claim.text), node)
        sentence = sentence_of(
            base, subject, claim.field, texts[claim.field], claim.sentence, claim.start, claim.end
        )
        add(P.sentence, (0, sentence.iri), node)
        _add_sentence(nodes, sentence)
    return nodes


def _add_sentence(nodes: dict[str, Subject], sentence: Sentence) -> None:
    """A sentence's nif:Context, once however many phrases and claims point into it."""
    if sentence.iri not in nodes:
        nodes[sentence.iri] = {
            P.type: {(0, P.Context)},
            P.isString: {_text(sentence.text)},
            P.field: {_text(sentence.field)},
            P.start: {_integer(sentence.start)},
        }


def to_graph(
    gazetteer: Gazetteer,
    talks: Iterable[Talk],
    links: Iterable[Link],
    base: str = DEFAULT_BASE,
    claims: Iterable[Claim] = (),
) -> Graph:
    """The export as an rdflib graph (for the views and tests): the context and every talk's
    nodes (`talk_nodes`), the same triples kg.turtle writes."""
    talks, links = list(talks), list(links)
    graph = context_graph(gazetteer, talks, {(item.role, item.entity) for item in links}, base)
    links_of, claims_of = by_talk(links), by_talk(claims)
    for talk in talks:
        key = (talk.source, talk.line)
        nodes = talk_nodes(gazetteer, base, talk, links_of.get(key, []), claims_of.get(key, []))
        blanks = {v[1] for p in nodes.values() for vs in p.values() for v in vs if v[0] == 3}
        for node, properties in nodes.items():
            subject = BNode(node) if node in blanks else URIRef(node)
            for predicate, values in properties.items():
                for value in values:
                    graph.add((subject, URIRef(predicate), term(value)))
    return graph


def term(value: Value) -> Node:
    """A value (kg.shacl's form) as an rdflib term."""
    if value[0] == 0:
        return URIRef(value[1])
    if value[0] == 3:
        return BNode(value[1])
    if value[0] == 1:
        return Literal(value[2], lang=value[1] or None)  # type: ignore[misc]
    lexical, datatype = value[1], value[2]  # type: ignore[misc]
    if datatype == INTEGER:
        return Literal(int(lexical))
    if datatype == BOOLEAN:
        return Literal(lexical == "true")
    return Literal(Decimal(lexical))


def context_graph(
    gazetteer: Gazetteer, talks: Iterable[Talk], roles: Iterable[tuple[str, str]], base: str
) -> Graph:
    """What the export holds besides the talks' own nodes: the vocabulary, the events, tracks
    and sources of `talks`, and the entities of `roles` ((link role, entity key) pairs) with
    what they hang under."""
    graph = Graph()
    bind_prefixes(graph, base)
    graph += read_ontology("kg.ttl")
    talks = list(talks)
    for name in sorted({talk.event for talk in talks}):
        event = URIRef(f"{base}event/{slug(name)}")
        graph.add((event, RDF.type, KG.Event))
        graph.add((event, RDFS.label, Literal(name, lang=language(name))))
    for label in sorted({talk.track for talk in talks}):
        _add_track(graph, gazetteer, URIRef(base + track_key(gazetteer, label)), label, base)
    for name in sorted({talk.source for talk in talks}):
        source = URIRef(f"{base}source/{slug(name)}")
        graph.add((source, RDF.type, KG.Source))
        graph.add((source, RDFS.label, Literal(name)))
    _add_entities(graph, gazetteer, {key for _, key in roles}, base)
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
        method = graph.value(node, KG.method)  # kg:gazetteer, ...: its confidence is its own
        confidence = graph.value(method, KG.confidence) if method is not None else None
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
                    method=str(method or "").rpartition("#")[2],
                    confidence=float(str(confidence or "nan")),
                )
            )
    return sorted(rows)


def serialize(graph: Graph) -> bytes:
    """Turtle, the same bytes for the same graph."""
    return graph.serialize(format="turtle", encoding="utf-8")


def validate(graph: Graph) -> None:
    """Check a whole graph against ontology/shapes.ttl with kg.shacl, the one validator (builds
    check chunk by chunk with the same code); raise `ValidationError` naming every violation."""
    from kg.shacl import check, graph_subjects

    problems = sorted(set(check(graph_subjects(graph), final=True).problems))
    if problems:
        raise ValidationError(report(problems))


def report(problems: list[str]) -> str:
    """The text of a failed check: the first 50 violations, one a line, and how many more."""
    more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
    return "\n".join(problems[:50]) + more

"""Write the export as Turtle fast: the same bytes rdflib's serializer writes for the same graph.

rdflib needs tens of microseconds and about a kilobyte per triple, so a 100k-talk export (some 13M
triples) takes minutes and gigabytes. The bulk of the export is talks and their evidence nodes,
blocks of a fixed shape; this module renders those blocks as text, chunk by chunk (in worker
processes), and leaves the rest, the context (vocabulary, events, tracks, sources, entities), to
rdflib. rdflib's layout is kept: prefixes in use, then subjects typed rdfs:Class, then the others
sorted by (blank node?, times referenced, IRI); predicates rdf:type, rdfs:label, then by IRI.

The triples of a talk mirror `kg.rdf.to_graph`; tests/test_turtle.py checks the bytes against
`kg.rdf.serialize(kg.rdf.to_graph(...))`, so a change there shows up as a failing test here.
"""

from __future__ import annotations

import heapq
import io
import struct
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rdflib import RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer

from kg.extract import Link
from kg.ontology import KG, KINDS, PROV, Gazetteer, slug, track_key
from kg.rdf import PART_PROPERTY, bind_prefixes, language, talk_iri, to_graph
from kg.table import Talk

TYPE, LABEL = str(RDF.type), str(RDFS.label)
# The sort key of an object: (0, IRI) for an IRI, (1, language, text) for a literal.
Key = tuple[int, str] | tuple[int, str, str]
Subject = dict[str, dict[Key, str]]


def quote(text: str) -> str:
    """A Turtle string literal, escaped exactly as rdflib's `Literal._quote_encode` does."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""%s"""' % encoded.replace("\r", "\\r")
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")


def literal(text: str, lang: str | None = None) -> tuple[Key, str]:
    """The sort key and the Turtle text of a string literal (with a language tag, or plain)."""
    if lang:
        return (1, lang, text), f"{quote(text)}@{lang}"
    return (1, "", text), quote(text)


@dataclass
class Chunk:
    """A chunk of talks rendered: its blocks sorted, and what the context needs to know of it."""

    blocks: list[tuple[int, str, bytes]]  # (times referenced, subject IRI, Turtle text)
    refs: Counter[str] = field(default_factory=Counter)  # other IRIs, times used as an object
    roles: set[tuple[str, str]] = field(default_factory=set)  # (link role, entity key)
    links: int = 0
    triples: int = 0


class Renderer:
    """Renders talks with their links as Turtle blocks; names IRIs as rdflib would."""

    def __init__(self, gazetteer: Gazetteer, base: str) -> None:
        self.gazetteer, self.base = gazetteer, base
        graph = Graph()
        bind_prefixes(graph, base)
        self._serializer = TurtleSerializer(graph)
        self._names: dict[str, str] = {}
        talks = f"{base}talk/"
        # Talk and evidence IRIs ({base}talk/event/title...) have no prefixed name unless some
        # bound namespace is longer than {base}talk/ and starts with it.
        self._full_iris = not any(
            str(ns).startswith(talks) and str(ns) != talks for _, ns in graph.namespaces()
        )
        self._verbs = {
            str(p): ("a" if p == RDF.type else self._serializer.get_pname(p) or p.n3())
            for p in VERBS
        }

    def name(self, iri: str) -> str:
        """An IRI in object position: a prefixed name where rdflib writes one."""
        text = self._names.get(iri)
        if text is None:
            node = URIRef(iri)
            text = self._serializer.get_pname(node, gen_prefix=False) or node.n3()
            self._names[iri] = text
        return text

    def node(self, iri: str) -> str:
        """A talk or evidence IRI (one of many, so not cached)."""
        if self._full_iris:
            return f"<{iri}>"
        node = URIRef(iri)
        return self._serializer.get_pname(node, gen_prefix=False) or node.n3()

    def render(self, talks: Iterable[Talk], links: Iterable[Link]) -> Chunk:
        """The blocks of `talks` and their evidence, sorted as rdflib sorts subjects."""
        by_talk: dict[tuple[str, int], list[Link]] = {}
        for item in links:
            by_talk.setdefault((item.source, item.line), []).append(item)
        chunk = Chunk(blocks=[])
        for talk in talks:
            items = by_talk.get((talk.source, talk.line), [])
            chunk.links += len(items)
            chunk.roles.update((item.role, item.entity) for item in items)
            subjects = self._talk(talk, items)
            for refs, (iri, properties) in enumerate(subjects.items()):
                text = self._block(iri, properties).encode("utf-8", "replace")
                chunk.blocks.append((min(refs, 1), iri, text))  # a talk first, then its evidence
                for objects in properties.values():
                    chunk.triples += len(objects)
                    for key in objects:
                        if key[0] == 0 and key[1] not in subjects:
                            chunk.refs[key[1]] += 1
        chunk.blocks.sort()
        return chunk

    def _talk(self, talk: Talk, items: list[Link]) -> dict[str, Subject]:
        """The triples of one talk and its evidence nodes, as `kg.rdf.to_graph` makes them."""
        base, name = self.base, self.name
        subject = str(talk_iri(base, talk))
        event = f"{base}event/{slug(talk.event)}"
        track = base + track_key(self.gazetteer, talk.track)
        source = f"{base}source/{slug(talk.source)}"
        own: Subject = {}
        subjects = {subject: own}

        def add(props: Subject, predicate: str, item: tuple[Key, str]) -> None:
            props.setdefault(predicate, {})[item[0]] = item[1]

        def iri(value: str) -> tuple[Key, str]:
            return (0, value), name(value)

        add(own, TYPE, iri(str(KG.Talk)))
        add(own, LABEL, literal(talk.title, language(talk.title)))
        add(own, str(KG.track), iri(track))
        add(own, str(KG.event), iri(event))
        add(own, str(KG.keynote), ((2, "", str(talk.keynote)), "true" if talk.keynote else "false"))
        add(own, str(KG.sourceFile), literal(talk.source))
        add(own, str(KG.sourceLine), ((2, "", str(talk.line)), str(talk.line)))
        add(own, str(PROV.wasDerivedFrom), iri(source))
        if talk.summary_missing:
            add(own, str(KG.summaryMissing), ((2, "", "True"), "true"))
        else:
            add(own, str(KG.summary), literal(talk.summary, language(talk.summary)))
            for label, text in talk.parts:
                if label or len(talk.parts) > 1:
                    part = str(PART_PROPERTY.get(label, KG.description))
                    add(own, part, literal(text, language(text)))
        for item in items:
            entity = base + item.entity
            if item.role == "presenter":
                properties = [str(KG.presentedBy), str(KG.mentionsOrganization)]
            else:
                properties = [str(KINDS[item.role][1])]
            for predicate in properties:
                add(own, predicate, iri(entity))
            for mention in item.evidence:
                node = f"{subject}/evidence/{mention.field}-{mention.start}-{mention.end}-{item.role}"
                add(own, str(KG.evidence), ((0, node), self.node(node)))
                props = subjects.setdefault(node, {})
                add(props, TYPE, iri(str(KG.Evidence)))
                add(props, str(KG.entity), iri(entity))
                add(props, str(KG.link), iri(properties[0]))
                add(props, str(KG.field), literal(mention.field))
                add(props, str(KG.start), ((2, "", str(mention.start)), str(mention.start)))
                add(props, str(KG.end), ((2, "", str(mention.end)), str(mention.end)))
                add(props, str(KG.matchedText), literal(mention.text))
                add(props, str(KG.sentence), literal(mention.sentence))
                add(props, str(KG.gazetteerLabel), literal(mention.label))
        return subjects

    def _block(self, iri: str, properties: Subject) -> str:
        order = sorted(properties, key=_predicate_order)
        lines = []
        for predicate in order:
            objects = properties[predicate]
            texts = [objects[key] for key in sorted(objects, key=_object_order)]
            lines.append(f"{self._verbs[predicate]} " + ",\n        ".join(texts))
        return f"\n{self.node(iri)} " + " ;\n    ".join(lines) + " .\n"


VERBS = (
    RDF.type,
    RDFS.label,
    PROV.wasDerivedFrom,
    *(getattr(KG, name) for name in (
        "track", "event", "keynote", "summary", "description", "conclusion", "summaryMissing",
        "sourceFile", "sourceLine", "hasSpeaker", "presentedBy", "mentionsOrganization",
        "mentionsRayLibrary", "mentionsTechnique", "mentionsHardware", "mentionsSoftware",
        "mentionsModel", "evidence", "entity", "link", "field", "start", "end", "matchedText",
        "sentence", "gazetteerLabel",
    )),
)


def _predicate_order(predicate: str) -> tuple[int, str]:
    return (0 if predicate == TYPE else 1 if predicate == LABEL else 2, predicate)


def _object_order(key: Key) -> tuple[object, ...]:
    # Numbers compare by value in rdflib; a subject never has two numbers for one predicate here.
    return key


def context_graph(
    gazetteer: Gazetteer, talks: Iterable[Talk], roles: Iterable[tuple[str, str]], base: str
) -> Graph:
    """What `to_graph` exports besides talks and evidence: the vocabulary, events, tracks, sources
    and the linked entities. Made by `to_graph` itself from one talk per distinct event, track and
    source, and one link per (role, entity), after which those talks' own triples are dropped."""
    chosen: dict[tuple[str, str], Talk] = {}
    for talk in talks:
        for key in (("event", talk.event), ("track", talk.track), ("source", talk.source)):
            chosen.setdefault(key, talk)
    some = sorted(set(chosen.values()))
    fake = [Link(some[0].source, some[0].line, r, e, ()) for r, e in sorted(roles)] if some else []
    graph = to_graph(gazetteer, some, fake, base)
    for talk in some:
        graph.remove((talk_iri(base, talk), None, None))
    return graph


class Runs:
    """Chunks' sorted blocks, each chunk in a file of its own, so that memory stays flat."""

    RECORD = struct.Struct("<BII")

    def __init__(self, directory: Path) -> None:
        self.directory, self.paths = directory, []  # type: tuple[Path, list[Path]]

    def add(self, blocks: list[tuple[int, str, bytes]]) -> None:
        path = self.directory / f"run-{len(self.paths):06d}"
        with path.open("wb") as stream:
            for refs, iri, text in blocks:
                name = iri.encode("utf-8")
                stream.write(self.RECORD.pack(refs, len(name), len(text)))
                stream.write(name)
                stream.write(text)
        self.paths.append(path)

    def read(self, path: Path) -> Iterator[tuple[tuple[int, bool, int, str], bytes]]:
        with path.open("rb", buffering=1 << 20) as stream:
            while header := stream.read(self.RECORD.size):
                refs, size, length = self.RECORD.unpack(header)
                iri = stream.read(size).decode("utf-8")
                yield (1, False, refs, iri), stream.read(length)


class _ContextSerializer(TurtleSerializer):
    """rdflib's serializer over the context graph, counting references from the chunks too."""

    def block(self, subject: object) -> bytes:
        buffer = io.BytesIO()
        self.stream = buffer
        self.statement(subject)  # type: ignore[arg-type]
        return buffer.getvalue() + b"\n"


def write_turtle(
    out: IO[bytes], context: Graph, runs: Runs, refs: Counter[str], talks: bool = True
) -> None:
    """Write the context graph and the chunks' blocks (from `runs`) as one Turtle document,
    in rdflib's order; `refs` counts the chunks' references to context IRIs."""
    serializer = _ContextSerializer(context)
    serializer.reset()
    serializer.preprocess()
    for iri, count in sorted(refs.items()):
        node = URIRef(iri)
        serializer._references[node] += count
        serializer.get_pname(node, gen_prefix=False)
    if talks:
        for verb in VERBS:
            if verb != RDF.type:
                serializer.get_pname(verb)
        serializer.get_pname(XSD.integer, gen_prefix=False)
    ordered = serializer.orderSubjects()
    header = io.BytesIO()
    serializer.stream = header
    serializer.startDocument()
    out.write(header.getvalue())

    def context_subjects() -> Iterator[tuple[tuple[int, bool, int, str], object]]:
        for index, subject in enumerate(ordered):
            if subject in serializer._topLevels:
                yield (0, False, index, ""), subject
            else:
                bnode = isinstance(subject, BNode)
                yield (1, bnode, serializer._references[subject], str(subject)), subject

    streams = [context_subjects(), *(runs.read(path) for path in runs.paths)]
    for _, item in heapq.merge(*streams, key=lambda entry: entry[0]):  # type: ignore[arg-type]
        if isinstance(item, bytes):
            out.write(item)
        elif not serializer.isDone(item):  # type: ignore[arg-type]
            out.write(serializer.block(item))
    out.write(b"\n")

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
from decimal import Decimal
from pathlib import Path
from typing import IO

from rdflib import RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer

from kg.claims import Claim
from kg.extract import Link
from kg.ontology import ITSRDF, KG, KINDS, NIF, PROV, Gazetteer, slug, track_key
from kg.rdf import (
    PART_PROPERTY,
    Phrase,
    Sentence,
    bind_prefixes,
    evidence_of,
    language,
    talk_iri,
    to_graph,
)
from kg.shacl import Report, check
from kg.table import Talk, by_talk

TYPE, LABEL = str(RDF.type), str(RDFS.label)
INTEGER, BOOLEAN, DECIMAL = str(XSD.integer), str(XSD.boolean), str(XSD.decimal)
# The key of an object (kg.shacl.Value): (0, IRI), (1, language or "", text) for a string,
# (2, lexical form, datatype) for a number or a boolean.
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
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'


def literal(text: str, lang: str | None = None) -> tuple[Key, str]:
    """The sort key and the Turtle text of a string literal (with a language tag, or plain)."""
    if lang:
        return (1, lang, text), f"{quote(text)}@{lang}"
    return (1, "", text), quote(text)


def decimal(number: str) -> tuple[Key, str]:
    """The sort key and the Turtle text of `Literal(Decimal(number))`, as rdflib writes it."""
    lexical = f"{Decimal(number):f}"
    shown = lexical if "." in lexical or "e" in lexical or "E" in lexical else lexical + ".0"
    return (2, lexical, DECIMAL), shown


@dataclass
class Chunk:
    """A chunk of talks rendered: its blocks sorted (in the form of a run, see `Runs`), and what
    the context needs to know of it."""

    data: bytes = b""
    refs: Counter[str] = field(default_factory=Counter)  # other IRIs, times used as an object
    roles: set[tuple[str, str]] = field(default_factory=set)  # (link role, entity key)
    links: int = 0
    triples: int = 0
    sentences: int = 0
    report: Report = field(default_factory=Report)  # its SHACL check (kg.shacl)


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
        self._phrases: dict[str, Subject] = {}  # the evidence of the talk being rendered

    def name(self, iri: str) -> str:
        """An IRI in object position: a prefixed name where rdflib writes one."""
        text = self._names.get(iri)
        if text is None:
            node = URIRef(iri)
            text = self._serializer.get_pname(node, gen_prefix=False) or node.n3()
            self._names[iri] = text
        return text

    def node(self, iri: str) -> str:
        """A talk or claim IRI (one of many, so not cached)."""
        return f"<{iri}>" if self._full_iris else self.pname(iri)

    def pname(self, iri: str) -> str:
        """An IRI as rdflib writes it, not cached (a sentence IRI is one of many)."""
        node = URIRef(iri)
        return self._serializer.get_pname(node, gen_prefix=False) or node.n3()

    def render(
        self, talks: Iterable[Talk], links: Iterable[Link], claims: Iterable[Claim] = ()
    ) -> Chunk:
        """The blocks of `talks`, their evidence and claims, sorted as rdflib sorts subjects."""
        links_of, claims_of = by_talk(links), by_talk(claims)
        chunk = Chunk()
        blocks: list[tuple[int, str, bytes]] = []  # (times referenced, subject IRI, Turtle text)
        refs = chunk.refs
        checked: dict[str, Subject] = {}
        for talk in talks:
            items = links_of.get((talk.source, talk.line), [])
            chunk.links += len(items)
            chunk.roles.update((item.role, item.entity) for item in items)
            subject, own, sentences = self._talk(talk, items)
            nodes = self._claims(subject, own, claims_of.get((talk.source, talk.line), []))
            blocks.append((0, subject, self._block(subject, own)))
            checked[subject] = own
            for properties in own.values():
                chunk.triples += len(properties)
                refs.update(key[1] for key in properties if key[0] == 0 and key[1] not in nodes)
            for node, described in nodes.items():
                blocks.append((1, node, self._block(node, described)))
                checked[node] = described
                chunk.triples += sum(len(values) for values in described.values())
                refs[CLAIM] += 1
            for phrase in own.get(V["evidence"], {}):
                described = self._phrases[phrase[1]]
                checked[phrase[1]] = described
                for predicate, properties in described.items():
                    chunk.triples += len(properties)
                    if predicate != V["referenceContext"]:  # sentences are blocks of their own
                        refs.update(key[1] for key in properties if key[0] == 0)
            for iri, (count, described) in sentences.items():
                blocks.append((count, iri, self._block(iri, described, self.pname(iri))))
                checked[iri] = described
                chunk.triples += 4
                chunk.sentences += 1
                refs[CONTEXT] += 1
            self._phrases.clear()
        blocks.sort()
        chunk.data = Runs.encode(blocks)
        chunk.report = check(checked)  # type: ignore[arg-type]
        return chunk

    def _talk(
        self, talk: Talk, items: list[Link]
    ) -> tuple[str, Subject, dict[str, tuple[int, Subject]]]:
        """The triples of one talk, as `kg.rdf.to_graph` makes them, its evidence written inside
        it (kept in `_phrases` for the check), and its sentences with their times referenced."""
        base, name = self.base, self.name
        subject = str(talk_iri(base, talk))
        own: Subject = {}

        def add(predicate: str, item: tuple[Key, str]) -> None:
            own.setdefault(predicate, {})[item[0]] = item[1]

        def iri(value: str) -> tuple[Key, str]:
            return (0, value), name(value)

        add(TYPE, iri(TALK))
        add(LABEL, literal(talk.title, language(talk.title)))
        add(V["track"], iri(base + track_key(self.gazetteer, talk.track)))
        add(V["event"], iri(f"{base}event/{slug(talk.event)}"))
        add(V["keynote"], ((2, str(talk.keynote).lower(), BOOLEAN), str(talk.keynote).lower()))
        add(V["sourceFile"], literal(talk.source))
        add(V["sourceLine"], ((2, str(talk.line), INTEGER), str(talk.line)))
        add(DERIVED, iri(f"{base}source/{slug(talk.source)}"))
        if talk.summary_missing:
            add(V["summaryMissing"], ((2, "true", BOOLEAN), "true"))
        else:
            add(V["summary"], literal(talk.summary, language(talk.summary)))
            for label, text in talk.parts:
                if label or len(talk.parts) > 1:
                    add(
                        str(PART_PROPERTY.get(label, KG.description)), literal(text, language(text))
                    )
        for item in items:
            entity = base + item.entity
            predicates = PRESENTER if item.role == "presenter" else (str(KINDS[item.role][1]),)
            for predicate in predicates:
                add(predicate, iri(entity))
        sentences: dict[str, tuple[int, Subject]] = {}
        for phrase in evidence_of(base, talk, items):
            sentence = phrase.sentence
            count, _ = sentences.get(sentence.iri, (0, {}))
            sentences[sentence.iri] = (count + 1, self._sentence(sentence))
            described = self._phrase(phrase)
            self._phrases[phrase.node] = described
            add(V["evidence"], ((3, phrase.node), self._nested(described)))
        return subject, own, sentences

    def _phrase(self, phrase: Phrase) -> Subject:
        """An evidence node's triples (kg.rdf._add_phrase)."""
        name = self.name
        described: Subject = {
            TYPE: {(0, PHRASE): name(PHRASE)},
            V["taIdentRef"]: {(0, phrase.entity): name(phrase.entity)},
            V["link"]: {(0, link): name(link) for link in phrase.links},
            V["referenceContext"]: {(0, phrase.sentence.iri): self.pname(phrase.sentence.iri)},
            V["beginIndex"]: {(2, str(phrase.begin), INTEGER): str(phrase.begin)},
            V["endIndex"]: {(2, str(phrase.end), INTEGER): str(phrase.end)},
            V["anchorOf"]: dict([literal(phrase.words)]),
            V["method"]: dict([literal(phrase.method)]),
            V["confidence"]: dict([decimal(phrase.confidence)]),
        }
        return described

    def _sentence(self, sentence: Sentence) -> Subject:
        """A sentence's triples (kg.rdf._add_phrase)."""
        return {
            TYPE: {(0, CONTEXT): self.name(CONTEXT)},
            V["isString"]: dict([literal(sentence.text)]),
            V["field"]: dict([literal(sentence.field)]),
            V["start"]: {(2, str(sentence.start), INTEGER): str(sentence.start)},
        }

    def _claims(self, subject: str, own: Subject, claims: list[Claim]) -> dict[str, Subject]:
        """The claim nodes of a talk, as `kg.rdf._add_claim` makes them; links them from `own`."""
        nodes: dict[str, Subject] = {}
        for claim in claims:
            node = f"{subject}/claim/{claim.field}-{claim.start}-{claim.end}"
            own.setdefault(V["claim"], {})[(0, node)] = self.node(node)
            properties: Subject = nodes.setdefault(node, {})
            items = [
                (TYPE, ((0, CLAIM), self.name(CLAIM))),
                (V["value"], decimal(claim.value)),
                (V["unit"], literal(claim.unit)),
                (V["statement"], literal(claim.statement, language(claim.statement))),
                (V["field"], literal(claim.field)),
                (V["start"], ((2, str(claim.start), INTEGER), str(claim.start))),
                (V["end"], ((2, str(claim.end), INTEGER), str(claim.end))),
                (V["matchedText"], literal(claim.text)),
                (V["sentence"], literal(claim.sentence)),
            ]
            if claim.high is not None:
                items.append((V["maxValue"], decimal(claim.high)))
            for predicate, (key, text) in items:
                properties.setdefault(predicate, {})[key] = text
        return nodes

    def _block(self, iri: str, properties: Subject, name: str | None = None) -> bytes:
        lines = []
        for predicate in sorted(properties, key=_predicate_order):
            objects = properties[predicate]
            texts = (
                [objects[key] for key in sorted(objects)] if len(objects) > 1 else objects.values()
            )
            lines.append(f"{self._verbs[predicate]} " + ",\n        ".join(texts))
        text = f"\n{name or self.node(iri)} " + " ;\n    ".join(lines) + " .\n"
        return text.encode("utf-8", "replace")

    def _nested(self, properties: Subject) -> str:
        """A blank node referenced once, written inside its subject as rdflib writes it."""
        lines = []
        for predicate in sorted(properties, key=_predicate_order):
            objects = properties[predicate]
            texts = [objects[key] for key in sorted(objects)]
            lines.append(f"{self._verbs[predicate]} " + ",\n                ".join(texts))
        return "[ " + " ;\n            ".join(lines) + " ]"


NAMES = (
    "track", "event", "keynote", "summary", "description", "conclusion", "summaryMissing",
    "sourceFile", "sourceLine", "hasSpeaker", "presentedBy", "mentionsOrganization",
    "mentionsRayLibrary", "mentionsTechnique", "mentionsHardware", "mentionsSoftware",
    "mentionsModel", "evidence", "link", "method", "confidence", "field", "start", "end",
    "matchedText", "sentence", "claim", "value", "maxValue", "unit", "statement",
)  # fmt: skip
NIF_NAMES = ("isString", "referenceContext", "beginIndex", "endIndex", "anchorOf")
V = {
    **{name: str(getattr(KG, name)) for name in NAMES},
    **{name: str(getattr(NIF, name)) for name in NIF_NAMES},
    "taIdentRef": str(ITSRDF.taIdentRef),
}
VERBS = (RDF.type, RDFS.label, PROV.wasDerivedFrom, *(URIRef(iri) for iri in V.values()))
TALK, CLAIM = str(KG.Talk), str(KG.Claim)
PHRASE, CONTEXT = str(NIF.Phrase), str(NIF.Context)
EVIDENCE_VERBS = frozenset(V[name] for name in (*NIF_NAMES, "taIdentRef"))
DERIVED = str(PROV.wasDerivedFrom)
PRESENTER = (V["presentedBy"], V["mentionsOrganization"])


def _predicate_order(predicate: str) -> tuple[int, str]:
    return (0 if predicate == TYPE else 1 if predicate == LABEL else 2, predicate)


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
        self.directory = directory
        self.paths: dict[int, Path] = {}

    @classmethod
    def encode(cls, blocks: list[tuple[int, str, bytes]]) -> bytes:
        """Sorted blocks as one run: records of (references, IRI, Turtle text)."""
        parts: list[bytes] = []
        for refs, iri, text in blocks:
            name = iri.encode("utf-8")
            parts += (cls.RECORD.pack(refs, len(name), len(text)), name, text)
        return b"".join(parts)

    def add(self, index: int, data: bytes) -> None:
        """Keep the run of chunk `index` (replacing the one kept before for it)."""
        path = self.directory / f"run-{index:06d}"
        path.write_bytes(data)
        self.paths[index] = path

    def read(self, path: Path) -> Iterator[tuple[tuple[int, bool, int, bytes], bytes]]:
        """The blocks of a run, keyed as `write_turtle` orders subjects (UTF-8 bytes sort as
        their text does)."""
        with path.open("rb", buffering=1 << 20) as stream:
            while header := stream.read(self.RECORD.size):
                refs, size, length = self.RECORD.unpack(header)
                yield (1, False, refs, stream.read(size)), stream.read(length)


class _ContextSerializer(TurtleSerializer):
    """rdflib's serializer over the context graph, counting references from the chunks too."""

    def block(self, subject: object) -> bytes:
        buffer = io.BytesIO()
        self.stream = buffer
        self.statement(subject)  # type: ignore[arg-type]
        return buffer.getvalue() + b"\n"


def write_turtle(
    out: IO[bytes],
    context: Graph,
    runs: Runs,
    refs: Counter[str],
    talks: bool = True,
    sentences: bool = True,
) -> None:
    """Write the context graph and the chunks' blocks (from `runs`) as one Turtle document,
    in rdflib's order; `refs` counts the chunks' references to context IRIs; `sentences`: the
    blocks hold some (their prefix is then in use)."""
    serializer = _ContextSerializer(context)
    serializer.reset()
    serializer.preprocess()
    for iri, count in sorted(refs.items()):
        node = URIRef(iri)
        serializer._references[node] += count
        serializer.get_pname(node, gen_prefix=False)
    if talks:
        for verb in VERBS:
            if verb != RDF.type and (sentences or str(verb) not in EVIDENCE_VERBS):
                serializer.get_pname(verb)
        serializer.get_pname(XSD.integer, gen_prefix=False)
    if sentences:
        prefix = dict(context.namespaces())["sentence"]
        serializer.get_pname(URIRef(f"{prefix}0"), gen_prefix=False)
    ordered = serializer.orderSubjects()
    header = io.BytesIO()
    serializer.stream = header
    serializer.startDocument()
    out.write(header.getvalue())

    def context_subjects() -> Iterator[tuple[tuple[int, bool, int, bytes], object]]:
        for index, subject in enumerate(ordered):
            if subject in serializer._topLevels:
                yield (0, False, index, b""), subject
            else:
                bnode = isinstance(subject, BNode)
                references = serializer._references[subject]
                yield (1, bnode, references, str(subject).encode("utf-8")), subject

    # Keys are unique (one subject, one block), so the merge never compares the items.
    streams = [context_subjects(), *(runs.read(runs.paths[i]) for i in sorted(runs.paths))]
    for _, item in heapq.merge(*streams):  # type: ignore[type-var]
        if isinstance(item, bytes):
            out.write(item)
        elif not serializer.isDone(item):  # type: ignore[arg-type]
            out.write(serializer.block(item))
    out.write(b"\n")

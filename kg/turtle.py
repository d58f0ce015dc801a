"""Write the export as Turtle fast, in rdflib's order of subjects and predicates.

rdflib needs tens of microseconds and about a kilobyte per triple, so a 100k-talk export (some 13M
triples) takes minutes and gigabytes. The bulk of the export is talks and their evidence nodes,
blocks of a fixed shape; this module renders those blocks as text, chunk by chunk (in worker
processes), and leaves the rest, the context (vocabulary, events, tracks, sources, entities), to
rdflib. rdflib's order is kept: prefixes in use, then subjects typed rdfs:Class, then the others
sorted by (blank node?, times referenced, IRI); predicates rdf:type, rdfs:label, then by IRI. Its
layout is kept too, but for the blank nodes inside a talk (its evidence phrases): each takes one
line, where rdflib gives each of its predicates a line of its own.

The triples of a talk are defined once, by `kg.rdf.talk_nodes`; tests/test_turtle.py reads the
export back and checks it against `kg.rdf.to_graph`, the graph of the same nodes.
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

from kg.claims import Claim
from kg.extract import Link
from kg.ontology import ITSRDF, KG, NIF, PROV, Gazetteer
from kg.rdf import DECIMAL, Subject, bind_prefixes, talk_nodes
from kg.shacl import Report, Value, check
from kg.table import Talk, by_talk

TYPE, LABEL = str(RDF.type), str(RDFS.label)


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


def decimal(lexical: str) -> str:
    """An xsd:decimal as rdflib writes it: the plain form, with ".0" if it has no point."""
    return lexical if "." in lexical or "e" in lexical or "E" in lexical else lexical + ".0"


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
        self._talks = talks = f"{base}talk/"
        # Talk and claim IRIs ({base}talk/event/title...) have no prefixed name unless some
        # bound namespace is longer than {base}talk/ and starts with it.
        self._full_iris = not any(
            str(ns).startswith(talks) and str(ns) != talks for _, ns in graph.namespaces()
        )
        self._verbs = {
            str(p): ("a" if p == RDF.type else self._serializer.get_pname(p) or p.n3())
            for p in VERBS
        }
        self._order = {p: i for i, p in enumerate(sorted(self._verbs, key=_predicate_order))}
        # Sentence IRIs ({base}sentence/ and 16 hex digits, kg.rdf.sentence_of) are most of the
        # names: written as rdflib names the probe, unless a longer namespace would take some.
        self._sentences = sentences = f"{base}sentence/"
        probe = "0123456789abcdef"
        named = self.pname(sentences + probe)
        longer = any(
            str(ns).startswith(sentences) and str(ns) != sentences for _, ns in graph.namespaces()
        )
        self._sentence_prefix = None
        if named.endswith(":" + probe) and not longer:
            self._sentence_prefix = named[: -len(probe)]

    def name(self, iri: str) -> str:
        """An IRI in object position: a prefixed name where rdflib writes one."""
        text = self._names.get(iri)
        if text is None:
            node = URIRef(iri)
            text = self._serializer.get_pname(node, gen_prefix=False) or node.n3()
            self._names[iri] = text
        return text

    def node(self, iri: str) -> str:
        """A talk's, claim's or sentence's IRI (one of many, so not cached)."""
        if self._sentence_prefix and iri.startswith(self._sentences):
            return self._sentence_prefix + iri[len(self._sentences) :]
        return f"<{iri}>" if self._full_iris and iri.startswith(self._talks) else self.pname(iri)

    def pname(self, iri: str) -> str:
        """An IRI as rdflib writes it, not cached (a sentence IRI is one of many)."""
        node = URIRef(iri)
        return self._serializer.get_pname(node, gen_prefix=False) or node.n3()

    def render(
        self, talks: Iterable[Talk], links: Iterable[Link], claims: Iterable[Claim] = ()
    ) -> Chunk:
        """The blocks of `talks` (their nodes as `kg.rdf.talk_nodes` makes them), sorted as rdflib
        sorts subjects, and their check against the shapes."""
        links_of, claims_of = by_talk(links), by_talk(claims)
        chunk = Chunk()
        blocks: list[tuple[int, str, bytes]] = []  # (times referenced, subject IRI, Turtle text)
        checked: dict[str, Subject] = {}
        for talk in talks:
            key = (talk.source, talk.line)
            items = links_of.get(key, [])
            chunk.links += len(items)
            chunk.roles.update((item.role, item.entity) for item in items)
            nodes = talk_nodes(self.gazetteer, self.base, talk, items, claims_of.get(key, []))
            inner: Counter[str] = Counter()  # references between the talk's own nodes
            blanks = set()
            for properties in nodes.values():
                for values in properties.values():
                    chunk.triples += len(values)
                    for value in values:
                        if value[0] == 3:
                            blanks.add(value[1])
                        if value[1] in nodes:
                            inner[value[1]] += 1
                        elif value[0] == 0:
                            chunk.refs[value[1]] += 1
            for node, properties in nodes.items():
                checked[node] = properties
                if node not in blanks:
                    blocks.append((inner[node], node, self._block(node, nodes)))
                if (0, CONTEXT) in properties.get(TYPE, ()):
                    chunk.sentences += 1
        blocks.sort()
        chunk.data = Runs.encode(blocks)
        chunk.report = check(checked)  # type: ignore[arg-type]
        return chunk

    def _object(self, value: Value, nodes: dict[str, Subject]) -> str:
        if value[0] == 0:
            return self.node(value[1]) if value[1] in nodes else self.name(value[1])
        if value[0] == 1:
            text, lang = quote(value[2]), value[1]  # type: ignore[misc]
            return f"{text}@{lang}" if lang else text
        if value[0] == 3:
            return self._properties(nodes[value[1]], nodes, 1)
        return decimal(value[1]) if value[2] == DECIMAL else value[1]  # type: ignore[misc]

    def _properties(self, properties: Subject, nodes: dict[str, Subject], depth: int = 0) -> str:
        """A node's predicates and objects as rdflib lays them out; a blank node referenced once
        (depth 1) is written inside the node that refers to it."""
        objects, predicates = SEPARATORS[depth]
        lines = []
        for predicate in sorted(properties, key=self._order.__getitem__):
            values = properties[predicate]
            if len(values) == 1:  # most are; no list to sort
                [value] = values
                text = self._object(value, nodes)
            else:
                text = objects.join([self._object(value, nodes) for value in sorted(values)])
            lines.append(f"{self._verbs[predicate]} {text}")
        joined = predicates.join(lines)
        return f"[ {joined} ]" if depth else joined

    def _block(self, iri: str, nodes: dict[str, Subject]) -> bytes:
        text = f"\n{self.node(iri)} " + self._properties(nodes[iri], nodes) + " .\n"
        return text.encode("utf-8", "replace")


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
CONTEXT = str(NIF.Context)
EVIDENCE_VERBS = frozenset(V[name] for name in (*NIF_NAMES, "taIdentRef"))


# Between the objects of a predicate and between the predicates of a node: at depth 0 (a subject)
# each on a line, as rdflib writes them; at depth 1 (a blank node inside it, an evidence phrase)
# all on one line.
SEPARATORS = [(",\n        ", " ;\n    "), (", ", " ; ")]


def _predicate_order(predicate: str) -> tuple[int, str]:
    return (0 if predicate == TYPE else 1 if predicate == LABEL else 2, predicate)


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

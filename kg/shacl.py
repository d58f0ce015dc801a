"""Check big exports against ontology/shapes.ttl without pySHACL, chunk by chunk.

pySHACL needs the whole graph in rdflib and takes minutes at 100k talks. This module reads the
shapes and evaluates the part of SHACL Core they use (targets by class and by objects of a
property; sh:minCount, sh:maxCount, sh:datatype, sh:class, sh:nodeKind, sh:in, sh:languageIn,
sh:uniqueLang on predicate paths) on each chunk's subjects as they are rendered. A shape using
anything else is refused, so the check can never silently do less than the shapes ask.
Constraints about nodes outside a chunk (an entity's type) are collected and resolved against
the context graph at the end. tests/test_shacl.py holds it to pySHACL's verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import KgError
from kg.ontology import read_ontology

SH = Namespace("http://www.w3.org/ns/shacl#")
LANG_STRING, TYPE = str(RDF.langString), str(RDF.type)
STRING = str(XSD.string)
# A value as the renderer keeps it: (0, IRI), (1, language, text), (2, lexical form, datatype),
# and (3, id) for a blank node.
Value = tuple[int, str] | tuple[int, str, str]
Subject = dict[str, Iterable[Value]]
NODE_KINDS = {
    str(SH.IRI): {0},
    str(SH.Literal): {1, 2},
    str(SH.BlankNode): {3},
    str(SH.BlankNodeOrIRI): {0, 3},
    str(SH.IRIOrLiteral): {0, 1, 2},
    str(SH.BlankNodeOrLiteral): {1, 2, 3},
}
KNOWN_NODE = {RDF.type, SH.targetClass, SH.targetObjectsOf, SH.property, RDFS.comment, RDFS.label}
KNOWN_PROPERTY = {
    SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH["in"],
    SH.languageIn, SH.uniqueLang, SH.message, SH.name, SH.description,
}  # fmt: skip


@dataclass(frozen=True)
class Property:
    path: str
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    cls: str | None = None
    node_kind: str | None = None
    values: frozenset[Value] | None = None
    languages: tuple[str, ...] | None = None
    unique_lang: bool = False
    message: str | None = None


@dataclass(frozen=True)
class Shape:
    name: str
    classes: tuple[str, ...]
    objects_of: tuple[str, ...]
    properties: tuple[Property, ...]


@dataclass
class Report:
    """Violations found, and what is left to check against the context graph."""

    problems: list[str] = field(default_factory=list)
    classes: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (node, class) -> where
    focus: dict[tuple[str, str], str] = field(default_factory=dict)  # (shape, node) -> where

    def merge(self, other: Report) -> None:
        self.problems += other.problems
        for key, wheres in other.classes.items():
            self.classes.setdefault(key, set()).update(wheres)
        for key, where in other.focus.items():
            self.focus.setdefault(key, where)


def value_of(node: Node) -> Value:
    if isinstance(node, URIRef):
        return (0, str(node))
    if isinstance(node, BNode):
        return (3, str(node))
    assert isinstance(node, Literal)
    if node.language:
        return (1, node.language, str(node))
    if node.datatype is None or str(node.datatype) == STRING:
        return (1, "", str(node))
    return (2, str(node), str(node.datatype))


def datatype_of(value: Value) -> str | None:
    if value[0] == 1:
        return LANG_STRING if value[1] else STRING
    if value[0] == 2:
        return value[2]  # type: ignore[misc]
    return None


@cache
def shapes() -> tuple[Shape, ...]:
    """The shapes of ontology/shapes.ttl; a constraint this module cannot check is an error."""
    graph = read_ontology("shapes.ttl")
    found = []
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        unknown = set(graph.predicates(shape)) - KNOWN_NODE
        properties = []
        for prop in graph.objects(shape, SH.property):
            unknown |= set(graph.predicates(prop)) - KNOWN_PROPERTY
            properties.append(_property(graph, prop))
        if unknown:
            names = ", ".join(sorted(graph.namespace_manager.normalizeUri(str(u)) for u in unknown))
            raise KgError(f"shapes.ttl: {names} in {shape} cannot be checked at scale; use pySHACL")
        found.append(
            Shape(
                name=str(shape),
                classes=tuple(sorted(str(c) for c in graph.objects(shape, SH.targetClass))),
                objects_of=tuple(sorted(str(p) for p in graph.objects(shape, SH.targetObjectsOf))),
                properties=tuple(sorted(properties, key=repr)),
            )
        )
    return tuple(found)


def _property(graph: Graph, prop: Node) -> Property:
    path = graph.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise KgError(f"shapes.ttl: only predicate paths can be checked at scale, not {path}")

    def number(predicate: URIRef) -> int | None:
        value = graph.value(prop, predicate)
        return int(value) if value is not None else None  # type: ignore[call-overload]

    def text(predicate: URIRef) -> str | None:
        value = graph.value(prop, predicate)
        return str(value) if value is not None else None

    listed = graph.value(prop, SH["in"])
    languages = graph.value(prop, SH.languageIn)
    return Property(
        path=str(path),
        min_count=number(SH.minCount),
        max_count=number(SH.maxCount),
        datatype=text(SH.datatype),
        cls=text(SH["class"]),
        node_kind=text(SH.nodeKind),
        values=frozenset(value_of(v) for v in Collection(graph, listed)) if listed else None,
        languages=tuple(str(v) for v in Collection(graph, languages)) if languages else None,
        unique_lang=bool(graph.value(prop, SH.uniqueLang)),
        message=text(SH.message),
    )


@cache
def subclasses() -> dict[str, frozenset[str]]:
    """Each class of the vocabulary with all its subclasses (rdfs:subClassOf*), itself included."""
    graph = read_ontology("kg.ttl")
    below: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        below.setdefault(str(sup), set()).add(str(sub))

    def closure(cls: str) -> frozenset[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return frozenset(seen)

    classes = set(below) | {sub for subs in below.values() for sub in subs}
    return {cls: closure(cls) for cls in classes}


def _within(cls: str) -> frozenset[str]:
    return subclasses().get(cls, frozenset({cls}))


@cache
def verbatim_paths() -> frozenset[str]:
    """The predicates whose values some shape looks at beyond their kind, datatype and number:
    paths of sh:in, sh:class, sh:languageIn and sh:uniqueLang, objects that are targets, rdf:type.
    Two nodes that differ only in other values (of the same kinds) get the same verdict."""
    found = {TYPE}
    for shape in shapes():
        found.update(shape.objects_of)
        for prop in shape.properties:
            if (
                prop.values is not None
                or prop.cls
                or prop.languages is not None
                or prop.unique_lang
            ):
                found.add(prop.path)
    return frozenset(found)


def check(
    subjects: dict[str, Subject], final: bool = False, aliases: dict[str, str] | None = None
) -> Report:
    """Check the focus nodes among `subjects` (IRI -> predicate -> values). Unless `final`, a node
    or type outside `subjects` is left in the report for the context; if `final`, it is missing.
    `aliases` maps nodes left out of `subjects` to one in it that gets the same verdict (the same
    verbatim_paths() values, the same kinds and numbers of the others): checked once for all."""
    report = Report()
    types = {
        iri: {v[1] for v in props.get(TYPE, ()) if v[0] == 0} for iri, props in subjects.items()
    }
    aliases = aliases or {}
    of_class: dict[str, list[str]] = {}  # class -> its focus nodes (an alias is none)
    for iri, classes in types.items():
        for cls in classes:
            of_class.setdefault(cls, []).append(iri)
    if aliases:
        types = {**types, **{node: types[rep] for node, rep in aliases.items()}}
    for shape in shapes():
        targets = set().union(*(_within(c) for c in shape.classes))
        seen = {iri for cls in targets for iri in of_class.get(cls, ())}
        focus = list(seen)
        for iri, props in subjects.items() if shape.objects_of else ():
            for predicate in shape.objects_of:
                for value in props.get(predicate, ()):
                    node = aliases.get(value[1], value[1])
                    if value[0] not in (0, 3):  # a literal focus node has no properties
                        report.problems += _node(shape, [str(value[-1])], {}, types, report, True)
                    elif node not in seen:
                        seen.add(node)
                        if node in subjects or final:
                            focus.append(node)
                        else:
                            report.focus.setdefault((shape.name, node), iri)
        report.problems += _node(shape, sorted(focus), subjects, types, report, final)
    return report


def _node(
    shape: Shape,
    nodes: list[str],
    subjects: dict[str, Subject],
    types: dict[str, set[str]],
    report: Report,
    final: bool,
) -> Iterator[str]:
    """The violations of `shape` by each of `nodes`, property by property."""
    empty: Subject = {}
    focus = [(node, subjects.get(node, empty)) for node in nodes]
    for prop in shape.properties:
        path, low, high = prop.path, prop.min_count, prop.max_count
        each = (
            prop.datatype or prop.node_kind or prop.values is not None or prop.languages
            or prop.unique_lang or prop.cls
        )  # fmt: skip
        for node, props in focus:
            values = props.get(path, ())
            count = len(values)  # type: ignore[arg-type]
            if (low is not None and count < low) or (high is not None and count > high):
                what = f"needs {low or 0} to {high if high is not None else 'any'} value(s), has {count}"
                yield _problem(shape, prop, node, what)
            if each and count:
                yield from _values(shape, prop, node, values, types, report, final)


def _values(
    shape: Shape,
    prop: Property,
    node: str,
    values: Iterable[Value],
    types: dict[str, set[str]],
    report: Report,
    final: bool,
) -> Iterator[str]:
    languages: set[str] = set()
    for value in values:
        shown = value[-1] if value[0] != 2 else value[1]
        if prop.datatype and datatype_of(value) != prop.datatype:
            yield _problem(shape, prop, node, f'"{shown}" is not of datatype {prop.datatype}')
        if prop.node_kind and value[0] not in NODE_KINDS.get(prop.node_kind, set()):
            yield _problem(shape, prop, node, f"{shown} is not of node kind {prop.node_kind}")
        if prop.values is not None and value not in prop.values:
            yield _problem(shape, prop, node, f'"{shown}" is not one of the allowed values')
        if prop.languages is not None:
            lang = value[1] if value[0] == 1 else ""
            if not any(lang == x or lang.startswith(x + "-") for x in prop.languages):
                yield _problem(shape, prop, node, f'"{shown}" has language "{lang}"')
        if prop.unique_lang and value[0] == 1 and value[1]:
            if value[1] in languages:
                yield _problem(shape, prop, node, f'two values in language "{value[1]}"')
            languages.add(value[1])  # type: ignore[arg-type]
        if prop.cls:
            if value[0] not in (0, 3):
                yield _problem(shape, prop, node, f'"{shown}" is not an instance of {prop.cls}')
            elif value[1] in types or final:
                if types.get(value[1], set()).isdisjoint(_within(prop.cls)):  # type: ignore[arg-type]
                    yield _problem(shape, prop, node, f"{shown} is not an instance of {prop.cls}")
            else:
                where = f"{node} {prop.path}"
                report.classes.setdefault((value[1], prop.cls), set()).add(where)  # type: ignore[index]


def _problem(shape: Shape, prop: Property, node: str, what: str) -> str:
    return f"{node} {prop.path}: {prop.message or what} (shape {shape.name})"


def graph_subjects(graph: Graph) -> dict[str, Subject]:
    """An rdflib graph as IRI -> predicate -> values, the form `check` reads."""
    subjects: dict[str, dict[str, list[Value]]] = {}
    for s, p, o in graph:
        key = str(s)
        subjects.setdefault(key, {}).setdefault(str(p), []).append(value_of(o))
    return subjects  # type: ignore[return-value]


def finish(report: Report, context: Graph) -> list[str]:
    """Resolve what the chunks left open against the context graph, and check the context."""
    subjects = graph_subjects(context)
    types = {
        iri: {v[1] for v in props.get(TYPE, ()) if v[0] == 0} for iri, props in subjects.items()
    }
    problems = list(report.problems) + check(subjects, final=True).problems
    for (node, cls), wheres in sorted(report.classes.items()):
        if types.get(node, set()).isdisjoint(_within(cls)):
            problems += [f"{where}: {node} is not an instance of {cls}" for where in wheres]
    by_name = {shape.name: shape for shape in shapes()}
    for name, node in sorted(report.focus):
        problems += _node(by_name[name], [node], subjects, types, Report(), True)
    return sorted(set(problems))

"""The kg vocabulary, and the gazetteer of canonical entities read from `ontology/` as SKOS data."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace as _replace
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace
from rdflib.term import Node

from kg import terms
from kg.errors import KgError

DEFAULT_BASE = "https://example.org/kg/id/"
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")


class KG(DefinedNamespace):
    """The kg vocabulary (ontology/kg.ttl); a misspelt term is an error, not a new IRI."""

    _NS = Namespace("https://example.org/kg/vocab#")
    _fail = True

    Talk: URIRef
    Event: URIRef
    Track: URIRef
    Organization: URIRef
    Person: URIRef
    RayLibrary: URIRef
    Technique: URIRef
    Hardware: URIRef
    Software: URIRef
    Model: URIRef
    Evidence: URIRef
    Claim: URIRef
    Method: URIRef
    gazetteer: URIRef
    pattern: URIRef
    cue: URIRef
    claim: URIRef
    value: URIRef
    maxValue: URIRef
    unit: URIRef
    statement: URIRef
    Source: URIRef
    track: URIRef
    event: URIRef
    keynote: URIRef
    summary: URIRef
    description: URIRef
    conclusion: URIRef
    summaryMissing: URIRef
    sourceFile: URIRef
    sourceLine: URIRef
    hasSpeaker: URIRef
    presentedBy: URIRef
    mentions: URIRef
    mentionsOrganization: URIRef
    mentionsRayLibrary: URIRef
    mentionsTechnique: URIRef
    mentionsHardware: URIRef
    mentionsSoftware: URIRef
    mentionsModel: URIRef
    evidence: URIRef
    link: URIRef
    method: URIRef
    confidence: URIRef
    field: URIRef
    start: URIRef
    end: URIRef
    matchedText: URIRef
    sentence: URIRef
    foundBy: URIRef
    affiliation: URIRef
    vendor: URIRef
    developer: URIRef
    matchCase: URIRef
    matchable: URIRef
    contextWord: URIRef


class NIF(DefinedNamespace):
    """The terms of NIF 2.0 Core the evidence uses: a sentence is a `Context`, a match a `Phrase`."""

    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
    _fail = True

    Context: URIRef
    Phrase: URIRef
    isString: URIRef
    referenceContext: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef


class ITSRDF(DefinedNamespace):
    """The one ITS 2.0 term the evidence uses: the entity a phrase names."""

    _NS = Namespace("http://www.w3.org/2005/11/its/rdf#")
    _fail = True

    taIdentRef: URIRef


# Entity kinds: the IRI path segment, the class and the property that links a talk to one.
KINDS = {
    "organization": (KG.Organization, KG.mentionsOrganization),
    "ray-library": (KG.RayLibrary, KG.mentionsRayLibrary),
    "technique": (KG.Technique, KG.mentionsTechnique),
    "hardware": (KG.Hardware, KG.mentionsHardware),
    "software": (KG.Software, KG.mentionsSoftware),
    "model": (KG.Model, KG.mentionsModel),
    "person": (KG.Person, KG.hasSpeaker),
}
KIND_OF_CLASS = {cls: kind for kind, (cls, _) in KINDS.items()}
ONTOLOGY_FILES = ("kg.ttl", "tracks.ttl", "gazetteer.ttl")
CURATED = "gazetteer.ttl"
# The generated layer as the loader reads it (scripts/gazetteer.py writes it beside the Turtle).
LAYER_INDEX = "generated/layer.json"
COMMON_WORDS = "common-words.txt"
RELATIONS = {"broader": SKOS.broader, "vendor": KG.vendor, "developer": KG.developer}


@dataclass(frozen=True, order=True)
class Entity:
    """A canonical entity of the gazetteer; `key` is its IRI path under the base."""

    key: str
    kind: str
    label: str
    labels: tuple[str, ...]
    match_case: bool = False
    matchable: bool = True
    affiliation: str | None = None
    # Words one of which must stand in the sentence for a bare ambiguous label to match.
    context: tuple[str, ...] = ()
    # "gazetteer" for the curated core and generated layers; "cue" or "pattern" for entities
    # the extractor found in the text.
    found_by: str = "gazetteer"


@dataclass(frozen=True)
class Gazetteer:
    """The entities to look for, the known tracks, and the RDF they were read from."""

    entities: dict[str, Entity]
    tracks: dict[str, str]
    graph: Graph


def normalize(text: str) -> str:
    """The form labels are compared in: NFKC (full-width to half-width) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def slug(text: str) -> str:
    """A stable IRI segment: lower case, runs of other characters become one "-"."""
    return re.sub(r"[\W_]+", "-", normalize(text)).strip("-") or "-"


def ontology_dir() -> Traversable:
    """The shipped ontology: inside the installed package, or beside it in a source checkout."""
    packaged = files("kg") / "ontology"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "ontology"


def read_ontology(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=(ontology_dir() / name).read_text(encoding="utf-8"), format="turtle")
    return graph


def load_gazetteer(extra: tuple[Path, ...] = (), layer: bool = True) -> Gazetteer:
    """Read the vocabulary, the tracks, the curated gazetteer (plus any `extra` Turtle files) and
    the generated layer. The curated entries are checked (see `check_curated`); where the
    generated layer meets them, the curated entries win (see `with_layer`)."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        if name != CURATED:
            graph += read_ontology(name)
    curated = [(str(ontology_dir() / CURATED), read_ontology(CURATED))]
    for path in extra:
        try:
            with terms.quiet_rdflib():  # kg.terms says what is wrong with an IRI, in one line
                part = Graph().parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as error:
            raise KgError(f"{path}: cannot read the gazetteer file ({error})") from None
        terms.graph_terms(part, str(path))
        curated.append((str(path), part))
    for _, part in curated:
        graph += part
    check_curated(graph, curated)
    core = gazetteer_from(graph)
    return with_layer(core, read_layer()) if layer else core


def gazetteer_from(graph: Graph) -> Gazetteer:
    """The entities and tracks described in `graph` (gazetteer.ttl's format)."""
    values = _Values(*(_objects(graph, predicate) for predicate in _ENTITY_PREDICATES))
    entities = {}
    for cls, kind in KIND_OF_CLASS.items():
        for subject in graph.subjects(RDF.type, cls):
            entity = _entity(values, subject, kind)
            entities[entity.key] = entity
    tracks = {}
    for subject in graph.subjects(RDF.type, KG.Track):
        for label in graph.objects(subject, SKOS.prefLabel | SKOS.altLabel):
            tracks[_track_form(str(label))] = key_of(subject)
    return Gazetteer(dict(sorted(entities.items())), tracks, graph)


_ENTITY_PREDICATES = (
    SKOS.prefLabel,
    SKOS.altLabel,
    KG.affiliation,
    KG.matchCase,
    KG.matchable,
    KG.contextWord,
)
_FALSE = Literal(False)


@dataclass(frozen=True)
class _Values:
    """The objects of each entity predicate, by subject (one pass over the graph per predicate)."""

    pref: dict[Node, list[Node]]
    alt: dict[Node, list[Node]]
    affiliation: dict[Node, list[Node]]
    match_case: dict[Node, list[Node]]
    matchable: dict[Node, list[Node]]
    context: dict[Node, list[Node]]


def _objects(graph: Graph, predicate: URIRef) -> dict[Node, list[Node]]:
    found: dict[Node, list[Node]] = defaultdict(list)
    for subject, value in graph.subject_objects(predicate):
        found[subject].append(value)
    return found


def key_of(subject: object) -> str:
    text = str(subject)
    if not text.startswith(DEFAULT_BASE):
        raise KgError(f"gazetteer entity {text} is not under {DEFAULT_BASE}")
    return text[len(DEFAULT_BASE) :]


def _entity(values: _Values, subject: Node, kind: str) -> Entity:
    key = key_of(subject)
    preferred = sorted(values.pref.get(subject, []), key=_lang_order)
    english = [
        str(label) for label in preferred if isinstance(label, Literal) and label.language == "en"
    ]
    if kind == "person" and not english:  # a person's name as written, in any script
        english = [str(label) for label in preferred][:1]
    if len(english) != 1:
        raise KgError(f"gazetteer entity {key} needs exactly one English skos:prefLabel")
    alternatives = sorted(str(label) for label in values.alt.get(subject, []))
    labels = tuple(dict.fromkeys([str(label) for label in preferred] + alternatives))
    affiliation = values.affiliation.get(subject)
    return Entity(
        key=key,
        kind=kind,
        label=english[0],
        labels=labels,
        match_case=any(bool(v) for v in values.match_case.get(subject, ())),
        matchable=_FALSE not in values.matchable.get(subject, ()),
        affiliation=key_of(affiliation[0]) if affiliation else None,
        context=tuple(sorted(str(word) for word in values.context.get(subject, ()))),
    )


def label_form(label: str) -> str:
    """The form in which two labels are the same name to the matcher: NFKC, case-folded, without
    spaces or hyphens ("Ray Serve", "ray-serve" and "RayServe" are one form)."""
    return re.sub(r"[\s-]+", "", normalize(label))


@cache
def common_words() -> frozenset[str]:
    """The stop list: the most frequent English words (ontology/common-words.txt; see NOTICE)."""
    text = (ontology_dir() / COMMON_WORDS).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def check_curated(graph: Graph, parts: list[tuple[str, Graph]]) -> None:
    """Refuse curated entries that can only do harm, naming the file and the entity: a label of
    only spaces or of one character; an altLabel that is a common English word (a technique's
    excepted: techniques are named by ordinary words) on an entity without kg:matchCase or
    kg:contextWord; one label on entities of two classes; one IRI typed as two classes."""
    words = common_words()
    kind_of: dict[Node, str] = {}
    for subject, cls in sorted(graph.subject_objects(RDF.type)):
        kind = KIND_OF_CLASS.get(URIRef(str(cls)))
        if kind is None:
            continue
        if kind_of.setdefault(subject, kind) != kind:
            name = next(n for n, part in parts if (subject, RDF.type, cls) in part)
            classes = " and ".join(
                sorted(f"kg:{str(KINDS[k][0]).split('#')[-1]}" for k in (kind_of[subject], kind))
            )
            raise KgError(f"{name}: {key_of(subject)} is typed as both {classes}; keep one class")
    owner: dict[str, tuple[str, Node]] = {}
    for name, part in parts:
        for subject, predicate, label in sorted(part.triples((None, None, None))):
            if predicate not in (SKOS.prefLabel, SKOS.altLabel) or subject not in kind_of:
                continue
            if (subject, KG.matchable, Literal(False)) in graph:
                continue
            kind, key, text = kind_of[subject], key_of(subject), str(label)
            where = f'{name}: {key}: {str(predicate).split("#")[-1]} "{text}"'
            if not text.strip():
                raise KgError(f"{where} is only spaces; remove it")
            if len(text.strip()) == 1:
                raise KgError(
                    f"{where} is one character and would match almost anywhere; remove it"
                )
            free = (
                not graph.value(subject, KG.matchCase)
                and graph.value(subject, KG.contextWord) is None
            )
            if (
                predicate == SKOS.altLabel
                and kind != "technique"
                and free
                and text.casefold() in words
            ):
                raise KgError(
                    f"{where} is a common English word; give the entity kg:matchCase true"
                    " or a kg:contextWord, or remove the label"
                )
            other_kind, other = owner.setdefault(label_form(text), (kind, subject))
            if other_kind != kind:
                raise KgError(
                    f'{name}: {key}: label "{text}" also names {key_of(other)}, an entity of'
                    " another class; keep it on one"
                )


def read_layer() -> dict[str, list[dict[str, object]]]:
    """The generated layer's index (ontology/generated/layer.json), or no entities without it."""
    path = ontology_dir() / LAYER_INDEX
    if not path.is_file():
        return {"entities": []}
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def with_layer(core: Gazetteer, layer: dict[str, list[dict[str, object]]]) -> Gazetteer:
    """`core` with the generated layer's entities added; curated entries win where they meet:
    - a generated entity with a curated IRI only adds the labels no curated entity has, and only
      when its class is the curated one;
    - a generated entity whose English name is a curated label is left out (the curated entity is
      that name); any other generated label that is a curated label is left off;
    - broader, vendor and developer links to entities that are not there are left off."""
    taken = {label_form(label) for e in core.entities.values() for label in e.labels}
    entities = dict(core.entities)
    rows: list[tuple[str, str, dict[str, object]]] = []
    for row in layer["entities"]:
        key, kind = str(row["key"]), str(row["kind"])
        names = [str(label) for label in _strings(row.get("labels"))]
        free = [label for label in names if label_form(label) not in taken]
        if key in core.entities:
            if core.entities[key].kind == kind and free:
                entity, subject = entities[key], URIRef(DEFAULT_BASE + key)
                preferred = [str(v) for v in core.graph.objects(subject, SKOS.prefLabel)]
                others = sorted({*entity.labels, *free} - set(preferred))
                labels = tuple(dict.fromkeys([*entity.labels[: len(preferred)], *others]))
                entities[key] = _replace(entity, labels=labels)
                rows.append((key, kind, {"alt": free}))
            continue
        if label_form(str(row["label"])) in taken:
            continue
        entities[key] = Entity(
            key=key,
            kind=kind,
            label=str(row["label"]),
            labels=tuple(free),
            match_case=bool(row.get("matchCase")),
            context=tuple(_strings(row.get("context"))),
        )
        rows.append((key, kind, row))
    graph = core.graph
    graph.addN((s, p, o, graph) for s, p, o in _triples(rows, entities))
    return Gazetteer(dict(sorted(entities.items())), core.tracks, graph)


def _triples(
    rows: list[tuple[str, str, dict[str, object]]], entities: dict[str, Entity]
) -> Iterable[tuple[Node, Node, Node]]:
    for key, kind, row in rows:
        subject = URIRef(DEFAULT_BASE + key)
        if "label" not in row:  # labels added to a curated entity
            for label in _strings(row["alt"]):
                yield subject, SKOS.altLabel, Literal(label, lang=_language(label))
            continue
        entity = entities[key]
        yield subject, RDF.type, KINDS[kind][0]
        for label in entity.labels:
            predicate = (
                SKOS.prefLabel if label in _strings(row.get("prefLabels")) else SKOS.altLabel
            )
            yield subject, predicate, Literal(label, lang=_language(label))
        for name, predicate in RELATIONS.items():
            for target in _strings(row.get(name)):
                if target in entities:
                    yield subject, predicate, URIRef(DEFAULT_BASE + target)
        if entity.match_case:
            yield subject, KG.matchCase, Literal(True)
        for word in entity.context:
            yield subject, KG.contextWord, Literal(word)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _language(label: str) -> str:
    return "zh" if re.search("[\u3400-\u9fff]", label) else "en"


def _lang_order(label: object) -> tuple[int, str]:
    language = label.language if isinstance(label, Literal) else None
    return (0 if language == "en" else 1, str(label))


def _track_form(label: str) -> str:
    return re.sub(r"\s+", "", normalize(label))


def track_key(gazetteer: Gazetteer, label: str) -> str:
    """The key of a track as the table writes it; an unknown track gets one from its label."""
    return gazetteer.tracks.get(_track_form(label), "track/" + slug(label))

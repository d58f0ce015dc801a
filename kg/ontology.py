"""The kg vocabulary, and the gazetteer of canonical entities read from `ontology/` as SKOS data."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

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


def load_gazetteer(extra: tuple[Path, ...] = ()) -> Gazetteer:
    """Read the vocabulary, the tracks and the gazetteer (plus any `extra` Turtle files)."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph += read_ontology(name)
    for path in extra:
        try:
            graph.parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as error:
            raise KgError(f"{path}: cannot read the gazetteer file ({error})") from None
    return gazetteer_from(graph)


def gazetteer_from(graph: Graph) -> Gazetteer:
    """The entities and tracks described in `graph` (gazetteer.ttl's format)."""
    entities = {}
    for cls, kind in KIND_OF_CLASS.items():
        for subject in graph.subjects(RDF.type, cls):
            entity = _entity(graph, URIRef(str(subject)), kind)
            entities[entity.key] = entity
    tracks = {}
    for subject in graph.subjects(RDF.type, KG.Track):
        for label in graph.objects(subject, SKOS.prefLabel | SKOS.altLabel):
            tracks[_track_form(str(label))] = key_of(subject)
    return Gazetteer(dict(sorted(entities.items())), tracks, graph)


def key_of(subject: object) -> str:
    text = str(subject)
    if not text.startswith(DEFAULT_BASE):
        raise KgError(f"gazetteer entity {text} is not under {DEFAULT_BASE}")
    return text[len(DEFAULT_BASE) :]


def _entity(graph: Graph, subject: URIRef, kind: str) -> Entity:
    key = key_of(subject)
    preferred = sorted(graph.objects(subject, SKOS.prefLabel), key=_lang_order)
    english = [
        str(label) for label in preferred if isinstance(label, Literal) and label.language == "en"
    ]
    if kind == "person" and not english:  # a person's name as written, in any script
        english = [str(label) for label in preferred][:1]
    if len(english) != 1:
        raise KgError(f"gazetteer entity {key} needs exactly one English skos:prefLabel")
    alternatives = sorted(str(label) for label in graph.objects(subject, SKOS.altLabel))
    labels = tuple(dict.fromkeys([str(label) for label in preferred] + alternatives))
    affiliation = graph.value(subject, KG.affiliation)
    return Entity(
        key=key,
        kind=kind,
        label=english[0],
        labels=labels,
        match_case=bool(graph.value(subject, KG.matchCase)),
        matchable=graph.value(subject, KG.matchable) != Literal(False),
        affiliation=key_of(affiliation) if affiliation is not None else None,
    )


def _lang_order(label: object) -> tuple[int, str]:
    language = label.language if isinstance(label, Literal) else None
    return (0 if language == "en" else 1, str(label))


def _track_form(label: str) -> str:
    return re.sub(r"\s+", "", normalize(label))


def track_key(gazetteer: Gazetteer, label: str) -> str:
    """The key of a track as the table writes it; an unknown track gets one from its label."""
    return gazetteer.tracks.get(_track_form(label), "track/" + slug(label))

"""Find names the gazetteer does not know but the text marks as names: candidates to add.

Patterns: an organization word after a name ("X公司", "X团队", "X实验室"), "from/at X" in English,
a product word after a Latin name ("X框架", "X平台", "X项目", "X引擎"), CamelCase and other
product-like Latin tokens ("AIBrix", "vLLM", "SGLang", "H100", "Llama 3", "FSDP"). Speakers are
not candidates: kg/speakers.py links them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kg.extract import Mention, sentence_at
from kg.ontology import Gazetteer, normalize, ontology_dir
from kg.table import Talk

WORD = r"[A-Z][A-Za-z0-9&'-]*(?:\.[A-Za-z0-9]+)*"
NAME = rf"{WORD}(?: {WORD}){{0,3}}"
LATIN_EDGE_BEFORE = r"(?<![A-Za-z0-9.-])"
LATIN_EDGE_AFTER = r"(?![A-Za-z0-9])"
PATTERNS = (
    ("organization", re.compile(rf"({NAME})\s*(?:公司|集团|实验室|研究院|研究所|大学)")),
    ("organization", re.compile(rf"\b(?:from|at) ({NAME})")),
    ("software", re.compile(rf"({NAME})\s*(?:框架|平台|项目|引擎|系统|库|工具)")),
    # CamelCase and mixed-case product names: "AIBrix", "vLLM", "SGLang".
    (
        "software",
        re.compile(
            rf"{LATIN_EDGE_BEFORE}([A-Za-z]*[a-z][A-Z][A-Za-z0-9-]*|[A-Z]{{2,}}[a-z][A-Za-z0-9-]*){LATIN_EDGE_AFTER}"
        ),
    ),
    # Product-like tokens: a model number ("H100", "MI300X", "Qwen2.5"), a name and its version
    # ("Llama 3", "TPU v5e"), an acronym ("FSDP", "GRPO").
    (
        "product",
        re.compile(
            rf"{LATIN_EDGE_BEFORE}([A-Z][A-Za-z]*\d[A-Za-z0-9.]*(?:-[A-Za-z0-9]+)*){LATIN_EDGE_AFTER}"
        ),
    ),
    (
        "product",
        re.compile(
            rf"{LATIN_EDGE_BEFORE}([A-Z][A-Za-z]+ v?\d{{1,2}}(?:\.\d+)?[a-wyz]?){LATIN_EDGE_AFTER}"
        ),
    ),
    ("product", re.compile(rf"{LATIN_EDGE_BEFORE}([A-Z]{{3,6}}){LATIN_EDGE_AFTER}")),
)
# Words the patterns catch that are not names.
STOPWORDS = {
    "ai",
    "ml",
    "llm",
    "llms",
    "gpu",
    "gpus",
    "cpu",
    "cpus",
    "vm",
    "vms",
    "os",
    "api",
    "apis",
    "ray",
    "the",
    "a",
    "an",
    "in",
    "on",
    "of",
    "and",
    "for",
    "with",
    "deep",
    "dive",
    "scale",
    "summit",
    "keynote",
    "day",
}


@dataclass(frozen=True, order=True)
class Candidate:
    """A name to judge: its kind guess, how often it occurs, and where."""

    kind: str
    name: str
    count: int
    evidence: tuple[str, ...]
    method: str = ""  # for an entity found in the text: "cue" or "pattern"


def candidates(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: Iterable[Mention]
) -> list[Candidate]:
    """Names the patterns find that no gazetteer label covers, most frequent first."""
    known = {normalize(label) for entity in gazetteer.entities.values() for label in entity.labels}
    known |= judged_not_entities()
    covered: dict[tuple[str, int, str], list[tuple[int, int]]] = {}
    for m in mentions:
        covered.setdefault((m.source, m.line, m.field), []).append((m.start, m.end))
    found: dict[tuple[str, str], list[str]] = {}
    for talk in talks:
        for field, text, kind, start, end in _names(talk):
            name = text[start:end].strip(" .'-")
            spans = covered.get((talk.source, talk.line, field), [])
            if (
                normalize(name) in known
                or normalize(name.split()[0]) in STOPWORDS
                or len(name) < 2
                or any(s < end and start < e for s, e in spans)
            ):
                continue
            place = f"{talk.source}:{talk.line} {field}: {sentence_at(text, start)}"
            found.setdefault((kind, name), []).append(place)
    return sorted(
        (
            Candidate(kind, name, len(places), tuple(places[:3]))
            for (kind, name), places in found.items()
        ),
        key=lambda c: (-c.count, c.kind, c.name),
    )


@cache
def judged_not_entities() -> frozenset[str]:
    """Names already judged not to be entities (ontology/not-entities.tsv: name, reason)."""
    text = (ontology_dir() / "not-entities.tsv").read_text(encoding="utf-8")
    return frozenset(
        normalize(line.split("\t")[0]) for line in text.splitlines()[1:] if line.strip()
    )


def _names(talk: Talk) -> Iterable[tuple[str, str, str, int, int]]:
    for field, text in (("title", talk.title), ("summary", talk.summary)):
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(text):
                yield field, text, kind, match.start(1), match.end(1)


def found_in_text(gazetteer: Gazetteer, mentions: Iterable[Mention]) -> list[Candidate]:
    """The entities the extractor made from the text (by a cue or a version pattern), not from
    the gazetteer: each with how it was found and the sentences that name it, most frequent
    first. Their links are in the graph already; adding them to the gazetteer makes them sure."""
    places = _places(gazetteer, mentions)
    return sorted(
        (
            Candidate(
                gazetteer.entities[key].kind,
                gazetteer.entities[key].label,
                len(where),
                tuple(where[:3]),
                gazetteer.entities[key].found_by,
            )
            for key, where in places.items()
        ),
        key=lambda c: (-c.count, c.kind, c.name),
    )


def _places(gazetteer: Gazetteer, mentions: Iterable[Mention]) -> dict[str, list[str]]:
    """For each entity found in the text, the places (file:line field: sentence) that name it."""
    places: dict[str, list[str]] = {}
    for m in sorted(mentions):
        entity = gazetteer.entities.get(m.entity)
        if entity is not None and entity.found_by != "gazetteer":
            place = f"{m.source}:{m.line} {m.field}: {m.sentence}"
            if place not in places.setdefault(m.entity, []):
                places[m.entity].append(place)
    return places


def format_candidates(found: list[Candidate], marked: list[Candidate]) -> str:
    """Entities found in the text, then names the text marks that nothing linked."""
    lines = []
    if found:
        lines.append(
            "found in the text, not in the gazetteer (review; --turtle prints them as entries):"
        )
    for c in found:
        lines.append(f"{c.kind:<12} {c.name}  (by {c.method}, {c.count}x)")
        lines.extend(f"    {place}" for place in c.evidence)
    if not marked:
        lines.append("no other candidates: every name the patterns find is in the gazetteer")
    elif found:
        lines.append("marked as names, not linked:")
    for c in marked:
        lines.append(f"{c.kind:<12} {c.name}  ({c.count}x)")
        lines.extend(f"    {place}" for place in c.evidence)
    return "\n".join(lines)


def gazetteer_turtle(gazetteer: Gazetteer, mentions: Iterable[Mention]) -> str:
    """The entities found in the text as gazetteer entries (ontology/gazetteer.ttl's format), for
    a person to review and add: class, skos:prefLabel, a skos:altLabel for each other spelling,
    skos:broader and kg:affiliation where known, and an rdfs:comment with how it was found and
    its first evidence sentence."""
    from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

    from kg.extract import Found
    from kg.ontology import DEFAULT_BASE, KG, KINDS
    from kg.rdf import language

    mentions = list(mentions)
    spellings: dict[str, set[str]] = {}
    for m in mentions:
        spellings.setdefault(m.entity, set()).add(m.text)
    graph = Graph()
    graph.bind("kg", KG._NS)
    graph.bind("skos", SKOS)
    for kind in KINDS:
        graph.bind(kind.replace("-", ""), f"{DEFAULT_BASE}{kind}/")
    evidence = {key: where[0] for key, where in _places(gazetteer, mentions).items()}
    pending = sorted(evidence)
    while pending:  # with the broader entities a version pattern made on the way
        entity = gazetteer.entities[pending.pop()]
        parent = (
            gazetteer.entities.get(entity.broader)
            if isinstance(entity, Found) and entity.broader
            else None
        )
        if parent is not None and parent.found_by != "gazetteer" and parent.key not in evidence:
            evidence[parent.key] = f"{evidence[entity.key]} (as the family of {entity.label})"
            pending.append(parent.key)
    for key in sorted(evidence):
        entity = gazetteer.entities[key]
        subject = URIRef(DEFAULT_BASE + key)
        graph.add((subject, RDF.type, KINDS[entity.kind][0]))
        graph.add((subject, SKOS.prefLabel, Literal(entity.label, lang=language(entity.label))))
        for other in sorted(spellings.get(key, set()) - {entity.label}):
            graph.add((subject, SKOS.altLabel, Literal(other, lang=language(other))))
        if isinstance(entity, Found) and entity.broader:
            graph.add((subject, SKOS.broader, URIRef(DEFAULT_BASE + entity.broader)))
        if entity.affiliation:
            graph.add((subject, KG.affiliation, URIRef(DEFAULT_BASE + entity.affiliation)))
        comment = f"found by {entity.found_by} in {evidence[key]}"
        graph.add((subject, RDFS.comment, Literal(comment)))
    return graph.serialize(format="turtle")

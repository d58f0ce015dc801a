"""Speakers the gazetteer does not list, found by how the text introduces them.

People are an open class: a new table brings new speakers. In the clause that says who gives a
talk ("本视频由Uber AI平台工程师Pong和Bharat共同分享", "Presented by Wei Zhang of ByteDance, this
session ..."), a name in a speaker's position becomes a person, tied to the organization the
sentence ties it to: the one after "from"/"of", else the nearest one before it ("Google's Maya").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kg.extract import CONFIDENCE, Found, Mention, find_versions, presenter_clause, sentence_at
from kg.ontology import DEFAULT_BASE, KG, KINDS, Entity, Gazetteer, slug
from kg.rdf import language
from kg.table import Talk

LATIN_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}"
ROLE = r"(?:工程师|经理|负责人|科学家|研究员|成员|创始人|CTO|CEO|博士后|主管|的|和|与|、|由|兼)"
PATTERNS = (
    # Chinese clause: a Latin or Chinese name after a role word or a conjunction, before 和/分享...
    re.compile(
        rf"{ROLE}\s*({LATIN_NAME}|[\u4e00-\u9fff]{{2,3}})(?=\s*(?:和|与|及|、|共同|分享|主讲|呈现|$))"
    ),
    # English clause: a name of two or three words after "by", "and", "'s", "engineers", ",",
    # before "and", "from", "of", a verb or a comma.
    re.compile(
        r"(?:\bby |\band |['’]s |\bengineers |\bresearchers |, |^)"
        r"([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})"
        r"(?= (?:and|from|of)\b|,|\s*$)"
    ),
)
NOT_A_NAME = re.compile(
    r"团队|成员|工程师|专家|同事|研究员|负责人|经理|人员|公司|平台|项目|实验室|大学|视频|演讲|本次|共同"
    r"|\b(?:Lab|Labs|University|Institute|Cloud|Analytics|Inc|Team|Research|Computing|Summit|Conference"
    r"|In|This|The|Presented)\b"
)


def find_speakers(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[Gazetteer, list[Mention]]:
    """The gazetteer grown by the entities found, and their mentions."""
    people, found = new_people(gazetteer, talks, mentions)
    return with_people(gazetteer, people), found


def new_people(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[dict[str, Entity], list[Mention]]:
    """The entities found in the text that the gazetteer does not list (versions of its models
    and hardware by pattern, then people by cue; a key found twice keeps its last finding), and
    their mentions. Each talk's findings depend on that talk alone, so chunks of talks can be
    searched apart (kg.engine) and their entities merged in order."""
    talks = list(talks)
    versions, versioned = find_versions(gazetteer, talks, mentions)
    people, found = _people(gazetteer, talks, mentions)
    return {**versions, **people}, sorted(versioned + found)


def _people(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: list[Mention]
) -> tuple[dict[str, Entity], list[Mention]]:
    taken: dict[tuple[str, int], list[tuple[int, int]]] = {}
    in_summary: dict[tuple[str, int], list[Mention]] = {}
    for m in mentions:
        if m.field == "summary":
            taken.setdefault((m.source, m.line), []).append((m.start, m.end))
            in_summary.setdefault((m.source, m.line), []).append(m)
    people: dict[str, Entity] = {}
    found: list[Mention] = []
    for talk in talks:
        clause = presenter_clause(talk)
        if clause is None:
            continue
        orgs = [
            m
            for m in in_summary.get((talk.source, talk.line), [])
            if gazetteer.entities[m.entity].kind == "organization"
            and clause[0] <= m.start < clause[1]
        ]
        text = talk.summary[clause[0] : clause[1]]
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                start, end = clause[0] + match.start(1), clause[0] + match.end(1)
                name = match.group(1)
                spans = taken.get((talk.source, talk.line), [])
                if NOT_A_NAME.search(name) or any(s < end and start < e for s, e in spans):
                    continue
                spans.append((start, end))
                taken[(talk.source, talk.line)] = spans
                affiliation = _affiliation(talk.summary, orgs, start, end)
                key = (
                    "person/"
                    + slug(name)
                    + (f"-{affiliation.split('/')[1]}" if affiliation else "")
                )
                if key not in gazetteer.entities:
                    people[key] = Found(
                        key, "person", name, (name,), affiliation=affiliation, found_by="cue"
                    )
                found.append(
                    Mention(
                        talk.source,
                        talk.line,
                        "summary",
                        start,
                        end,
                        key,
                        name,
                        name,
                        sentence_at(talk.summary, start),
                        "cue",
                        CONFIDENCE["cue"],
                    )
                )
    return people, sorted(found)


def _affiliation(text: str, orgs: list[Mention], start: int, end: int) -> str | None:
    after = [m for m in orgs if m.start >= end and re.search(r"(?:from|of)\s*$", text[: m.start])]
    if after:
        return min(after, key=lambda m: m.start).entity
    before = [m for m in orgs if m.end <= start]
    return max(before, key=lambda m: m.start).entity if before else None


def with_people(gazetteer: Gazetteer, found: dict[str, Entity]) -> Gazetteer:
    """The gazetteer with the entities `found` in the text added to its graph and entities."""
    if not found:
        return gazetteer
    graph = Graph()
    graph += gazetteer.graph
    for key, entity in found.items():
        subject = URIRef(DEFAULT_BASE + key)
        graph.add((subject, RDF.type, KINDS[entity.kind][0]))
        graph.add((subject, SKOS.prefLabel, Literal(entity.label, lang=language(entity.label))))
        if entity.affiliation:
            graph.add((subject, KG.affiliation, URIRef(DEFAULT_BASE + entity.affiliation)))
        if isinstance(entity, Found) and entity.broader:
            graph.add((subject, SKOS.broader, URIRef(DEFAULT_BASE + entity.broader)))
    entities = dict(sorted({**gazetteer.entities, **found}.items()))
    return Gazetteer(entities, gazetteer.tracks, graph)

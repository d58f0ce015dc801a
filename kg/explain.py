"""`explain`: every link of one talk, with its evidence and the gazetteer entry behind it."""

from __future__ import annotations

from kg.claims import find_claims
from kg.errors import KgError
from kg.pipeline import Analysis
from kg.rdf import talk_iri
from kg.table import Talk


def find_talk(analysis: Analysis, query: str, base: str) -> Talk:
    """The one talk whose IRI is `query` or whose title contains it (case-insensitive)."""
    matches = [
        talk
        for talk in analysis.talks
        if query == str(talk_iri(base, talk)) or query.casefold() in talk.title.casefold()
    ]
    if len(matches) != 1:
        titles = "; ".join(f"{t.source}:{t.line} {t.title}" for t in matches[:5])
        what = "no talk matches" if not matches else f"{len(matches)} talks match ({titles})"
        raise KgError(f'{what} "{query}": give a longer part of the title, or the IRI')
    return matches[0]


def explain(analysis: Analysis, talk: Talk, base: str) -> str:
    """A readable account of the talk's links."""
    lines = [
        f"{talk.title}",
        f"  {talk_iri(base, talk)}",
        f"  {talk.source}:{talk.line}  track: {talk.track}  event: {talk.event}",
    ]
    for item in analysis.links:
        if (item.source, item.line) != (talk.source, talk.line):
            continue
        entity = analysis.gazetteer.entities[item.entity]
        origin = (
            ""
            if entity.found_by == "gazetteer"
            else f"  (not in the gazetteer: found by {entity.found_by})"
        )
        lines.append(f"{item.role}: {entity.label}  <{base}{entity.key}>{origin}")
        for m in item.evidence:
            how = {
                "gazetteer": f'gazetteer label "{m.label}"',
                "pattern": f'version or product pattern, "{m.label}"',
                "cue": "cue: named where a name stands",
            }[m.method]
            lines.append(
                f'  {m.field} [{m.start}:{m.end}] "{m.text}" ({how}; {m.method}, confidence {m.confidence:.2f})'
            )
            lines.append(f"    {m.sentence}")
    for claim in find_claims([talk]):
        lines.append(f"claim: {claim.value}{'-' + claim.high if claim.high else ''} {claim.unit}")
        lines.append(
            f'  {claim.field} [{claim.start}:{claim.end}] "{claim.text}"  {claim.statement}'
        )
    return "\n".join(lines)

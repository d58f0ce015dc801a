"""The one check of every IRI and literal kg writes, so that every reader of the outputs (rdflib,
Oxigraph, rapper, XML parsers for GraphML) reads them, and reads them back the same.

Decisions, per kind of value:

- An IRI must be a valid absolute IRI (RFC 3987, and Turtle's IRIREF: no space, `<>"{}|^`\\`
  and no control character anywhere), and no space of any kind (NBSP, U+3000: RFC 3987 allows
  some, but readers split on them, rdflib's N-Triples parser among them). Refused otherwise: an IRI cannot be encoded into another
  one without changing what it names. The base (`--base-iri`) must end in "/" or "#"; the parts
  kg appends to it (slugs: letters, digits and "-") are valid by construction.
  Three letters (U+00AA, U+00B5, U+00BA) are refused in a gazetteer's IRIs: rdflib writes
  them into prefixed names, which Turtle does not allow.
- A literal may hold any character except those some reader refuses or that change the text:
  C0 controls but tab (XML 1.0 refuses them; line breaks would need Turtle's long strings,
  which one writer quotes wrongly), DEL and C1 controls (invisible, and some act on terminals),
  lone surrogates (no UTF-8 for them), and the Unicode non-characters (U+FFFE, U+FFFF and the
  like, which XML refuses). Refused, never dropped or replaced: a value that names things must
  come out as it went in. Quotes, backslashes and everything else are escaped by the writer.

Each refusal is one `KgError` line naming where the value came from (a table's file and line,
a gazetteer file, an option).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kg.errors import KgError, printable

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.ontology import Gazetteer
    from kg.table import Talk

# Characters no literal may hold (see the module's docstring). Non-characters beyond the BMP
# are found among the text's astral characters (a regex class of them all is slow).
BAD_TEXT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# RFC 3987: an IRI's shape, with every character beyond ASCII taken here (`_NON_ASCII`) and then
# checked against ucschar by `_bad_in_iri`; spaces of every kind are refused too (NBSP, U+3000:
# RFC 3987 allows some, but they are invisible, and readers split on them, rdflib's N-Triples
# parser among them). Private-use characters, which RFC 3987 allows in a query only, are
# refused everywhere.
_NON_ASCII = "\u0080-\U0010ffff"
BAD_IN_IRI = re.compile("[\x80-\x9f\ud800-\uf8ff\ufdd0-\ufdef\ufff0-\uffff]|\\s")
# Letters rdflib (by Unicode category) takes into a prefixed name's local part but Turtle's
# PN_CHARS do not: an IRI holding one would come out unreadable. kg's own slugs never hold them
# (NFKC folds them); a gazetteer's IRIs are refused with them.
UNNAMEABLE = re.compile("[\u00aa\u00b5\u00ba]")
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = f"A-Za-z0-9\\-._~{_NON_ASCII}"
_SUB = "!$&'()*+,;="
_PCHAR = f"(?:[{_UNRESERVED}{_SUB}:@]|{_PCT})"
_AUTHORITY = (
    f"(?:(?:[{_UNRESERVED}{_SUB}:]|{_PCT})*@)?"  # userinfo
    rf"(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~{_SUB}:]+\]"  # IP literal
    f"|(?:[{_UNRESERVED}{_SUB}]|{_PCT})*)"  # IPv4 or a registered name
    "(?::[0-9]*)?"  # port
)
_SCHEME = "[A-Za-z][A-Za-z0-9+\\-.]*:"
IRI = re.compile(
    f"{_SCHEME}"
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|(?!//)(?:{_PCHAR}|/)*)"  # hierarchical part
    f"(?:\\?(?:{_PCHAR}|[/?])*)?"  # query
    f"(?:#(?:{_PCHAR}|[/?])*)?"  # fragment
)
_NOT_IN_IRI = re.compile(f"[^A-Za-z0-9\\-._~{_NON_ASCII}{_SUB}:@/?#\\[\\]%]")
# A "." or ".." segment of the path (RFC 3986, 5.2.4): some readers (Raptor) resolve it away,
# others (rdflib, Oxigraph) keep it, so the same export would name different IRIs.
DOT_SEGMENT = re.compile(_SCHEME + r"(?://[^/?#]*)?(?:[^?#]*/)?\.\.?(?:[/?#]|$)")


def _bad_character(value: str, bmp: re.Pattern[str], in_iri: bool = False) -> str | None:
    """The first character of `value` that `bmp` finds, else the first astral non-character
    (and, `in_iri`, the first astral character RFC 3987's ucschar lacks)."""
    bad = bmp.search(value)
    if bad:
        return bad.group()
    if value.isascii():
        return None
    for char in ASTRAL.findall(value):
        code = ord(char)
        if code & 0xFFFE == 0xFFFE or (in_iri and (0xE0000 <= code < 0xE1000 or code >= 0xF0000)):
            return char
    return None


def text(value: str, where: str, what: str = "the text") -> str:
    """`value` as a literal may hold it; otherwise a `KgError` naming `where` and `what`."""
    bad = _bad_character(value, BAD_TEXT)
    if bad:
        raise KgError(
            f"{where}: {what} holds {_named(bad)}, which RDF or XML readers refuse or "
            "show wrongly; remove it"
        )
    return value


def iri(value: str, where: str, what: str = "the IRI") -> str:
    """`value` if it is a valid absolute IRI; otherwise a `KgError` naming `where` and why."""
    bad = _bad_character(value, BAD_IN_IRI, in_iri=True)
    if not bad and IRI.fullmatch(value):
        if DOT_SEGMENT.match(value):
            raise KgError(
                f'{where}: {what} <{printable(value)}> has a "." or ".." path segment, which '
                "some RDF readers resolve away and others keep; remove it"
            )
        return value
    if not re.match(_SCHEME, value):
        reason = 'it has no scheme (such as "https:")'
    elif bad or (bad := next(iter(_NOT_IN_IRI.findall(value)), None)):
        reason = f"it holds {_named(bad)}, which an IRI may not"
    elif value.count("#") > 1:
        reason = 'it holds a second "#" (an IRI has one fragment)'
    else:
        reason = (
            'its form is not an IRI\'s (RFC 3987: a "%" takes two hex digits, a port only digits)'
        )
    raise KgError(f"{where}: {what} <{printable(value)}> is not a valid absolute IRI: {reason}")


def base(value: str, where: str = "--base-iri") -> str:
    """A base for the instance IRIs: a valid absolute IRI ending in "/" or "#"."""
    iri(value, where, "the base IRI")
    if not value.endswith(("/", "#")):
        raise KgError(f"{where}: the base IRI <{printable(value)}> must end in / or #")
    return value


def graph_terms(graph: Graph, where: str) -> None:
    """Check every IRI and literal of `graph` (a gazetteer file, read as `where`)."""
    from rdflib import Literal, URIRef

    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                iri(str(term), where)
                if bad := UNNAMEABLE.search(str(term)):
                    raise KgError(
                        f"{where}: the IRI <{printable(str(term))}> holds {_named(bad.group())}, "
                        "which rdflib writes into a Turtle prefixed name that other readers "
                        f"refuse; write it as {_percent(bad.group())}"
                    )
            elif isinstance(term, Literal):
                of = f"the literal {_quoted(str(term))} of <{printable(str(triple[0]))}>"
                text(str(term), where, of)


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Without rdflib's warning that an IRI "does not look like a valid URI" (`iri` says it)."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def talks_text(talks: Iterable[Talk]) -> None:
    """Check the text of each talk, naming its file and line."""
    for talk in talks:
        where = f"{talk.source}:{talk.line}"
        for what, value in (
            ("the track", talk.track),
            ("the title", talk.title),
            ("the event", talk.event),
            ("the summary", talk.summary),
            ("the file name", talk.source),
        ):
            text(value, where, what)


def distinct_iris(gazetteer: Gazetteer, talks: Iterable[Talk]) -> None:
    """Refuse two events, tracks or source files that are written differently but would get
    one IRI (one node with two labels), naming both table lines; like talks (kg.pipeline)."""
    from kg.ontology import slug, track_key

    seen: dict[tuple[str, str], tuple[str, Talk]] = {}
    for talk in talks:
        track = track_key(gazetteer, talk.track)
        known = track in gazetteer.tracks.values()  # its labels are the gazetteer's
        for kind, key, label in (
            ("event", slug(talk.event), talk.event),
            ("track", "" if known else track, talk.track),
            ("source file", slug(talk.source), talk.source),
        ):
            if not key:
                continue
            first_label, first = seen.setdefault((kind, key), (label, talk))
            if first_label != label:
                raise KgError(
                    f'{talk.source}:{talk.line}: the {kind} "{printable(label)}" gets the same IRI '
                    f'as the {kind} "{printable(first_label)}" at {first.source}:{first.line}; '
                    f"write them the same way, or make them differ in letters or digits"
                )


def keys_under(base: str, gazetteer: Gazetteer) -> None:
    """Check the IRI each gazetteer key gets under `base` (a key with "#" under a base with "#"
    would hold two); under the default base they are the gazetteer's own IRIs, checked as read."""
    from kg.ontology import DEFAULT_BASE

    if base == DEFAULT_BASE:
        return
    for key in sorted({*gazetteer.entities, *gazetteer.tracks.values()}):
        iri(base + key, "--base-iri", f'the IRI of the gazetteer key "{printable(key)}"')


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def _named(char: str) -> str:
    import unicodedata

    name = unicodedata.name(char, "")
    if 0xD800 <= ord(char) <= 0xDFFF:
        name = "a lone surrogate"
    elif not name and (ord(char) & 0xFFFE == 0xFFFE or 0xFDD0 <= ord(char) <= 0xFDEF):
        name = "a Unicode non-character"
    elif not name and unicodedata.category(char) == "Cc":
        name = "a control character"
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def _quoted(value: str) -> str:
    shown = printable(value)
    return '"' + (shown if len(shown) <= 40 else shown[:37] + "...") + '"'

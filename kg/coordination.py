"""Names nobody listed, found beside names of one kind in a list.

A list joins names of one kind: "tools like PyArrow, Pandas, or Polars", "Karmada、OCM 和
Kubefed", "OpenGPT2, BLOOM and Caduceus". Where the names of a list the extractor knows are all
software, all models or all hardware, the names it does not know are taken as that kind too,
found by this cue, and linked wherever the talk writes them again. A name the gazetteer knows
only beside context words ("Axolotl" of fine-tuning) is that entity in such a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.discover import STOPWORDS, judged_not_entities
from kg.extract import Found, Mention, compact, labels_by_kind, mention_at, text_fields
from kg.ontology import KINDS, Entity, Gazetteer, common_words, normalize, slug
from kg.table import Talk

# A name: one to three words; the first capitalised ("Polars", "Cluster API") or a lower-case
# word with a capital or a dot inside ("vLLM", "gTTS", "torch.compile").
NAME = (
    r"(?:[A-Z][A-Za-z0-9_+#-]*|[a-z]+(?:[A-Z]|\.[a-z])[A-Za-z0-9_+#-]*)(?:\.[A-Za-z0-9]+)*"
    r"(?: [A-Z0-9][A-Za-z0-9_+#-]*){0,2}"
)
JOIN = r"(?:,? and |,? or |, | & |/|\s*、\s*|\s*(?:和|与|及)\s*)"
LIST = re.compile(rf"(?<![A-Za-z0-9.#+_-])({NAME})((?:{JOIN}{NAME})+)(?![A-Za-z0-9])")
ITEM = re.compile(rf"{JOIN}({NAME})")
# A word for a kind of software before names: "three production projects: Janus, Graip, and
# Ersa", "tools like Langflow and Flowise", "operators such as Soperator".
KIND_WORD = re.compile(
    r"\b(?:projects?|tools?|frameworks?|librar(?:y|ies)|operators?|engines?|schedulers?)"
    rf"(?: (?:like|such as|including|called|named)|:) (?=({NAME})((?:{JOIN}{NAME})*))"
)
# The kinds a list passes on, by the kind of its known names. Not organizations: a byline lists
# people and companies alike ("Mengtao Yuan, Meta, discuss"), and "&" joins the words of a
# company's name ("Alice & Bob").
PASSED_ON = {
    "software": "software",
    "ray-library": "software",
    "model": "model",
    "hardware": "hardware",
}
# Number formats in lists of software ("TensorRT-LLM and FP8"); kinds of thing ("APIs") are the
# candidates' STOPWORDS.
NUMBER_FORMAT = re.compile(r"(?:FP|BF|INT|Float|MX)\d+")
# Capitalised words and nothing else: a person ("Refik Anadol"), a title's words ("Bridging
# Python and Apache Iceberg") or a sentence's first word ("Currently, PyTorch"), unless a
# summary writes it inside a sentence ("PyArrow, Pandas, or Polars").
PLAIN = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*(?: [A-Z][a-z]+(?:-[A-Za-z][a-z]+)*)*")
PERSON = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}")
# A practice, not a program: "GitOps", "FinOps", "MLOps".
PRACTICE = re.compile(r"[A-Z][A-Za-z]*Ops")


def find_listed(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: Iterable[Mention]
) -> tuple[dict[str, Found], list[Mention]]:
    """The entities the lists of each talk name beside known ones (`mentions`: what was found
    so far), and their mentions; each talk's findings depend on that talk alone."""
    by_place: dict[tuple[str, int, str], list[Mention]] = {}
    for m in mentions:
        by_place.setdefault((m.source, m.line, m.field), []).append(m)
    listed = labels_by_kind(gazetteer)
    judged = {compact(name) for name in judged_not_entities()}
    made: dict[str, Found] = {}
    found: list[Mention] = []
    for talk in talks:
        named: dict[str, Entity] = {}  # the talk's names found in lists, by how they are written
        for field, text in text_fields(talk):
            known = by_place.get((talk.source, talk.line, field), [])
            for start, end, kind in [*_new_in_lists(text, known), *_after_kind_word(text, known)]:
                name = text[start:end]
                entity = listed.get((kind, compact(name)))
                if entity is not None and entity.context and _case_fits(entity, name):
                    # a name the gazetteer knows with context words ("Axolotl, Unsloth and
                    # torchtune"): the list stands in for them
                    named[name] = entity
                    continue
                key = f"{kind}/{slug(name)}"
                form = compact(name)
                if (
                    key in gazetteer.entities
                    or form in judged
                    or any((other, form) in listed for other in KINDS)
                ):
                    continue  # a name the gazetteer knows, not matched here: its rules said no
                if _capitalised_anyway(name, field == "title", _opens_sentence(text, start)):
                    continue  # "Fusing FinOps, Forecasting, and Kubernetes at Scale"
                named[name] = made.setdefault(key, Found(key, kind, name, (name,), found_by="cue"))
        for field, text in text_fields(talk):
            known = by_place.get((talk.source, talk.line, field), [])
            for name, entity in named.items():
                for match in re.finditer(rf"(?<![\w.-]){re.escape(name)}(?![\w])", text):
                    if not any(m.start < match.end() and match.start() < m.end for m in known):
                        found.append(mention_at(talk, field, text, *match.span(), entity, "cue"))
    return made, sorted(set(found))


def _new_in_lists(text: str, known: list[Mention]) -> Iterable[tuple[int, int, str]]:
    """(start, end, kind) of each name in a list of `text` that no mention covers, where the
    names that mentions cover are all of one kind."""
    for match in LIST.finditer(text):
        items = [match.span(1)] + [
            item.span(1) for item in ITEM.finditer(text, match.end(1), match.end())
        ]
        kinds: set[str] = set()  # "" for a kind no list passes on: a person, a track
        new = []
        for start, end in items:
            covering = [m for m in known if m.start < end and start < m.end]
            if not covering:
                new.append((start, end))
            # a technique beside the names says nothing of their kind ("Float8, torch.compile")
            kinds |= {PASSED_ON.get(kind, "") for kind in _kinds(covering) if kind != "technique"}
        if len(kinds) != 1 or "" in kinds:
            continue
        (kind,) = kinds
        for start, end in new:
            if _may_be_a_name(text[start:end]):
                yield start, end, kind


def _may_be_a_name(name: str) -> bool:
    """Not a number format ("FP8"), a kind of thing ("APIs"), a person's name, a practice
    ("GitOps") or a bare version ("R1" in "DeepSeek-V3/R1")."""
    return not (
        NUMBER_FORMAT.fullmatch(name)
        or normalize(name) in STOPWORDS
        or PERSON.fullmatch(name)
        or PRACTICE.fullmatch(name)
        or len(re.findall("[A-Za-z]", name)) < 2
    )


def _capitalised_anyway(name: str, title: bool, opening: bool) -> bool:
    """Whether the name may be capitalised only because of where it stands: plain words in a
    title, or at a sentence's start ("Currently, PyTorch"); in a title also a name whose first
    word is plain ("Fusing FinOps"), at a sentence's start one whose first word is a common one."""
    if not (title or opening):
        return False
    if PLAIN.fullmatch(name):
        return True
    first, _, rest = name.partition(" ")
    if not rest or not PLAIN.fullmatch(first):
        return False
    return title or first.casefold() in common_words()


def _after_kind_word(text: str, known: list[Mention]) -> Iterable[tuple[int, int, str]]:
    """(start, end, "software") of each name no mention covers after a word for a kind of
    software ("projects: Janus, Graip, and Ersa")."""
    for match in KIND_WORD.finditer(text):
        items = [match.span(1)] + [
            item.span(1) for item in ITEM.finditer(text, match.end(1), match.end(2))
        ]
        for start, end in items:
            name = text[start:end]
            if any(m.start < end and start < m.end for m in known):
                continue
            if _may_be_a_name(name) and name.casefold() not in common_words():
                yield start, end, "software"


def _case_fits(entity: Entity, name: str) -> bool:
    return not entity.match_case or name in entity.labels


def _kinds(mentions: list[Mention]) -> set[str]:
    return {m.entity.split("/", 1)[0] for m in mentions}


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 16) : start].rstrip()  # not the whole text before: huge cells
    return (
        before[-1:] in (".", "!", "?", "。", "！", "？", ":", "：")
        if before
        else not text[:start].strip()
    )

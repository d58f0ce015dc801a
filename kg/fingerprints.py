"""What a build was made from, recorded beside its outputs (`kg-build.json`), so that
`kg build --check` on unchanged inputs answers without extracting again.

The record holds the SHA-256 of every input table, of every gazetteer file (the shipped ontology/
folder and each --gazetteer), of kg's own code, the versions of kg and of the libraries that shape
the output, the build's options, and the SHA-256 of each output it wrote. Deterministic: the same
build writes the same record. Light on imports, so the answer takes about as long as Python's
start-up.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import IO

RECORD = "kg-build.json"
LIBRARIES = ("rdflib", "spacy")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(root: Path, pattern: str = "*") -> dict[str, str]:
    return {
        str(path.relative_to(root)): _sha256(path)
        for path in sorted(root.glob(pattern))
        if path.is_file() and "__pycache__" not in path.parts
    }


def options(base: str, event: str | None, html: bool | None) -> dict[str, str | bool | None]:
    """The options of a build that shape its outputs."""
    return {"base": base, "event": event, "html": html}


def sources(
    tables: list[Path],
    gazetteers: tuple[Path, ...],
    options: dict[str, str | bool | None],
) -> dict[str, object]:
    """Everything but the outputs: tables, gazetteers, kg's code and versions, options."""
    from kg import __version__
    from kg.ontology import ontology_dir

    package = Path(__file__).resolve().parent
    return {
        # The code: modules and templates (an installed package also holds ontology/).
        "kg": {
            "version": __version__,
            "code": _digest({**_folder(package, "*.py"), **_folder(package, "templates/*")}),
        },
        "libraries": {name: metadata.version(name) for name in LIBRARIES},
        "options": options,
        "tables": {str(path): _sha256(path) for path in tables},
        "gazetteers": {
            "ontology": _digest(_folder(Path(str(ontology_dir())), "**/*")),
            **{str(path): _sha256(path) for path in gazetteers},
        },
    }


def _digest(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode("utf-8")).hexdigest()


def record(made_from: dict[str, object], hashes: list[tuple[str, str]]) -> bytes:
    """The record of a build: its sources and the (name, SHA-256) of each output, in order."""
    text = json.dumps({**made_from, "outputs": hashes}, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")


class Hashing:
    """A stream that passes bytes on and keeps their SHA-256."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.hash = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.out.write(data)


def unchanged(output_dir: Path, made_from: dict[str, object]) -> list[str] | None:
    """The outputs' names (the record's last) if `output_dir` holds a record of a build from
    exactly these sources and every output it lists is there, byte for byte; None if anything
    differs or cannot be read."""
    try:
        recorded = json.loads((output_dir / RECORD).read_text(encoding="utf-8"))
        outputs: list[tuple[str, str]] = recorded.pop("outputs")
        if recorded != json.loads(json.dumps(made_from)):
            return None
        if any(_sha256(output_dir / name) != digest for name, digest in outputs):
            return None
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None
    return [name for name, _ in outputs] + [RECORD]

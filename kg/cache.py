"""Each table's chunks, extracted and rendered, kept between builds in `.kg-cache/` inside the
output folder, so that a build that changes one table of many extracts only that table again.

An entry is one chunk's `kg.engine.Result` (the output of `kg.engine.process`, a pure function of
the chunk's talks and the build's settings), named by the SHA-256 of everything it depends on:
the table's path and bytes, the gazetteers, kg's code and version, the libraries' versions, the
options that shape extraction and the chunk size. A changed input is a new name, never a stale
entry. An entry is written to a temporary name and renamed; it holds its own SHA-256 and is read
back with only the types a result is made of, so a damaged or foreign entry is ignored (the chunk
is extracted again), never trusted. A written build prunes the entries it did not use.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

CACHE = ".kg-cache"
FORMAT = b"kg-cache 1\n"
SUFFIX = ".chunk"
# The types a chunk's result is made of: nothing else is read back.
ALLOWED = {
    ("kg.engine", "Result"),
    ("kg.turtle", "Chunk"),
    ("kg.shacl", "Report"),
    ("kg.ontology", "Entity"),
    ("kg.extract", "Found"),
    ("kg.extract", "Link"),
    ("kg.extract", "Mention"),
    ("collections", "Counter"),
}


def table_key(made_from: dict[str, object], table: str, keep_links: bool, chunk: int) -> str:
    """The name of a table's entries: the SHA-256 of the table (its path as given and its bytes,
    from `made_from["tables"]`, kg.fingerprints) and of all a build of it depends on but the other
    tables."""
    tables: dict[str, str] = made_from["tables"]  # type: ignore[assignment]
    options = dict(made_from["options"])  # type: ignore[call-overload]
    options.pop("html", None)  # what it does to a chunk is `keep_links`
    depends = {
        **{name: value for name, value in made_from.items() if name not in ("tables", "options")},
        "options": options,
        "table": [table, tables[table]],
        "keep_links": keep_links,
        "chunk": chunk,
        "format": FORMAT.decode("ascii").strip(),
    }
    return hashlib.sha256(json.dumps(depends, sort_keys=True).encode("utf-8")).hexdigest()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a chunk's result")
        return super().find_class(module, name)


class Cache:
    """The entries of one output folder: read them (`get`), add new ones (`put`) and, once a
    build has written its outputs, drop those it did not use (`prune`)."""

    def __init__(self, output_dir: Path) -> None:
        self.directory = output_dir / CACHE
        self.used: set[str] = set()

    def _path(self, key: str, index: int) -> Path:
        return self.directory / f"{key}-{index:06d}{SUFFIX}"

    def get(self, key: str, index: int) -> Any | None:
        """Chunk `index` of the table named `key`, or None if it is missing or cannot be read."""
        from kg.engine import Result

        try:
            data = self._path(key, index).read_bytes()
            start = len(FORMAT) + 65  # the format line, then the payload's SHA-256 on a line
            header, digest, payload = data[: len(FORMAT)], data[len(FORMAT) : start], data[start:]
            if header != FORMAT or hashlib.sha256(payload).hexdigest().encode() + b"\n" != digest:
                return None
            result = _Unpickler(io.BytesIO(payload)).load()
        except Exception:  # a damaged entry is a miss, whatever is wrong with it
            return None
        if not isinstance(result, Result):
            return None
        self.used.add(self._path(key, index).name)
        return result

    def put(self, key: str, index: int, result: object) -> None:
        """Keep `result` as chunk `index` of the table named `key` (written to a temporary name,
        then renamed; a cache that cannot be written is no error, only slower next time)."""
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(payload).hexdigest().encode("ascii")
        path = self._path(key, index)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.directory)
            with os.fdopen(handle, "wb") as stream:
                stream.write(FORMAT + digest + b"\n" + payload)
            os.replace(temporary, path)
        except OSError:
            return
        self.used.add(path.name)

    def prune(self) -> None:
        """Delete every entry (and temporary file) not read or written by this build."""
        try:
            paths = list(self.directory.iterdir())
        except OSError:
            return
        for path in paths:
            if path.name not in self.used and path.is_file():
                path.unlink(missing_ok=True)

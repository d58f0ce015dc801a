"""Writing a build's outputs: every file staged under a temporary name, then renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.errors import KgError

# An output given as a function that streams its bytes (big Turtle files are never held whole).
Writer = Callable[[IO[bytes]], None]


def write_atomically(directory: Path, contents: dict[str, bytes | Writer]) -> tuple[Path, ...]:
    """Write every file (bytes, or a function that writes them to a stream) to a temporary name
    first, then rename them all into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KgError(f"{directory}: cannot create the output folder ({error.strerror})") from None
    for name in contents:  # left behind by a build that was killed
        for stale in directory.glob(f".{name}.*"):
            stale.unlink(missing_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in contents.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            staged.append((temporary, directory / name))
            with os.fdopen(handle, "wb") as stream:
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    data(stream)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, target in staged:
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
    except OSError as error:
        raise KgError(f"{directory}: cannot write the outputs ({error.strerror})") from None
    finally:
        for temporary, _ in staged:  # only those not renamed into place are still there
            Path(temporary).unlink(missing_ok=True)
    return tuple(target for _, target in staged)

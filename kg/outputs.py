"""Writing a build's outputs as one set: every file is staged under a temporary name, then all are
renamed into place, or none is. One build writes into a folder at a time (a lock on the folder).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kg.errors import KgError

# An output given as a function that streams its bytes (big Turtle files are never held whole).
Writer = Callable[[IO[bytes]], None]
# The endings of the files a build makes beside its outputs: staged new ones, and hard links to
# the previous ones (to put them back if a rename fails). Only files with these endings are ever
# cleaned up; a user's `.talks.ttl.mine` is not ours.
STAGED, KEPT = ".kg-new", ".kg-old"
# How long a build waits for another one writing into the same folder.
LOCK_SECONDS = 300.0


def write_atomically(
    directory: Path, contents: dict[str, bytes | Writer], remove: tuple[str, ...] = ()
) -> tuple[Path, ...]:
    """Write every file (bytes, or a function that writes them to a stream) to a temporary name
    first, then rename them all into place, and delete the files named in `remove` (an older
    output this build does not make). If any rename fails, the ones already made are undone."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KgError(f"{directory}: cannot create the output folder ({error.strerror})") from None
    for name in (*contents, *remove):
        if (directory / name).is_dir():
            raise KgError(
                f"{directory / name}: is a folder, not a file; move it away (nothing was written)"
            )
    with locked(directory):
        for name in (*contents, *remove):  # left behind by a build that was killed
            for stale in (
                *directory.glob(f".{name}.*{STAGED}"),
                *directory.glob(f".{name}.*{KEPT}"),
            ):
                stale.unlink(missing_ok=True)
        made: list[Path] = []
        staged: list[tuple[Path, Path]] = []
        try:
            for name, data in contents.items():
                staged.append((_stage(directory, name, data, made), directory / name))
            _replace_all(directory, staged, [directory / name for name in remove], made)
        except OSError as error:
            raise KgError(f"{directory}: cannot write the outputs ({error.strerror})") from None
        finally:
            for path in made:  # the staged files not renamed, and the kept previous outputs
                path.unlink(missing_ok=True)
    return tuple(target for _, target in staged)


def _stage(directory: Path, name: str, data: bytes | Writer, made: list[Path]) -> Path:
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=STAGED, dir=directory)
    made.append(Path(temporary))
    with os.fdopen(handle, "wb") as stream:
        if isinstance(data, bytes):
            stream.write(data)
        else:
            data(stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(temporary, 0o644)
    return Path(temporary)


def _replace_all(
    directory: Path, staged: list[tuple[Path, Path]], remove: list[Path], made: list[Path]
) -> None:
    """Rename every staged file onto its target and delete `remove`; on a failure, put back the
    previous files (kept as hard links) and delete the new ones, so the set is unchanged."""
    kept: dict[Path, Path | None] = {}
    for target in [target for _, target in staged] + remove:
        kept[target] = _keep(directory, target, made)
    done: list[Path] = []
    try:
        for temporary, target in staged:
            os.replace(temporary, target)
            done.append(target)
        for target in remove:
            target.unlink(missing_ok=True)
            done.append(target)
    except OSError:
        for target in done:
            previous = kept[target]
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(previous, target)
        raise


def _keep(directory: Path, target: Path, made: list[Path]) -> Path | None:
    """A hard link to the current `target` under a temporary name (None if there is none)."""
    if not target.exists():
        return None
    kept = directory / f".{target.name}.{secrets.token_hex(4)}{KEPT}"
    try:
        os.link(target, kept)
    except OSError:  # a file system without hard links
        shutil.copyfile(target, kept)
    made.append(kept)
    return kept


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` (an flock on the folder itself, so no lock file is
    left in it); a second build waits for the first, up to LOCK_SECONDS."""
    import fcntl

    fd = os.open(directory, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise KgError(
                        f"{directory}: another kg build has been writing here for "
                        f"{LOCK_SECONDS:.0f} s; wait for it to finish, or stop it"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)

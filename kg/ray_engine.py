"""`kg build --engine ray`: extraction on Ray Data, on this machine or on a cluster.

Each chunk of talks is one row; a pool of actors (one per `--jobs`, each with its own spaCy
pipeline) turns rows into rendered chunks, which come back here (in any order) to be merged. Set
RAY_ADDRESS (for example `head:6379`) to run on a cluster; without it a Ray of its own starts here.
"""

from __future__ import annotations

import os
import pickle
import socket
from collections.abc import Iterator
from typing import Any

from kg.engine import Result, Settings, process
from kg.errors import KgError
from kg.table import Talk


class _Worker:
    """A Ray Data actor: builds the pipeline once, then processes chunk after chunk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[bytes]]:
        results = [
            process(self.settings, int(index), pickle.loads(item))
            for index, item in zip(batch["index"], batch["talks"], strict=True)
        ]
        return {"result": [pickle.dumps(result) for result in results]}


def run_on_ray(settings: Settings, chunks: list[list[Talk]], jobs: int) -> Iterator[Result]:
    try:
        import ray
        import ray.data
    except ImportError:
        raise KgError("--engine ray needs Ray: pip install 'kg[ray]'") from None
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if not address:
            options["num_cpus"] = max(jobs, 1)
        elif not _reachable(address):  # Ray itself would keep retrying for minutes
            raise KgError(
                f"--engine ray: nothing answers at {address} (RAY_ADDRESS); is the cluster up?"
            )
        try:
            # "local": a Ray of our own, never a cluster some other program left running here.
            ray.init(address=address or "local", **options)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {address} (RAY_ADDRESS)" if address else "Ray locally"
            first = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise KgError(f"--engine ray: cannot start or reach {where}: {first}") from None
    rows = ray.data.from_items(
        [{"index": index, "talks": pickle.dumps(chunk)} for index, chunk in enumerate(chunks)]
    )
    results = rows.map_batches(
        _Worker, fn_constructor_args=(settings,), batch_size=1, concurrency=max(jobs, 1)
    )
    for row in results.iter_rows():
        yield pickle.loads(row["result"])


def _reachable(address: str, timeout: float = 5) -> bool:
    """False if `address` is host:port (or ray://host:port) and nothing accepts a connection
    there; True for anything else ("auto"), which Ray resolves itself."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return True
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError:
        return False
    return True

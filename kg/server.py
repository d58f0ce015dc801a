"""Share the export over the SPARQL protocol: `kg serve` (an Oxigraph server on this machine) and
`kg push` (a SPARQL 1.1 Graph Store Protocol PUT into any triple store)."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import KgError

# Credentials for `kg push` come from the environment only, never from the command line.
USER, PASSWORD, TOKEN = "KG_PUSH_USER", "KG_PUSH_PASSWORD", "KG_PUSH_TOKEN"


def oxigraph_binary() -> str:
    """The `oxigraph` server program (the PyPI package `oxigraph`), beside this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise KgError("kg serve needs the Oxigraph server: pip install 'kg[server]' (or oxigraph)")
    return found


def serve(graph: Path, port: int = 7878, host: str = "127.0.0.1") -> int:
    """Load `graph` into a fresh store and run a read-only Oxigraph server on host:port until it
    is stopped; return its exit code. SPARQL queries go to http://host:port/query."""
    if not graph.is_file():
        raise KgError(f"{graph}: no such graph file (run `kg build` first, or pass --graph)")
    binary = oxigraph_binary()
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as location:
        loaded = subprocess.run(
            [binary, "load", "--location", location, "--file", str(graph), "--format", "ttl"],
            capture_output=True,
            text=True,
        )
        if loaded.returncode != 0:
            raise KgError(f"{graph}: Oxigraph cannot load it ({_last_line(loaded.stderr)})")
        command = [binary, "serve-read-only", "--location", location, "--bind", f"{host}:{port}"]
        # On SIGTERM, leave like on Ctrl-C: subprocess.run stops the server, the store is removed.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            return subprocess.run(command).returncode
        except KeyboardInterrupt:
            return 0


def push(graph: Path, endpoint: str, graph_iri: str | None = None, timeout: float = 60) -> int:
    """PUT `graph` (Turtle) to a Graph Store Protocol `endpoint`, replacing the named graph
    `graph_iri` (or the default graph) as a whole; return the HTTP status."""
    if not graph.is_file():
        raise KgError(f"{graph}: no such graph file (run `kg build` first, or pass --graph)")
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(f"{endpoint}: not an http(s) URL of a Graph Store Protocol endpoint")
    target = "graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default"
    url = urllib.parse.urlunsplit(
        parts._replace(query="&".join(filter(None, [parts.query, target])))
    )
    request = urllib.request.Request(url, method="PUT", headers=_headers(graph))
    try:
        with graph.open("rb") as body:
            request.data = body
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
    except urllib.error.HTTPError as error:
        detail = _last_line(error.read().decode("utf-8", "replace")) or error.reason
        raise KgError(
            f"{endpoint}: the store refused the graph (HTTP {error.code}: {detail})"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise KgError(
            f"{endpoint}: cannot reach the store ({reason}); nothing was changed"
        ) from None


def _headers(graph: Path) -> dict[str, str]:
    headers = {
        "Content-Type": "text/turtle; charset=utf-8",
        "Content-Length": str(graph.stat().st_size),
    }
    if os.environ.get(TOKEN):
        headers["Authorization"] = f"Bearer {os.environ[TOKEN]}"
    elif os.environ.get(USER):
        pair = f"{os.environ[USER]}:{os.environ.get(PASSWORD, '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return headers


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""

"""Share the export over the SPARQL protocol: `kg serve` (an Oxigraph server on this machine) and
`kg push` (a SPARQL 1.1 Graph Store Protocol PUT into any triple store)."""

from __future__ import annotations

import base64
import contextlib
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from kg import terms
from kg.errors import KgError, printable

# Credentials for `kg push` come from the environment only, never from the command line.
USER, PASSWORD, TOKEN = "KG_PUSH_USER", "KG_PUSH_PASSWORD", "KG_PUSH_TOKEN"
# RFC 6750 b64token: what a bearer token may hold.
BEARER = re.compile(r"[A-Za-z0-9._~+/-]+=*")
# An Authorization header echoed in a store's error page: its value is redacted.
AUTHORIZATION = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\r\n\"',}]*")


def oxigraph_binary() -> str:
    """The `oxigraph` server program (the PyPI package `oxigraph`), beside this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise KgError("kg serve needs the Oxigraph server: pip install 'kg[server]' (or oxigraph)")
    return found


def serve(
    graph: Path,
    port: int = 7878,
    host: str = "127.0.0.1",
    timeout: float = 60,
    ready: Callable[[], None] | None = None,
) -> int:
    """Load `graph` into a fresh store and answer SPARQL at http://host:port/query until
    stopped; return 0. `ready` is called once the server answers. The Oxigraph server answers
    from behind a small proxy of ours, on a port of its own on 127.0.0.1: the proxy checks
    each query as `kg query` does (no updates, FROM, GRAPH or SERVICE, so the server never
    opens a connection elsewhere), and Oxigraph stops any query after `timeout` seconds."""
    from http.server import ThreadingHTTPServer

    if not graph.is_file():
        raise KgError(f"{graph}: no such graph file (run `kg build` first, or pass --graph)")
    binary = oxigraph_binary()
    try:
        proxy = ThreadingHTTPServer((host, port), _Proxy)
    except OSError as error:
        raise KgError(
            f"cannot listen on {host}:{port} ({error.strerror}); is another server there? "
            "Choose another port with --port"
        ) from None
    with proxy, tempfile.TemporaryDirectory(prefix="kg-serve-") as location:
        loaded = subprocess.run(
            [binary, "load", "--location", location, "--file", str(graph), "--format", "ttl"],
            capture_output=True,
            text=True,
        )
        if loaded.returncode != 0:
            raise KgError(
                f"{graph}: Oxigraph cannot load it ({printable(_last_line(loaded.stderr))})"
            )
        inner = _free_port()
        command = [binary, "serve-read-only", "--location", location]
        command += ["--bind", f"127.0.0.1:{inner}", "--timeout-s", f"{max(1, math.ceil(timeout))}"]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_until_listening(server, inner)
            proxy.upstream = inner  # type: ignore[attr-defined]
            # On SIGTERM, leave like on Ctrl-C: the server is stopped, the store removed.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            if ready is not None:
                ready()
            with contextlib.suppress(KeyboardInterrupt):
                proxy.serve_forever()
            return 0
        finally:
            server.terminate()
            server.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(server: subprocess.Popen[bytes], port: int) -> None:
    import socket
    import time

    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            detail = (server.stderr.read() if server.stderr else b"").decode("utf-8", "replace")
            raise KgError(f"the Oxigraph server stopped ({printable(_last_line(detail))})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise KgError("the Oxigraph server did not start within 60 s") from None
            time.sleep(0.1)


class _Proxy(BaseHTTPRequestHandler):
    """Checks each SPARQL query (kg.query.parse_query) and hands what passes to Oxigraph."""

    HOP = {"connection", "keep-alive", "transfer-encoding", "host", "proxy-connection", "upgrade"}

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def do_HEAD(self) -> None:
        self._relay()

    def do_PUT(self) -> None:
        self._relay()

    def do_DELETE(self) -> None:
        self._relay()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet, as the Oxigraph server is."""

    def _relay(self) -> None:
        import http.client

        from kg.query import parse_query

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            for sparql in _queries(self.path, self.headers.get("Content-Type", ""), body):
                parse_query(sparql, reader="kg serve answers from its export alone")
        except KgError as error:
            self._answer(
                400, [("Content-Type", "text/plain; charset=utf-8")], f"{error}\n".encode()
            )
            return
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=3600)  # type: ignore[attr-defined]
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in self.HOP}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in self.HOP]
            self._answer(response.status, kept, data)
        except OSError:
            self._answer(502, [("Content-Type", "text/plain")], b"the Oxigraph server is gone\n")
        finally:
            upstream.close()

    def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _queries(path: str, content_type: str, body: bytes) -> list[str]:
    """The SPARQL queries and updates a request carries (SPARQL 1.1 Protocol): in the URL's
    `query`/`update` parameters, a form body's, or the body itself."""
    found = [
        value
        for name, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query)
        if name in ("query", "update")
    ]
    kind = content_type.split(";")[0].strip().lower()
    text = body.decode("utf-8", "replace")
    if kind == "application/x-www-form-urlencoded":
        found += [
            value for name, value in urllib.parse.parse_qsl(text) if name in ("query", "update")
        ]
    elif kind in ("application/sparql-query", "application/sparql-update"):
        found.append(text)
    return found


def push(graph: Path, endpoint: str, graph_iri: str | None = None, timeout: float = 60) -> int:
    """PUT `graph` (Turtle) to a Graph Store Protocol `endpoint`, replacing the named graph
    `graph_iri` (or the default graph) as a whole; return the HTTP status. Secrets (the token,
    the password) never appear in an error: they are redacted from what the store answers."""
    if not graph.is_file():
        raise KgError(f"{graph}: no such graph file (run `kg build` first, or pass --graph)")
    shown = _redacted_url(endpoint)
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KgError(f"{shown}: not an http(s) URL of a Graph Store Protocol endpoint")
    if parts.username is not None or parts.password is not None:
        raise KgError(
            f"{shown}: credentials in the URL are refused; give them in {USER} and {PASSWORD} "
            f"(or {TOKEN})"
        )
    try:
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        raise KgError(f"{shown}: the port is not a number from 0 to 65535") from None
    if graph_iri is not None:
        terms.iri(graph_iri, "kg push", "the named graph")
    headers, secrets = _headers(graph)
    target = "graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default"
    url = urllib.parse.urlunsplit(
        parts._replace(query="&".join(filter(None, [parts.query, target])))
    )
    try:
        with graph.open("rb") as body:
            # Given here (setting .data later drops Content-Length: the body would be chunked).
            request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
    except urllib.error.HTTPError as error:
        detail = _last_line(error.read().decode("utf-8", "replace")) or str(error.reason)
        raise KgError(
            f"{shown}: the store refused the graph (HTTP {error.code}: "
            f"{_redacted(detail, secrets)})"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:  # http.client: InvalidURL ...
        reason = str(getattr(error, "reason", error))
        raise KgError(
            f"{shown}: cannot reach the store ({_redacted(reason, secrets)}); nothing was changed"
        ) from None


def _headers(graph: Path) -> tuple[dict[str, str], list[str]]:
    """The request's headers, and the secrets among them (to redact from any error)."""
    headers = {
        "Content-Type": "text/turtle; charset=utf-8",
        "Content-Length": str(graph.stat().st_size),
    }
    secrets: list[str] = []
    if os.environ.get(TOKEN):
        token = os.environ[TOKEN]
        if not BEARER.fullmatch(token):
            raise KgError(
                f"{TOKEN} is not a bearer token: it may hold only ASCII letters, digits and "
                "-._~+/ (then =); nothing was sent"
            )
        headers["Authorization"] = f"Bearer {token}"
        secrets.append(token)
    elif os.environ.get(USER):
        user, password = os.environ[USER], os.environ.get(PASSWORD, "")
        if ":" in user:
            raise KgError(f'{USER} may not hold ":" (basic authentication); nothing was sent')
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Authorization"] = "Basic " + pair
        secrets += [pair, password] if password else [pair]
    return headers, secrets


def _redacted(text: str, secrets: list[str]) -> str:
    """`text` fit for a terminal: each secret, and whatever follows "Authorization:", is ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return printable(AUTHORIZATION.sub(r"\1***", text))


def _redacted_url(url: str) -> str:
    """The URL with the password of its user part (if any) shown as ***, for messages."""
    start = url.find("//") + 2
    if start < 2:
        return printable(url)
    end = min([i for i in (url.find(c, start) for c in "/?#") if i >= 0] or [len(url)])
    userinfo, at, host = url[start:end].rpartition("@")
    if not at:
        return printable(url)
    user = userinfo.split(":", 1)[0] + (":***" if ":" in userinfo else "")
    return printable(url[:start] + user + "@" + host + url[end:])


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""

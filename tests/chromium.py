"""A small Chrome DevTools Protocol client for the browser tests and the benchmark.

It starts headless Chromium (Debian's `chromium`) with a fresh profile and no network access of
its own, and drives its one page over the DevTools websocket (`websocket-client`): evaluate
JavaScript, click and type like a user, and block and record every request the page makes.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """The Chromium to use: $KG_CHROMIUM, else `chromium` or `chromium-browser` on the PATH."""
    return os.environ.get("KG_CHROMIUM") or next(
        (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
    )


class BrowserError(Exception):
    """The browser answered with an error, or did not answer in time."""


class Chromium:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, executable: str, width: int = 1400, height: int = 900) -> None:
        import websocket

        self.profile = Path(tempfile.mkdtemp(prefix="kg-chromium-"))
        self.process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.events: list[dict[str, Any]] = []
        self.requests: list[str] = []  # every URL the page asked for
        self.blocked: list[str] = []  # the ones refused (anything but the page itself)
        self.dialogs: list[str] = []  # alert(), confirm() ... messages
        self.errors: list[str] = []  # uncaught exceptions and console errors
        self.allowed: set[str] = set()
        self._next_id = 0
        try:
            port = self._port()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
                targets = json.load(reply)
            target = next(t for t in targets if t["type"] == "page")
            self.socket = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=120, suppress_origin=True
            )
            for domain in ("Page", "Runtime", "Network"):
                self.send(f"{domain}.enable")
            # No request leaves the page: the network is off, and every request but the page's
            # own file stops at the Fetch domain, which fails it and records it.
            self.send(
                "Network.emulateNetworkConditions",
                offline=True,
                latency=0,
                downloadThroughput=-1,
                uploadThroughput=-1,
            )
            self.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _port(self) -> int:
        path = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if path.exists() and path.read_text().strip():
                return int(path.read_text().splitlines()[0])
            if self.process.poll() is not None:
                raise BrowserError(f"chromium exited with code {self.process.returncode}")
            time.sleep(0.05)
        raise BrowserError("chromium did not open its DevTools port within 30 s")

    # The protocol: commands wait for their answer; events are handled as they arrive.
    def _post(self, method: str, params: dict[str, Any]) -> int:
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        return self._next_id

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        wanted = self._post(method, params)
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._on_event(message)

    def _on_event(self, message: dict[str, Any]) -> None:
        method, params = message["method"], message.get("params", {})
        self.events.append(message)
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url in self.allowed:
                self._post("Fetch.continueRequest", {"requestId": params["requestId"]})
            else:
                self.blocked.append(url)
                self._post(
                    "Fetch.failRequest",
                    {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                )
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message", ""))
            self._post("Page.handleJavaScriptDialog", {"accept": False})
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details["text"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(arg.get("value")) for arg in params.get("args", [])))

    def pump(self, seconds: float) -> None:
        """Handle events for a while (the page keeps running meanwhile)."""
        self.socket.settimeout(seconds)
        try:
            while True:
                self._on_event_or_skip(json.loads(self.socket.recv()))
        except Exception as error:  # the timeout ends the wait
            if type(error).__name__ != "WebSocketTimeoutException":
                raise
        finally:
            self.socket.settimeout(120)

    def _on_event_or_skip(self, message: dict[str, Any]) -> None:
        if "method" in message:
            self._on_event(message)

    # What the tests use.
    def open(self, path: Path, fragment: str = "") -> None:
        """Load a local file (at `#fragment`) and wait until it has loaded."""
        url = path.resolve().as_uri()
        self.allowed = {url}
        self.events.clear()
        self.send("Page.navigate", url="about:blank")
        self.send("Page.navigate", url=f"{url}#{fragment}" if fragment else url)
        self.wait_for(
            f"location.href.startsWith({json.dumps(url)}) && document.readyState === 'complete'"
        )

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details["text"])
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        """Evaluate `expression` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for: {expression}")
            time.sleep(0.05)

    def click(self, x: float, y: float) -> None:
        """A left click at page coordinates, as a mouse does it."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type_text(self, text: str) -> None:
        """Type into the focused element (one input event, like an input method)."""
        self.send("Input.insertText", text=text)

    def press(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=key,
                windowsVirtualKeyCode=code,
            )

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

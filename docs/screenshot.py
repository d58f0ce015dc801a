"""Rebuild outputs/ and take the README's screenshots of outputs/graph.html in headless Chromium
(Debian's `chromium`, with fonts-noto-cjk for the Chinese labels), with the network off:

    python docs/screenshot.py

- docs/graph-1280.png, docs/graph-1920.png: the first view (the map) at 1280x800 and 1920x1080;
- docs/ego-1280.png: graph.html#Ray%20Serve, the view around Ray Serve;
- docs/matrix-1280.png: organizations x Ray libraries, the Anyscale x Ray Serve cell open;
- docs/track-1920.png: the view of the track "Enterprise DL/ML practice".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, find_chromium  # noqa: E402

CELL = """(() => {
  const row = kg.page.nodes.findIndex(n => n.label === 'Anyscale');
  const column = kg.page.nodes.findIndex(n => n.label === 'Ray Serve');
  document.querySelector(`#matrix td button[data-row="${row}"][data-column="${column}"]`).click();
})()"""
TRACK = "kg.openTrack(kg.page.tracks.findIndex(t => t.label === 'Enterprise DL/ML practice'))"
SHOTS = [
    ("graph-1280.png", 1280, 800, "", ""),
    ("graph-1920.png", 1920, 1080, "", ""),
    ("ego-1280.png", 1280, 800, "Ray%20Serve", ""),
    ("matrix-1280.png", 1280, 800, "", "kg.openMatrix();" + CELL),
    ("track-1920.png", 1920, 1080, "", TRACK),
]


def main() -> None:
    executable = find_chromium()
    if executable is None:
        sys.exit("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--output-dir", "outputs"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    page = ROOT / "outputs" / "graph.html"
    for name, width, height, fragment, script in SHOTS:
        with Chromium(executable, width=width, height=height) as browser:
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            browser.open(page, fragment=fragment)
            browser.wait_for("window.kg && kg.stableAt() !== null")
            if script:
                browser.evaluate(script)
            browser.pump(0.5)
            if browser.errors or browser.blocked:
                sys.exit(f"{name}: the page failed: {browser.errors or browser.blocked}")
            (ROOT / "docs" / name).write_bytes(browser.screenshot())
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()

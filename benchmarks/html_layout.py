"""Benchmark the HTML view: time from load to the first view drawn (with its labels), and how
quickly the page answers, for the 72-talk table and for a synthetic 2,000-talk table; medians
of several runs, beside a reference page measured in the same runs.

    python benchmarks/html_layout.py [--runs 5] [--talks 2000] [--gazetteer extra.ttl]
        [--output benchmarks/html_layout.md]

The synthetic table recombines the rows of data/talks.md: row i takes the track and title of
one row (with " (variant i)" appended, so titles stay unique) and the summary of another.
Every run starts a fresh headless Chromium (Debian's `chromium`) with the network off and opens
the page from disk; "stable" is when the page has drawn its final layout (window.kg.stableAt(),
milliseconds since navigation start). The reference is a page with the same inlined
vis-network and one node: what loading the library alone costs on this machine.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, find_chromium  # noqa: E402

from kg.html import _bundled, render_html  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.query import load_graph  # noqa: E402
from kg.stats import to_networkx  # noqa: E402
from kg.table import read_table  # noqa: E402

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
# Measured inside the page, after the layout is stable; each resolves after the next redraw.
FOCUS = """new Promise(done => {
  const id = kg.page.nodes.findIndex(n => n.kind !== 'talk');
  const start = performance.now();
  kg.network.once('afterDrawing', () => done(performance.now() - start));
  kg.focusNode(id);
})"""
FILTER = """new Promise(done => {
  const box = document.querySelector('input[data-kind=talk]');
  const start = performance.now();
  kg.network.once('afterDrawing', () => { done(performance.now() - start); box.click(); });
  box.click();
})"""
SEARCH = """(() => { const start = performance.now(); kg.search('serve'); kg.search('数据');
  return (performance.now() - start) / 2; })()"""
# A view: from the call until the frame after it has been drawn.
VIEW = """new Promise(done => {
  const start = performance.now();
  %s;
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start)));
})"""
HUB = "kg.page.nodes.reduce((best, n, i) => n.kind !== 'talk' && n.degree > kg.page.nodes[best].degree ? i : best, 0)"
EGO = VIEW % f"kg.openEgo({HUB})"
TRACK = VIEW % "kg.openTrack(0)"
MATRIX = VIEW % "kg.openMatrix()"
MAP = VIEW % "document.getElementById('view-map').click()"
REFERENCE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script>%s</script></head>
<body><div id="g" style="width:800px;height:600px"></div><script>
var stableAt = null;
var network = new vis.Network(document.getElementById("g"),
  {nodes: new vis.DataSet([{id: 0, label: "x"}]), edges: new vis.DataSet([])}, {physics: false});
network.once("afterDrawing", function () { stableAt = performance.now(); });
window.kg = {stableAt: function () { return stableAt; }};
</script></body></html>
"""
KEYS = ("stable", "focus", "filter", "search", "ego", "track", "matrix", "map")


def synthetic_table(source: Path, count: int) -> str:
    """`count` talk rows recombined from the rows of `source`."""
    talks = read_table(source)
    rows = []
    for index in range(count):
        first = talks[index % len(talks)]
        second = talks[(index * 7 + 3) % len(talks)]
        summary = second.summary or "原视频描述有误"
        cells = [first.track, f"{first.title} (variant {index}) | {first.event}", summary]
        cells = [cell.replace("|", "\\|") for cell in cells]  # the event's "|" too
        rows.append("| " + " | ".join(cells) + " |")
    return HEADER + "\n".join(rows) + "\n"


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f}"


def measure(html: Path, runs: int, interactions: bool = True) -> dict[str, list[float]]:
    """Open the page `runs` times in a fresh browser; time the load and each interaction."""
    results: dict[str, list[float]] = {key: [] for key in KEYS}
    for _ in range(runs):
        with Chromium(find_chromium() or "chromium", width=1280, height=800) as browser:
            browser.open(html)
            stable = browser.wait_for("window.kg && window.kg.stableAt()", timeout=600)
            results["stable"].append(stable)
            if interactions:
                results["focus"].append(browser.evaluate(FOCUS, await_promise=True))
                results["filter"].append(browser.evaluate(FILTER, await_promise=True))
                results["search"].append(browser.evaluate(SEARCH))
                for key, script in (("ego", EGO), ("track", TRACK), ("matrix", MATRIX)):
                    results[key].append(browser.evaluate(script, await_promise=True))
                results["map"].append(browser.evaluate(MAP, await_promise=True))
            assert not browser.blocked and not browser.errors, (browser.blocked, browser.errors)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "html_layout.md")
    parser.add_argument(
        "--gazetteer", type=Path, action="append", default=[], help="extra gazetteer (Turtle)"
    )
    args = parser.parse_args()
    if find_chromium() is None:
        sys.exit("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    version = subprocess.run(
        [find_chromium() or "chromium", "--version"], capture_output=True, text=True
    ).stdout.strip()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        reference = work / "reference.html"
        reference.write_text(REFERENCE % _bundled("vis-network.min.js"), encoding="utf-8")
        synthetic = work / "synthetic.md"
        synthetic.write_text(synthetic_table(ROOT / "data" / "talks.md", args.talks), "utf-8")
        cases = [("data/talks.md", ROOT / "data" / "talks.md"), ("synthetic", synthetic)]
        for name, table in cases:
            out = work / name.replace("/", "-")
            result = build([table], out, gazetteers=tuple(args.gazetteer), html=True)
            graph = load_graph(out / "talks.ttl")
            renders = []
            for _ in range(args.runs):
                started = time.perf_counter()
                render_html(graph)
                renders.append((time.perf_counter() - started) * 1000)
            network = to_networkx(graph)
            # The reference and the page alternate, so both see the same load on the machine.
            base, page = {"stable": []}, {key: [] for key in KEYS}
            for _ in range(args.runs):
                base["stable"] += measure(reference, 1, interactions=False)["stable"]
                for key, values in measure(out / "graph.html", 1).items():
                    page[key] += values
            size = (out / "graph.html").stat().st_size / 1e6
            ratio = statistics.median(page["stable"]) / statistics.median(base["stable"])
            rows.append(
                f"| {name} | {result.talks:,} | {len(network):,} | {network.number_of_edges():,} "
                f"| {size:.1f} MB | {median_ms(renders)} | {median_ms(base['stable'])} "
                f"| **{median_ms(page['stable'])}** ({ratio:.1f}x) "
                + "".join(f"| {statistics.median(page[key]):.0f} " for key in KEYS[1:])
                + "|"
            )
            print(rows[-1], flush=True)
    report = [
        "# HTML view: load to the first view, and interactions",
        "",
        "Made by `python benchmarks/html_layout.py` "
        f"(runs: {args.runs}, medians; {platform.python_implementation()} "
        f"{platform.python_version()}, {version}, headless at 1280x800, {_cpus()} CPUs). "
        "Every run opens the page from disk in a fresh browser with the network off.",
        "",
        "- **reference**: navigation start to the first drawing of a page holding only the",
        "  inlined vis-network and one node, measured alternately with the page (ms).",
        "- **first view**: navigation start to the first drawing of the map, fitted, with its",
        "  labels and track names (ms), and its ratio to the reference.",
        "- **focus**: focusing a node on the map (select, fade the rest, fill the side panel,",
        "  redraw) (ms); **filter**: hiding all talks (ms); **search**: one search over every",
        "  name, alias, title and summary (ms); **ego**: opening the view around the most",
        "  connected entity; **track**: opening the view of a track; **matrix**: opening the",
        "  organizations x Ray libraries matrix; **map**: back to the map (each until the frame",
        "  after it is drawn, ms).",
        "- **render_html**: building the page in Python from the exported graph (ms).",
        "",
        "| table | talks | nodes | edges | page | render_html | reference | first view "
        "| focus | filter | search | ego | track | matrix | map |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: |",
        *rows,
        "",
        "The numbers depend on the gazetteer (how many entities the talks name) and the machine.",
    ]
    args.output.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()

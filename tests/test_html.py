"""The HTML view (kg.html): the data it embeds, and how the page behaves in headless Chromium.

The browser tests skip when Chromium is missing, except under CI (the env var CI is set), where
they fail: CI installs Debian's chromium in .ci/run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.html import page_data, script_json, short
from kg.ontology import KG, KIND_OF_CLASS
from kg.pipeline import build
from kg.query import load_graph
from kg.rdf import evidence

sys.path.insert(0, str(Path(__file__).parent))
from chromium import Chromium, find_chromium  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
PAYLOAD = "<img src=x onerror=alert(1)>"
# A title with "href" once switched pyvis to a tooltip that set innerHTML.
EVIL_ROWS = f"""\
| Ray Serve | {PAYLOAD} href Ray Serve \\| Ray Summit 2025 | 本视频由Anyscale团队分享Ray Serve。</script><script>alert(2)</script>{PAYLOAD}<b onmouseover=alert(3)>粗</b> |
| Ray Serve | Plain talk about Ray Serve \\| Ray Summit 2025 | 我们用Ray Serve部署模型，RayServe很快。另一句话。 |
"""


def talks_and_entities(graph: Graph) -> int:
    classes = (KG.Talk, *KIND_OF_CLASS)
    return len({s for cls in classes for s in graph.subjects(RDF.type, cls)})


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build of data/talks.md."""
    out = tmp_path_factory.mktemp("real")
    build([ROOT / "data" / "talks.md"], out)
    return out


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build of a table whose text tries to run script."""
    folder = tmp_path_factory.mktemp("evil")
    table = folder / "talks.md"
    table.write_text(HEADER + EVIL_ROWS, encoding="utf-8")
    build([table], folder / "out")
    return folder / "out"


# Without a browser.


@pytest.mark.parametrize(
    "text",
    ["</script><script>alert(1)</script>", "<!-- x", "a & b > c", "line\u2028sep\u2029", "中文"],
)
def test_script_json_cannot_end_its_element(text: str) -> None:
    embedded = script_json({"text": text})
    assert not any(char in embedded for char in "<>&\u2028\u2029")
    assert json.loads(embedded) == {"text": text}


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("Ray Serve", "Ray Serve"),
        ("Ray Data for Structured Workloads: Deep Dive", "Ray Data for Structured…"),
        ("How Ray Data Powers Scalable AI Workloads", "How Ray Data Powers…"),
        (
            "大规模分布式训练的最佳实践与经验教训总结以及未来的展望方向",
            "大规模分布式训练的最佳实践…",
        ),
    ],
)
def test_talk_labels_are_short(title: str, label: str) -> None:
    assert short(title) == label


def test_evidence_marks_the_matched_words(evil: Path) -> None:
    page = page_data(load_graph(evil / "talks.ttl"))
    plain = next(node for node in page["nodes"] if node["label"] == "Plain talk about Ray Serve")
    serve = next(i for i, node in enumerate(page["nodes"]) if node["label"] == "Ray Serve")
    link = next(link for link in plain["links"] if link["entity"] == serve)
    assert link["props"] == ["mentionsRayLibrary"]
    assert link["evidence"] == [
        {"field": "summary", "parts": ["我们用", "Ray Serve", "部署模型，", "RayServe", "很快。"]},
        {"field": "title", "parts": ["Plain talk about ", "Ray Serve", ""]},
    ]


def test_page_is_the_same_for_the_same_graph_whatever_the_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg", "build", "--output-dir", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append([(out / name).read_bytes() for name in ("graph.html", "graph.graphml")])
    assert outputs[0] == outputs[1]


def test_a_large_gazetteer_still_lays_out() -> None:
    """Over 500 entities: the skeleton layout then needs networkx's sparse (scipy) code."""
    graph = Graph()
    for number in range(520):
        talk = URIRef(f"https://example.org/kg/id/talk/t{number // 20}")
        entity = URIRef(f"https://example.org/kg/id/technique/e{number}")
        graph.add((talk, RDF.type, KG.Talk))
        graph.add((entity, RDF.type, KG.Technique))
        graph.add((talk, KG.mentionsTechnique, entity))
    page = page_data(graph)
    positions = {(node["x"], node["y"]) for node in page["vis_nodes"]}
    assert len(page["vis_nodes"]) == 26 + 520
    assert len(positions) > 500  # spread out, not piled on one spot
    assert page["settle"] is False


# In headless Chromium.


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    reason = "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import websocket  # noqa: F401
    except ImportError:
        executable, reason = None, "websocket-client is not installed (pip install -e '.[test]')"
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests")
        pytest.skip(reason)
    with Chromium(executable) as chromium:
        yield chromium


def open_page(browser: Chromium, html: Path) -> None:
    browser.open(html)
    browser.wait_for("window.kg && window.kg.stableAt() !== null")


def node_id(browser: Chromium, label: str) -> int:
    return browser.evaluate(f"kg.page.nodes.findIndex(n => n.label === {json.dumps(label)})")


def panel_text(browser: Chromium) -> str:
    return browser.evaluate("document.getElementById('panel').textContent")


def test_page_draws_every_node(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    expected = talks_and_entities(load_graph(real / "talks.ttl"))
    assert expected > 72
    assert browser.evaluate("kg.network.body.nodeIndices.length") == expected
    # Every node lies inside the visible canvas once the view is fitted.
    outside = browser.evaluate(
        """(() => {
        const net = kg.network, canvas = document.querySelector('#graph canvas');
        const positions = net.getPositions();
        return Object.keys(positions).filter(id => {
          const p = net.canvasToDOM(positions[id]);
          return p.x < 0 || p.y < 0 || p.x > canvas.clientWidth || p.y > canvas.clientHeight;
        }).length; })()"""
    )
    assert outside == 0
    painted = browser.evaluate(
        """(() => {
        const canvas = document.querySelector('#graph canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted; })()"""
    )
    assert painted > 10000
    assert browser.errors == []


def test_no_request_leaves_the_page(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    browser.evaluate("kg.focusNode(0)")
    browser.pump(0.5)
    page = (real / "graph.html").resolve().as_uri()
    assert browser.blocked == []
    assert set(browser.requests) <= {page}
    # The guard works: a request the page did make would be seen and refused.
    browser.evaluate("fetch('https://example.org/x').catch(() => null)", await_promise=True)
    assert browser.blocked == ["https://example.org/x"]
    browser.blocked.clear()


@pytest.mark.parametrize("query", ["ray serve", "RAYSERVE", "ｒａｙ ｓｅｒｖｅ", "rayserv"])
def test_search_finds_and_focuses_a_node(browser: Chromium, real: Path, query: str) -> None:
    open_page(browser, real / "graph.html")
    serve = node_id(browser, "Ray Serve")
    browser.evaluate("document.getElementById('search-input').focus()")
    browser.type_text(query)
    first = browser.evaluate("document.querySelector('#search-results li').dataset.node")
    assert int(first) == serve
    browser.press("Enter", 13)
    assert browser.evaluate("kg.network.getSelectedNodes()") == [serve]
    # The view moves to the node (a 400 ms animation).
    browser.wait_for(
        f"""(() => {{ const p = kg.network.getPosition({serve}), v = kg.network.getViewPosition();
        return Math.hypot(p.x - v.x, p.y - v.y) < 1; }})()"""
    )
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == "Ray Serve"


@pytest.mark.parametrize(("query", "label"), [("Zuks", "Zoox"), ("any scale", "Anyscale")])
def test_search_finds_aliases(browser: Chromium, real: Path, query: str, label: str) -> None:
    open_page(browser, real / "graph.html")
    assert browser.evaluate(f"kg.search({json.dumps(query)})")[0] == node_id(browser, label)


def test_a_link_to_a_name_opens_its_node(browser: Chromium, real: Path) -> None:
    browser.open(real / "graph.html", fragment="Zuks")
    zoox = node_id(browser, "Zoox")
    browser.wait_for(f"kg.network.getSelectedNodes()[0] === {zoox}")
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == "Zoox"


def test_a_filter_hides_nodes(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    graph = load_graph(real / "talks.ttl")
    total = talks_and_entities(graph)
    organizations = len(set(graph.subjects(RDF.type, KG.Organization)))
    box = "document.querySelector('input[data-kind=organization]')"
    x, y = browser.evaluate(
        f"(() => {{ const r = {box}.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    )
    browser.click(x, y)
    assert browser.evaluate(f"{box}.checked") is False
    browser.wait_for(f"kg.network.body.nodeIndices.length === {total - organizations}")
    hidden = browser.evaluate(
        "kg.network.body.nodeIndices.filter(id => kg.page.nodes[id].kind === 'organization').length"
    )
    assert hidden == 0
    browser.click(x, y)
    browser.wait_for(f"kg.network.body.nodeIndices.length === {total}")
    # A track filter hides that track's talks only.
    talks = browser.evaluate("kg.page.nodes.filter(n => n.kind === 'talk' && n.track === 0).length")
    browser.evaluate("document.querySelector('input[data-track=\"0\"]').click()")
    browser.wait_for(f"kg.network.body.nodeIndices.length === {total - talks}")
    browser.evaluate("document.getElementById('show-all').click()")
    browser.wait_for(f"kg.network.body.nodeIndices.length === {total}")


def test_clicking_a_talk_shows_its_evidence(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    title = "How Zoox Built a Reliable, High-Velocity Model Serving Platform with Ray Serve"
    talk = node_id(browser, title)
    # Zoom in on the talk so that a click at its place hits nothing else, then click it.
    browser.evaluate(f"kg.network.moveTo({{position: kg.network.getPosition({talk}), scale: 4}})")
    x, y = browser.evaluate(
        f"""(() => {{ const p = kg.network.canvasToDOM(kg.network.getPosition({talk}));
        const r = document.querySelector('#graph canvas').getBoundingClientRect();
        return [r.x + p.x, r.y + p.y]; }})()"""
    )
    browser.click(x, y)
    assert browser.evaluate("kg.network.getSelectedNodes()") == [talk]
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == title
    marks = browser.evaluate(
        "[...document.querySelectorAll('#panel mark')].map(m => m.textContent)"
    )
    assert "Ray Serve" in marks and "Zuks" in marks  # "Zuks": the summary's spelling of Zoox
    # The sentences shown are the exported evidence sentences.
    graph = load_graph(real / "talks.ttl")
    subject = next(graph.subjects(RDFS.label, Literal(title, lang="en")))
    sentences = {row.sentence for row in evidence(graph, subject) if row.words == "Ray Serve"}
    shown = browser.evaluate(
        "[...document.querySelectorAll('#panel .sentence')].map(s => s.textContent)"
    )
    assert sentences and sentences <= set(shown)


def test_an_entity_panel_lists_the_talks_that_name_it(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    browser.evaluate(f"kg.focusNode({node_id(browser, 'Ray Serve')})")
    graph = load_graph(real / "talks.ttl")
    serve = next(
        s for s in graph.subjects(RDF.type, KG.RayLibrary) if str(s).endswith("/ray-serve")
    )
    mentioning = {
        str(graph.value(t, RDFS.label)) for t in graph.subjects(KG.mentionsRayLibrary, serve)
    }
    rows = browser.evaluate(
        """[...document.querySelectorAll('#panel ol.talks > li')].map(li =>
        [li.querySelector('.chip').childNodes[1].textContent, li.querySelector('.muted').textContent])"""
    )
    assert {title for title, _ in rows} == mentioning
    assert f"Named by {len(mentioning)} talks" in panel_text(browser)
    # Which organizations' talks use it: the presenters are named under each talk.
    zoox = dict(rows)[
        "How Zoox Built a Reliable, High-Velocity Model Serving Platform with Ray Serve"
    ]
    assert zoox.endswith("presented by Zoox")


def test_table_text_stays_inert_text(browser: Chromium, evil: Path) -> None:
    open_page(browser, evil / "graph.html")
    title = f"{PAYLOAD} href Ray Serve"
    talk = node_id(browser, title)
    assert talk >= 0
    browser.evaluate("document.getElementById('search-input').focus()")
    browser.type_text("<img")
    browser.press("Enter", 13)
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == title
    assert "</script><script>alert(2)</script>" in panel_text(browser)
    # The hover tooltip shows the title as text.
    browser.pump(0.6)  # the view moves to the talk
    x, y = browser.evaluate(
        f"""(() => {{ const p = kg.network.canvasToDOM(kg.network.getPosition({talk}));
        const r = document.querySelector('#graph canvas').getBoundingClientRect();
        return [r.x + p.x, r.y + p.y]; }})()"""
    )
    for dx in (-3, 0):
        browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx, y=y)
    browser.wait_for("(document.querySelector('.vis-tooltip') || {}).textContent")
    assert browser.evaluate("document.querySelector('.vis-tooltip').textContent").startswith(
        PAYLOAD
    )
    browser.pump(0.5)
    assert browser.evaluate("document.images.length") == 0
    assert (
        browser.evaluate("document.querySelectorAll('#panel b, .vis-tooltip :not(br)').length") == 0
    )
    assert browser.dialogs == []
    assert browser.blocked == []
    assert browser.errors == []

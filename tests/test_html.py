"""The HTML view (kg.html): the data it embeds, and how the page behaves in headless Chromium.

The browser tests skip when Chromium is missing, except under CI (the env var CI is set), where
they fail: CI installs Debian's chromium in .ci/run.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.html import page_data, render_page, script_json, short
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
        {
            "field": "summary",
            "parts": ["我们用", "Ray Serve", "部署模型，", "RayServe", "很快。"],
            "methods": [["gazetteer", 1.0]],
        },
        {
            "field": "title",
            "parts": ["Plain talk about ", "Ray Serve", ""],
            "methods": [["gazetteer", 1.0]],
        },
    ]
    assert link["methods"] == [["gazetteer", 1.0]]


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
    """Over 500 entities, each named by a few talks: spread out, not piled on one spot."""
    graph = Graph()
    for number in range(520):
        entity = URIRef(f"https://example.org/kg/id/technique/e{number}")
        graph.add((entity, RDF.type, KG.Technique))
        for talk_number in (number // 20, (number // 7) % 26):
            talk = URIRef(f"https://example.org/kg/id/talk/t{talk_number}")
            graph.add((talk, RDF.type, KG.Talk))
            graph.add((talk, KG.mentionsTechnique, entity))
    page = page_data(graph)
    positions = {(node["x"], node["y"]) for node in page["vis_nodes"]}
    assert len(page["vis_nodes"]) == 26 + 520
    assert len(positions) == 26 + 520


def test_talks_lie_in_their_track_disc(real: Path) -> None:
    page = page_data(load_graph(real / "talks.ttl"))
    groups = {group["track"]: group for group in page["groups"]}
    assert len(groups) == len(page["tracks"]) == 16
    for node, drawn in zip(page["nodes"], page["vis_nodes"], strict=True):
        if node["kind"] != "talk":
            continue
        group = groups[node["track"]]
        assert math.hypot(drawn["x"] - group["x"], drawn["y"] - group["y"]) <= group["r"]
    # No two discs overlap.
    for first, second in itertools.combinations(page["groups"], 2):
        distance = math.hypot(first["x"] - second["x"], first["y"] - second["y"])
        assert distance > first["r"] + second["r"]


def test_links_carry_how_they_were_found(real: Path) -> None:
    page = page_data(load_graph(real / "talks.ttl"))
    methods = {
        method
        for node in page["nodes"]
        if node["kind"] == "talk"
        for link in node["links"]
        for method, _ in link["methods"]
    }
    assert methods <= {"gazetteer", "pattern", "cue"} and methods


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


def open_page(browser: Chromium, html: Path, fragment: str = "") -> None:
    browser.open(html, fragment=fragment)
    browser.wait_for("window.kg && window.kg.stableAt() !== null")


def node_id(browser: Chromium, label: str) -> int:
    return browser.evaluate(f"kg.page.nodes.findIndex(n => n.label === {json.dumps(label)})")


def panel_text(browser: Chromium) -> str:
    return browser.evaluate("document.getElementById('panel').textContent")


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def centre_offset(browser: Chromium, which: str, node: int) -> float:
    """How far (in CSS pixels) `node` lies from the middle of the canvas of `which`."""
    return browser.evaluate(
        f"""(() => {{ const net = {which}, box = net.body.container;
        const p = net.canvasToDOM(net.getPosition({node}));
        return Math.hypot(p.x - box.clientWidth / 2, p.y - box.clientHeight / 2); }})()"""
    )


def test_first_view_names_tracks_and_hubs_without_overlap(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    graph = load_graph(real / "talks.ttl")
    people = len(set(graph.subjects(RDF.type, KG.Person)))
    expected = talks_and_entities(graph)
    assert expected > 72 and people > 0
    # People are off the map by default.
    assert browser.evaluate("kg.network.body.nodeIndices.length") == expected - people
    # Every node lies inside the visible canvas once the view is fitted.
    outside = browser.evaluate(
        """(() => {
        const net = kg.network, canvas = document.querySelector('#graph canvas');
        const positions = net.getPositions(net.body.nodeIndices);
        return Object.keys(positions).filter(id => {
          const p = net.canvasToDOM(positions[id]);
          return p.x < 0 || p.y < 0 || p.x > canvas.clientWidth || p.y > canvas.clientHeight;
        }).length; })()"""
    )
    assert outside == 0
    labels = browser.evaluate("kg.labels()")
    texts = [label["text"] for label in labels]
    # Every track is named on the canvas, and so are the most connected entities.
    tracks = [track["label"] for track in browser.evaluate("kg.page.tracks")]
    assert set(tracks) <= set(texts)
    top = browser.evaluate(
        "kg.page.nodes.filter(n => n.kind !== 'talk' && n.kind !== 'person')"
        ".sort((a, b) => b.degree - a.degree).slice(0, 5).map(n => n.label)"
    )
    assert set(top) <= set(texts)
    assert overlapping([label["box"] for label in labels]) == []
    width = browser.evaluate("document.querySelector('#graph canvas').clientWidth")
    assert all(label["box"][0] >= 0 and label["box"][2] <= width + 1 for label in labels)
    # Zoomed in, more names appear (talks too), still without overlap.
    browser.evaluate(
        "kg.network.moveTo({position: kg.network.getPosition(kg.page.nodes.findIndex("
        "n => n.kind === 'talk')), scale: 2}); kg.network.redraw()"
    )
    closer = browser.evaluate("kg.labels()")
    assert overlapping([label["box"] for label in closer]) == []
    assert any(
        kind == "talk"
        for kind in browser.evaluate(
            "kg.labels().filter(l => l.id >= 0).map(l => kg.page.nodes[l.id].kind)"
        )
    )
    assert browser.errors == []


def test_people_can_be_switched_on(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    total = talks_and_entities(load_graph(real / "talks.ttl"))
    browser.evaluate("document.querySelector('input[data-kind=person]').click()")
    browser.wait_for(f"kg.network.body.nodeIndices.length === {total}")
    sizes = browser.evaluate(
        "kg.network.body.nodeIndices.filter(id => kg.page.nodes[id].kind === 'person')"
        ".map(id => kg.network.body.nodes[id].options.size)"
    )
    assert sizes and max(sizes) <= 5


def test_no_request_leaves_the_page(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    browser.evaluate("kg.focusNode(0); kg.openEgo(0); kg.openTrack(0); kg.openMatrix()")
    browser.pump(0.5)
    page = (real / "graph.html").resolve().as_uri()
    assert browser.blocked == []
    assert set(browser.requests) <= {page}
    # The guard works: a request the page did make would be seen and refused.
    browser.evaluate("fetch('https://example.org/x').catch(() => null)", await_promise=True)
    assert browser.blocked == ["https://example.org/x"]
    browser.blocked.clear()


@pytest.mark.parametrize("query", ["ray serve", "RAYSERVE", "ｒａｙ ｓｅｒｖｅ", "rayserv"])
def test_search_opens_the_view_around_a_node(browser: Chromium, real: Path, query: str) -> None:
    open_page(browser, real / "graph.html")
    serve = node_id(browser, "Ray Serve")
    browser.evaluate("document.getElementById('search-input').focus()")
    browser.type_text(query)
    first = browser.evaluate("document.querySelector('#search-results li').dataset.node")
    assert int(first) == serve
    browser.press("Enter", 13)
    assert browser.evaluate("kg.view()") == "ego"
    assert centre_offset(browser, "kg.sub()", serve) < 2
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == "Ray Serve"
    # Around it: the talks that name it, and what those talks share.
    graph = load_graph(real / "talks.ttl")
    iri = next(s for s in graph.subjects(RDF.type, KG.RayLibrary) if str(s).endswith("/ray-serve"))
    talks = {str(graph.value(t, RDFS.label)) for t in graph.subjects(KG.mentionsRayLibrary, iri)}
    shown = browser.evaluate(
        "kg.sub().body.nodeIndices.map(id => kg.page.nodes[id]).filter(n => n.kind === 'talk')"
        ".map(n => n.label)"
    )
    assert set(shown) == talks
    assert overlapping([label["box"] for label in browser.evaluate("kg.labels('sub')")]) == []


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Zuks", "Zoox"),
        ("any scale", "Anyscale"),
        # A title, and words found only in a summary ("自动驾驶公司Zuks").
        ("Inside Uber", "Inside Uber: Scaling Model Training with Ray"),
        (
            "自动驾驶公司",
            "How Zoox Built a Reliable, High-Velocity Model Serving Platform with Ray Serve",
        ),
    ],
)
def test_search_finds_aliases_titles_and_summaries(
    browser: Chromium, real: Path, query: str, label: str
) -> None:
    open_page(browser, real / "graph.html")
    assert node_id(browser, label) in browser.evaluate(f"kg.search({json.dumps(query)})")[:3]


@pytest.mark.parametrize(("fragment", "label"), [("Ray%20Serve", "Ray Serve"), ("Zuks", "Zoox")])
def test_a_link_to_a_name_opens_it_zoomed_and_centred(
    browser: Chromium, real: Path, fragment: str, label: str
) -> None:
    open_page(browser, real / "graph.html", fragment=fragment)
    node = node_id(browser, label)
    browser.wait_for("kg.view() === 'ego'")
    assert browser.evaluate("kg.sub().getSelectedNodes()") == [node]
    assert centre_offset(browser, "kg.sub()", node) < 2
    # Zoomed: the node is drawn big on the screen, its name is drawn.
    radius = browser.evaluate(f"kg.sub().body.nodes[{node}].options.size * kg.sub().getScale()")
    assert radius >= 12
    assert label in [item["text"] for item in browser.evaluate("kg.labels('sub')")]
    assert browser.evaluate("document.querySelector('#panel h2').textContent") == label


def test_a_filter_hides_nodes(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    graph = load_graph(real / "talks.ttl")
    total = talks_and_entities(graph) - len(set(graph.subjects(RDF.type, KG.Person)))
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
    browser.wait_for(
        f"kg.network.body.nodeIndices.length === {total + len(set(graph.subjects(RDF.type, KG.Person)))}"
    )


def test_links_filter_by_how_they_were_found(browser: Chromium, evil: Path, tmp_path: Path) -> None:
    """One link found by a cue (confidence 0.6), the others by the gazetteer: unticking "cue",
    or asking for confidence 0.7, hides that link and the entity only it names."""
    page = page_data(load_graph(evil / "talks.ttl"))
    talk = next(
        i for i, n in enumerate(page["nodes"]) if n["label"] == "Plain talk about Ray Serve"
    )
    anyscale = next(i for i, n in enumerate(page["nodes"]) if n["label"] == "Anyscale")
    serve = next(i for i, n in enumerate(page["nodes"]) if n["label"] == "Ray Serve")
    cue_link = next(link for link in page["nodes"][talk]["links"] if link["entity"] == serve)
    cue_link["methods"] = [["cue", 0.6]]
    for item in cue_link["evidence"]:
        item["methods"] = [["cue", 0.6]]
    # The evil talk names Ray Serve too, by the gazetteer: only Plain talk's link is a cue's.
    page["nodes"] = [
        node
        if node["kind"] != "talk" or i == talk
        else {**node, "links": [link for link in node["links"] if link["entity"] != serve]}
        for i, node in enumerate(page["nodes"])
    ]
    page["vis_edges"] = [
        edge for edge in page["vis_edges"] if edge["to"] != serve or edge["from"] == talk
    ]
    for number, edge in enumerate(page["vis_edges"]):
        edge["id"] = number
    html = tmp_path / "graph.html"
    html.write_text(render_page(page), encoding="utf-8")
    open_page(browser, html)
    edge = next(e["id"] for e in page["vis_edges"] if e["from"] == talk and e["to"] == serve)
    assert browser.evaluate(f"kg.hiddenEdges()[{edge}]") is False
    browser.evaluate("document.querySelector('input[data-method=cue]').click()")
    assert browser.evaluate(f"kg.hiddenEdges()[{edge}]") is True
    assert browser.evaluate(f"kg.hidden()[{serve}]") is True
    assert browser.evaluate(f"kg.hidden()[{anyscale}]") is False
    browser.evaluate("document.querySelector('input[data-method=cue]').click()")
    assert browser.evaluate(f"kg.hidden()[{serve}]") is False
    browser.evaluate(
        "const c = document.getElementById('confidence'); c.value = '0.7';"
        "c.dispatchEvent(new Event('input'))"
    )
    assert browser.evaluate(f"kg.hidden()[{serve}]") is True
    # The panel says how each link was found.
    browser.evaluate(f"kg.focusNode({talk})")
    methods = browser.evaluate(
        "[...document.querySelectorAll('#panel .method')].map(m => m.textContent)"
    )
    assert methods == ["cue 0.60", "cue 0.60"]  # its two sentences, title and summary
    browser.evaluate(f"kg.focusNode({anyscale})")
    methods = browser.evaluate(
        "[...document.querySelectorAll('#panel .method')].map(m => m.textContent)"
    )
    assert methods == ["gazetteer 1.00"]


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


def test_matrix_cells_count_talks_and_open_their_evidence(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    browser.evaluate("document.getElementById('view-matrix').click()")
    assert browser.evaluate("kg.view()") == "matrix"
    anyscale, serve = node_id(browser, "Anyscale"), node_id(browser, "Ray Serve")
    # By hand from the export: talks linked to Anyscale (presenting or named) naming Ray Serve.
    graph = load_graph(real / "talks.ttl")
    org = next(s for s in graph.subjects(RDF.type, KG.Organization) if str(s).endswith("/anyscale"))
    lib = next(s for s in graph.subjects(RDF.type, KG.RayLibrary) if str(s).endswith("/ray-serve"))
    with_org = set(graph.subjects(KG.presentedBy, org)) | set(
        graph.subjects(KG.mentionsOrganization, org)
    )
    both = {
        str(graph.value(t, RDFS.label))
        for t in with_org & set(graph.subjects(KG.mentionsRayLibrary, lib))
    }
    assert both
    cell = f'document.querySelector(\'#matrix td button[data-row="{anyscale}"][data-column="{serve}"]\')'
    assert browser.evaluate(f"{cell}.textContent") == str(len(both))
    # The first row is the organization with the most talks, shaded darkest at its maximum.
    browser.evaluate(f"{cell}.click()")
    assert (
        browser.evaluate("document.querySelector('#panel h2').textContent")
        == "Anyscale × Ray Serve"
    )
    titles = browser.evaluate(
        "[...document.querySelectorAll('#panel ol.talks > li')].map(li => li.querySelector('.chip').textContent.slice(1))"
    )
    assert set(titles) == both
    marks = browser.evaluate(
        "[...document.querySelectorAll('#panel mark')].map(m => m.textContent)"
    )
    assert "Ray Serve" in marks
    # Hardware columns too.
    browser.evaluate(
        "const s = document.querySelector('#matrix select'); s.value = 'hardware'; s.dispatchEvent(new Event('change'))"
    )
    columns = browser.evaluate(
        "[...document.querySelectorAll('#matrix thead .chip')].map(c => kg.page.nodes[c.dataset.node].kind)"
    )
    assert columns and set(columns) == {"hardware"}


def test_track_view_shows_its_talks_and_what_they_name(browser: Chromium, real: Path) -> None:
    open_page(browser, real / "graph.html")
    index = browser.evaluate("kg.page.tracks.findIndex(t => t.label === 'Ray Serve')")
    browser.evaluate(
        f"const s = document.getElementById('view-track'); s.value = '{index}'; s.dispatchEvent(new Event('change'))"
    )
    assert browser.evaluate("kg.view()") == "track"
    graph = load_graph(real / "talks.ttl")
    track = next(t for t in set(graph.objects(None, KG.track)) if str(t).endswith("ray-serve"))
    talks = {str(graph.value(t, RDFS.label)) for t in graph.subjects(KG.track, track)}
    shown = browser.evaluate(
        "kg.sub().body.nodeIndices.filter(id => id >= 0).map(id => kg.page.nodes[id])"
        ".filter(n => n.kind === 'talk').map(n => n.label)"
    )
    assert set(shown) == talks
    named = browser.evaluate(
        "kg.sub().body.nodeIndices.filter(id => id >= 0 && kg.page.nodes[id].kind !== 'talk').length"
    )
    assert named > 0
    assert overlapping([label["box"] for label in browser.evaluate("kg.labels('sub')")]) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080), (390, 844)])
def test_the_page_fits_the_screen(browser: Chromium, real: Path, width: int, height: int) -> None:
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=width < 700,
    )
    try:
        open_page(browser, real / "graph.html")
        canvas = browser.evaluate(
            "document.querySelector('#graph canvas').getBoundingClientRect().toJSON()"
        )
        assert canvas["width"] >= min(700, width - 10)
        assert canvas["height"] >= height * 0.6
        assert browser.evaluate("document.documentElement.scrollWidth") <= width
        if width < 700:  # the panels collapse, and open on demand
            assert (
                browser.evaluate("getComputedStyle(document.getElementById('panel')).display")
                == "none"
            )
            browser.evaluate(f"kg.focusNode({node_id(browser, 'Ray Serve')})")
            assert (
                browser.evaluate("getComputedStyle(document.getElementById('panel')).display")
                != "none"
            )
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


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
    # The search opened the view around the talk; its hover tooltip shows the title as text.
    assert browser.evaluate("kg.view()") == "ego"
    x, y = browser.evaluate(
        f"""(() => {{ const p = kg.sub().canvasToDOM(kg.sub().getPosition({talk}));
        const r = document.querySelector('#sub canvas').getBoundingClientRect();
        return [r.x + p.x, r.y + p.y]; }})()"""
    )
    for dx in (-3, 0):
        browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx, y=y)
    browser.wait_for("(document.querySelector('#sub .vis-tooltip') || {}).textContent")
    assert browser.evaluate("document.querySelector('#sub .vis-tooltip').textContent").startswith(
        PAYLOAD
    )
    browser.pump(0.5)
    # The other views write the same text, as text.
    browser.evaluate(f"kg.openEgo({talk})")
    assert title in [item["text"] for item in browser.evaluate("kg.labels('sub')")]
    browser.evaluate("kg.openTrack(0); kg.openMatrix()")
    browser.evaluate("document.querySelector('#matrix td button').click()")
    assert title in panel_text(browser)
    browser.pump(0.3)
    assert browser.evaluate("document.images.length") == 0
    assert (
        browser.evaluate("document.querySelectorAll('#panel b, .vis-tooltip :not(br)').length") == 0
    )
    assert browser.dialogs == []
    assert browser.blocked == []
    assert browser.errors == []

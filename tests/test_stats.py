"""Graph analytics (kg.stats) and `kg stats`, over a small table whose answers are counted by
hand. The table names only entities of a test gazetteer with made-up names, so that no entity of
the shipped gazetteer can change the counts."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import build
from kg.query import load_graph
from kg.stats import Ranked, Stats, compute, format_stats, to_graphml

GAZETTEER = """\
@prefix kg:   <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org:  <https://example.org/kg/id/organization/> .
@prefix lib:  <https://example.org/kg/id/ray-library/> .
@prefix tech: <https://example.org/kg/id/technique/> .
org:acmecorp a kg:Organization ; skos:prefLabel "Acmecorp"@en .
org:globex a kg:Organization ; skos:prefLabel "Globex"@en .
org:initech a kg:Organization ; skos:prefLabel "Initech"@en .
lib:ray-frobnicate a kg:RayLibrary ; skos:prefLabel "Ray Frobnicate"@en .
lib:ray-wibble a kg:RayLibrary ; skos:prefLabel "Ray Wibble"@en , "雷维布"@zh ; skos:altLabel "Wibbl"@en .
tech:zorbling a kg:Technique ; skos:prefLabel "Zorbling"@en , "佐布"@zh .
tech:quuxing a kg:Technique ; skos:prefLabel "Quuxing"@en .
"""
# Presenters come from the opening clause ("本视频由X团队分享").
ROWS = """\
| Ray Serve | Frobnicate at Globex \\| Ray Summit 2025 | 本视频由Globex团队分享Ray Frobnicate与Ray Wibble。我们用Zorbling。 |
| Ray Data | Wibble at Acmecorp \\| Ray Summit 2025 | 本视频由Acmecorp团队分享Ray Wibble。Zorbling很重要。 |
|  | Wibble and Frobnicate \\| Ray Summit 2025 | 本视频由Acmecorp团队分享Ray Wibble和Ray Frobnicate。 |
| RLlib | Quuxing for all \\| Ray Summit 2025 | 本视频由Initech团队分享Quuxing。 |
|  | More Quuxing \\| Ray Summit 2025 | 本视频由Initech团队分享Quuxing与Zorbling以外的方法：Quuxing。 |
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stats")
    (folder / "gazetteer.ttl").write_text(GAZETTEER, encoding="utf-8")
    table = folder / "talks.md"
    table.write_text("| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n" + ROWS, encoding="utf-8")
    build([table], folder / "out", gazetteers=(folder / "gazetteer.ttl",))
    return folder / "out"


@pytest.fixture(scope="module")
def stats(built: Path) -> Stats:
    return compute(load_graph(built / "talks.ttl"))


def labels(ranked: tuple[Ranked, ...]) -> list[tuple[str, int]]:
    return [(item.label, item.talks) for item in ranked]


def test_top_entities_count_talks_per_type(stats: Stats) -> None:
    top = {kind: labels(ranked) for kind, ranked in stats.top_entities}
    assert top["organization"] == [("Acmecorp", 2), ("Initech", 2), ("Globex", 1)]
    assert top["ray-library"] == [("Ray Wibble", 3), ("Ray Frobnicate", 2)]
    assert top["technique"] == [("Zorbling", 3), ("Quuxing", 2)]
    assert stats.talks == 5


def test_matrix_counts_talks_by_presenter_and_library(stats: Stats) -> None:
    # Acmecorp presents lines 2 and 3 (Wibble twice, Frobnicate once), Globex line 1 (both).
    assert stats.matrix_organizations == ("Acmecorp", "Globex")
    assert stats.matrix_libraries == ("Ray Wibble", "Ray Frobnicate")
    assert stats.matrix == ((2, 1), (1, 1))


def test_techniques_per_track(stats: Stats) -> None:
    by_track = {track: labels(ranked) for track, ranked in stats.techniques_by_track}
    assert by_track == {
        "Ray Serve": [("Zorbling", 1)],
        "Ray Data": [("Zorbling", 1)],
        "RLlib": [("Quuxing", 2), ("Zorbling", 1)],
    }


def test_communities_follow_the_groups_of_talks(stats: Stats) -> None:
    found = [{member.label for member in community} for community in stats.communities]
    assert set().union(*found) <= {
        "Acmecorp",
        "Globex",
        "Initech",
        "Ray Frobnicate",
        "Ray Wibble",
        "Zorbling",
        "Quuxing",
    }
    # Initech and Quuxing are named only together, and only with Zorbling besides.
    assert any({"Initech", "Quuxing"} <= community for community in found)
    assert not any({"Initech", "Globex"} <= community for community in found)


def test_stats_are_the_same_every_time(built: Path, stats: Stats) -> None:
    assert compute(load_graph(built / "talks.ttl")) == stats


def test_graphml_holds_talks_entities_and_links(built: Path) -> None:
    data = (built / "graph.graphml").read_bytes()
    assert data == to_graphml(load_graph(built / "talks.ttl"))
    graph = nx.read_graphml(io.BytesIO(data))
    kinds = [kind for _, kind in graph.nodes(data="kind")]
    assert kinds.count("talk") == 5
    assert kinds.count("organization") == 3
    talk = next(n for n, label in graph.nodes(data="label") if label == "Wibble at Acmecorp")
    links = {
        graph.nodes[target]["label"]: data["links"]
        for _, target, data in graph.out_edges(talk, data=True)
    }
    assert links == {
        "Acmecorp": "mentionsOrganization presentedBy",
        "Ray Wibble": "mentionsRayLibrary",
        "Zorbling": "mentionsTechnique",
    }


def test_kg_stats_prints_the_analytics(built: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--graph", str(built / "talks.ttl")])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "talks: 5  entities linked: 7  talk-entity pairs: 15 (a talk and an entity, in any role)\n"
        "\n"
        "Top entities by number of talks\n"
        "  organization: Acmecorp (2), Initech (2), Globex (1)\n"
        "  ray-library: Ray Wibble (3), Ray Frobnicate (2)\n"
        "  technique: Zorbling (3), Quuxing (2)\n"
        "\n"
        "Organization (presenting) x Ray library: talks\n"
        "            Ray Wibble  Ray Frobnicate\n"
        "  Acmecorp           2               1\n"
        "  Globex             1               1\n"
        "\n"
        "Most connected techniques per track (top 3)\n"
        "  RLlib: Quuxing (2), Zorbling (1)\n"
        "  Ray Data: Zorbling (1)\n"
        "  Ray Serve: Zorbling (1)\n"
        "\n"
        "Communities of co-mentioned entities (Louvain, seed 42)\n"
        "  1. Ray Wibble, Zorbling, Acmecorp, Ray Frobnicate, Globex\n"
        "  2. Initech, Quuxing\n"
    )


def test_kg_stats_without_a_graph_says_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    result = CliRunner().invoke(main, ["stats", "--graph", str(missing)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {missing}: no such graph file (run `kg build` first, or pass --graph)\n"
    )


def test_kg_stats_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(main, ["stats", "--help"])
    assert result.output.rstrip().endswith("kg stats --graph outputs/talks.ttl")


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("Ray 数据", "Ray 数据"),
    ],
)
def test_format_stats_escapes_control_characters(label: str, shown: str) -> None:
    stats = Stats(
        talks=1,
        entities=1,
        links=1,
        top_entities=(("technique", (Ranked(label, 1, "x"),)),),
        matrix_organizations=(),
        matrix_libraries=(),
        matrix=(),
        techniques_by_track=(),
        communities=(),
    )
    text = format_stats(stats)
    assert f"technique: {shown} (1)" in text
    assert not any(ch in text for ch in "\x1b\x07\u202e")

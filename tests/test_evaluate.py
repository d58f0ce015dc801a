"""The evaluator: pairs of (talk, entity) per type, and the annotation file's format."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import KgError
from kg.evaluate import GoldRow, evaluate, read_gold
from kg.extract import Link, Mention
from kg.ontology import gazetteer_from

GAZETTEER = """
@prefix kg:   <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org:  <https://example.org/kg/id/organization/> .
org:zoox a kg:Organization ; skos:prefLabel "Zoox"@en ; skos:altLabel "Zuks"@en .
org:uber a kg:Organization ; skos:prefLabel "Uber"@en .
org:lyft a kg:Organization ; skos:prefLabel "Lyft"@en .
"""


def linked(line: int, role: str, key: str, method: str = "gazetteer") -> Link:
    mention = Mention("t.md", line, "summary", 0, 4, key, "text", "text", "sentence", method)
    return Link("t.md", line, role, key, (mention,))


def test_scores_count_pairs_and_presenters_are_organizations():
    gazetteer = gazetteer_from(Graph().parse(data=GAZETTEER, format="turtle"))
    gold = [
        GoldRow(3, "organization", "Zuks", "", "Zuks"),  # any label names the entity
        GoldRow(3, "presenter", "Uber", "", "Uber"),
        GoldRow(4, "organization", "Waymo", "", "Waymo"),  # not in the gazetteer: a miss
    ]
    links = [
        linked(3, "organization", "organization/zoox"),
        linked(3, "presenter", "organization/uber"),
        linked(4, "organization", "organization/lyft"),  # wrong
    ]
    scores = {s.type: s for s in evaluate(gazetteer, links, gold)}
    org = scores["organization"]
    assert (org.true_positives, len(org.wrong), len(org.misses)) == (2, 1, 1)
    assert org.precision == pytest.approx(2 / 3) and org.recall == pytest.approx(2 / 3)
    assert org.misses == (
        (4, "Waymo (not in the gazetteer, not found by pattern or cue)", "Waymo"),
    )
    assert scores["presenter"].f1 == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("line\ttype\n", "t.tsv:1: the header must be"),
        (
            "line\ttype\tname\taffiliation\tevidence\n3\tcompany\tZoox\t\tZoox\n",
            "t.tsv:2: expected a talk line",
        ),
    ],
)
def test_malformed_annotation_names_file_and_line(tmp_path: Path, text, message):
    path = tmp_path / "t.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KgError, match=message):
        read_gold(path)


def test_found_entities_score_by_label_and_a_finer_one_stands_for_its_family():
    from kg.extract import Found
    from kg.speakers import with_people

    data = (
        GAZETTEER
        + """
@prefix model: <https://example.org/kg/id/model/> .
model:llama a kg:Model ; skos:prefLabel "Llama"@en ."""
    )
    base = gazetteer_from(Graph().parse(data=data, format="turtle"))
    found = {
        "model/llama-3": Found(
            "model/llama-3",
            "model",
            "Llama 3",
            ("Llama 3",),
            found_by="pattern",
            broader="model/llama",
        ),
        "model/llama-3-8b": Found(
            "model/llama-3-8b",
            "model",
            "Llama 3 8B",
            ("Llama 3 8B",),
            found_by="pattern",
            broader="model/llama-3",
        ),
        "organization/acme": Found(
            "organization/acme", "organization", "Acme", ("Acme",), found_by="cue"
        ),
    }
    gazetteer = with_people(base, found)
    gold = [
        GoldRow(3, "model", "Llama 3", "", "Llama 3"),  # found as Llama 3 and Llama 3 8B
        GoldRow(4, "model", "Llama", "", "Llama"),  # found as Llama 3 8B only
        GoldRow(4, "organization", "ACME", "", "Acme"),  # a cue-found entity, by its label
    ]
    links = [
        linked(3, "model", "model/llama-3", "pattern"),
        linked(3, "model", "model/llama-3-8b", "pattern"),
        linked(4, "model", "model/llama-3-8b", "pattern"),
        linked(4, "organization", "organization/acme", "cue"),
        linked(4, "organization", "organization/zoox"),  # wrong, found by the gazetteer
    ]
    scores = {s.type: s for s in evaluate(gazetteer, links, gold)}
    model, org = scores["model"], scores["organization"]
    assert (model.true_positives, model.wrong, model.misses) == (2, (), ())
    assert model.methods == (("pattern", 2, 0),)
    assert org.methods == (("gazetteer", 0, 1), ("cue", 1, 0))
    assert [row[:3] for row in org.by_method()] == [("gazetteer", 0, 1), ("cue", 1, 0)]


def test_the_evaluation_tables_share_no_talk():
    """A talk in two tables would count twice in the figures and mean a "blind" table is not."""
    from kg.inputs import duplicates
    from kg.table import read_table

    root = Path(__file__).resolve().parent.parent
    tables = [root / "data" / "talks.md"]
    tables += sorted(p for p in (root / "tests" / "data").glob("*/talks.md"))
    talks = [talk for table in tables for talk in read_table(table, "Eval 2025")]
    assert len(tables) >= 10
    assert [str(problem) for problem in duplicates(talks)] == []

"""A build of several tables keeps each table's chunks (outputs/.kg-cache, kg.cache): the next
build extracts only the tables that changed, and its outputs are byte for byte a clean build's."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from kg import engine
from kg.cache import CACHE, FORMAT
from kg.cli import main

HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
TABLES = {
    "a.md": r"| Ray Serve | Serving at Zoox \| Ray Summit 2025 | Zoox用Ray Serve和vLLM部署Llama 3。 |",
    "b.md": r"| Ray Data | Data at Scale \| Ray Summit 2025 | Presented by Wei Zq, this session uses Ray Data on GPUs. |",
    "c.md": r"| Ray Train | Training \| Ray Summit 2025 | 本视频由Anyscale的Ed Oakes分享，介绍PyTorch和FSDP。 |",
}
OUTPUTS = ("talks.ttl", "graph.html", "graph.graphml", "kg-build.json")


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = Path("tables")
    folder.mkdir()
    for name, row in TABLES.items():
        write(folder / name, row)
    return folder


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables whose chunks a build processes, in the order it processes them."""
    seen: list[str] = []
    real = engine.process

    def process(settings, index, talks, people=None):  # type: ignore[no-untyped-def]
        seen.append(talks[0].source)
        return real(settings, index, talks, people)

    monkeypatch.setattr(engine, "process", process)
    return seen


def write(path: Path, *rows: str) -> None:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", "--input", "tables", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def outputs(folder: str) -> dict[str, bytes]:
    return {name: (Path(folder) / name).read_bytes() for name in OUTPUTS}


def test_a_changed_table_alone_is_extracted_and_the_outputs_are_a_clean_builds(
    tables: Path, extracted: list[str]
) -> None:
    assert "extracted: 3 of 3 tables (0 from cache)\n" in build("--output-dir", "out")
    write(tables / "b.md", TABLES["b.md"].replace("on GPUs", "on TPUs with vLLM"))
    extracted.clear()
    assert "extracted: 1 of 3 tables (2 from cache)\n" in build("--output-dir", "out")
    assert extracted == [str(tables / "b.md")]
    assert "extracted: 3 of 3 tables (0 from cache)\n" in build(
        "--output-dir", "clean", "--no-cache"
    )
    assert outputs("out") == outputs("clean")
    assert b"TPU" in outputs("out")["talks.ttl"]  # the change is in the export


def test_unchanged_tables_are_all_from_the_cache(tables: Path, extracted: list[str]) -> None:
    build("--output-dir", "out")
    first = outputs("out")
    extracted.clear()
    assert "extracted: 0 of 3 tables (3 from cache)\n" in build("--output-dir", "out")
    assert extracted == []
    assert outputs("out") == first


def test_a_person_found_in_two_tables_is_merged_as_in_a_clean_build(
    tables: Path, tmp_path: Path
) -> None:
    """ "Wei Zq" (b.md) and "Wei" of Zeta Q (d.md) are one person, the later finding's: d.md's.
    b.md's kept chunk names the earlier finding, so it is linked again once all people are known,
    whether b.md, d.md or another table changed."""
    zeta = tmp_path / "zeta.ttl"
    zeta.write_text(
        "@prefix kg: <https://example.org/kg/vocab#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/kg/id/organization/zq> a kg:Organization ; skos:prefLabel "Zeta Q"@en .\n',
        encoding="utf-8",
    )
    d_row = r"| Ray Data | Serving \| Ray Summit 2025 | 本视频由Zeta Q的Wei和Lin共同分享。 |"
    write(tables / "d.md", d_row)
    options = ("--gazetteer", str(zeta))
    build("--output-dir", "out", *options)
    talk = URIRef("https://example.org/kg/id/talk/ray-summit-2025/data-at-scale")
    presented = URIRef("https://example.org/kg/vocab#presentedBy")
    zq = URIRef("https://example.org/kg/id/organization/zq")
    assert (talk, presented, zq) in Graph().parse("out/talks.ttl")
    for name, row in (("c.md", TABLES["c.md"]), ("b.md", TABLES["b.md"]), ("d.md", d_row)):
        write(tables / name, row.removesuffix(" |") + " 又一句。 |")
        done = build("--output-dir", "out", *options)
        if name == "c.md":  # c.md, and b.md, linked again to the person d.md found
            assert "extracted: 2 of 4 tables (2 from cache)\n" in done
        build("--output-dir", "clean", "--no-cache", *options)
        assert outputs("out") == outputs("clean"), name
        assert "又一句".encode() in outputs("out")["talks.ttl"]
    assert (talk, presented, zq) in Graph().parse("out/talks.ttl")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a bit flipped
        lambda data: b"",
        # A well-formed entry that holds something else than a chunk's result.
        lambda data: entry(pickle.dumps(Path("/etc/passwd"))),
        lambda data: entry(pickle.dumps(["not a result"])),
    ],
)
def test_a_damaged_entry_is_extracted_again(tables: Path, extracted: list[str], damage) -> None:
    build("--output-dir", "out")
    first = outputs("out")
    entries = sorted((Path("out") / CACHE).iterdir())
    assert len(entries) == 3
    entries[0].write_bytes(damage(entries[0].read_bytes()))
    extracted.clear()
    assert "extracted: 1 of 3 tables (2 from cache)\n" in build("--output-dir", "out")
    assert len(extracted) == 1
    assert outputs("out") == first
    extracted.clear()
    assert "extracted: 0 of 3 tables (3 from cache)\n" in build("--output-dir", "out")  # mended


def entry(payload: bytes) -> bytes:
    import hashlib

    return FORMAT + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def test_entries_no_build_uses_are_pruned(tables: Path) -> None:
    build("--output-dir", "out")
    (tables / "c.md").unlink()
    write(tables / "a.md", TABLES["a.md"].replace("Llama 3", "Llama 4"))
    (Path("out") / CACHE / "stray.chunk").write_bytes(b"old")
    build("--output-dir", "out")
    assert len(list((Path("out") / CACHE).iterdir())) == 2  # a.md's new entry, b.md's


def test_no_cache_neither_reads_nor_writes_the_cache(tables: Path, extracted: list[str]) -> None:
    build("--output-dir", "fresh", "--no-cache")
    assert not (Path("fresh") / CACHE).exists()
    build("--output-dir", "out")
    kept = {path.name: path.read_bytes() for path in (Path("out") / CACHE).iterdir()}
    write(tables / "a.md", TABLES["a.md"].replace("Llama 3", "Llama 4"))
    extracted.clear()
    assert "extracted: 3 of 3 tables (0 from cache)\n" in build("--output-dir", "out", "--no-cache")
    assert len(extracted) == 3
    assert {path.name: path.read_bytes() for path in (Path("out") / CACHE).iterdir()} == kept


def test_check_reads_the_cache_and_writes_nothing(tables: Path, extracted: list[str]) -> None:
    build("--output-dir", "out")
    kept = sorted(path.name for path in (Path("out") / CACHE).iterdir())
    write(tables / "a.md", TABLES["a.md"].replace("Llama 3", "Llama 4"))
    extracted.clear()
    result = CliRunner().invoke(
        main, ["build", "--input", "tables", "--output-dir", "out", "--check"]
    )
    assert result.exit_code == 1, result.output
    assert extracted == [str(tables / "a.md")]
    assert sorted(path.name for path in (Path("out") / CACHE).iterdir()) == kept


def test_jobs_and_the_cache_give_a_clean_builds_bytes(
    tables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK_TALKS", 2)  # e.md is three chunks
    write(tables / "e.md", *(TABLES["a.md"].replace("Zoox", f"Zoox {n}") for n in range(5)))
    build("--output-dir", "out", "--jobs", "2")
    write(tables / "e.md", *(TABLES["a.md"].replace("Zoox", f"Zoox {n}") for n in range(4)))
    write(tables / "b.md", TABLES["b.md"].replace("GPUs", "TPUs"))
    assert "extracted: 2 of 4 tables (2 from cache)\n" in build(
        "--output-dir", "out", "--jobs", "2"
    )
    build("--output-dir", "clean", "--no-cache")
    assert outputs("out") == outputs("clean")

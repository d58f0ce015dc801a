"""Outputs are never half-written: failed, crashed and killed builds leave the previous outputs
byte-identical; builds are deterministic; `kg build --check` tells stale outputs apart."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import outputs
from kg.cache import CACHE
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
TALKS = ROOT / "data" / "talks.md"
OUTPUTS = ("graph.graphml", "graph.html", "kg-build.json", "talks.ttl")
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
SMALL = HEADER + "| Ray Serve | Serving at Zyxcorp \\| Ray Summit 2025 | Zyxcorp用Qwopflow。 |\n"
# Invented entities, so these tests do not depend on what the shipped gazetteer holds.
EXTRA = """\
@prefix kg: <https://example.org/kg/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/kg/id/organization/zyxcorp> a kg:Organization ; skos:prefLabel "Zyxcorp"@en .
<https://example.org/kg/id/software/qwopflow> a kg:Software ; skos:prefLabel "Qwopflow"@en .
"""


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in `directory`, hidden ones too, and in its cache (.kg-cache/), with its bytes."""
    files = [path for path in sorted(directory.iterdir()) if path.is_file()]
    files += sorted((directory / CACHE).glob("*"))
    return {str(path.relative_to(directory)): path.read_bytes() for path in files}


def made(directory: Path) -> dict[str, bytes]:
    """The files of `directory` but the cache's."""
    return {name: data for name, data in snapshot(directory).items() if not in_cache(name)}


def in_cache(name: str) -> bool:
    return name.startswith(f"{CACHE}/")


@pytest.fixture
def previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """A working folder with a small table, a gazetteer extra, and outputs built from them."""
    monkeypatch.chdir(tmp_path)
    Path("small.md").write_text(SMALL, encoding="utf-8")
    Path("extra.ttl").write_text(EXTRA, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--input", "small.md", "--gazetteer", "extra.ttl", "--output-dir", "out"]
    )
    assert result.exit_code == 0, result.output
    before = snapshot(Path("out"))
    assert sorted(made(Path("out"))) == sorted(OUTPUTS)
    assert any(in_cache(name) for name in before)
    return before


def test_bad_input_leaves_previous_outputs(previous: dict[str, bytes]) -> None:
    Path("bad.md").write_text(HEADER + "| T | a | b | c |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--input", "bad.md", "--output-dir", "out"])
    assert result.exit_code == 2
    assert snapshot(Path("out")) == previous


def test_shacl_failure_exits_1_and_leaves_previous_outputs(previous: dict[str, bytes]) -> None:
    """A gazetteer entity with a French preferred label breaks the shapes (labels are en or zh)."""
    Path("bad.ttl").write_text(
        EXTRA.replace('"Zyxcorp"@en .', '"Zyxcorp"@en , "Zyxcorp SA"@fr .'), encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["build", "--input", "small.md", "--gazetteer", "bad.ttl", "--output-dir", "out"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the graph fails SHACL validation:\n")
    assert result.stderr.splitlines()[1:] == [
        "https://example.org/kg/id/organization/zyxcorp http://www.w3.org/2004/02/skos/core#prefLabel:"
        ' "Zyxcorp SA" has language "fr" (shape https://example.org/kg/shapes#EntityShape)'
    ]
    assert snapshot(Path("out")) == previous


def test_disk_full_while_staging_leaves_previous_outputs_and_no_temporary_file(
    previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the first output is staged, the second fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fsync", fsync)
    result = CliRunner().invoke(
        main, ["build", "--input", str(TALKS), "--gazetteer", "extra.ttl", "--output-dir", "out"]
    )
    assert result.exit_code == 2
    assert result.stderr == "Error: out: cannot write the outputs (No space left on device)\n"
    assert snapshot(Path("out")) == previous


def test_rename_failure_leaves_previous_outputs(
    previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    def replace(source: str, target: str) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(outputs.os, "replace", replace)
    result = CliRunner().invoke(main, ["build", "--input", str(TALKS), "--output-dir", "out"])
    assert result.exit_code == 2
    assert result.stderr == "Error: out: cannot write the outputs (Permission denied)\n"
    assert snapshot(Path("out")) == previous


def test_output_replaced_by_a_folder_leaves_every_output_untouched(
    previous: dict[str, bytes],
) -> None:
    """The outputs change together or not at all: graph.graphml is a folder, so talks.ttl and
    graph.html (which could be written) are not replaced either."""
    Path("out/graph.graphml").unlink()
    Path("out/graph.graphml").mkdir()
    Path("small.md").write_text(SMALL.replace("Zyxcorp用", "Zyxcorp没用"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--input", "small.md", "--gazetteer", "extra.ttl", "--output-dir", "out"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: out/graph.graphml: is a folder, not a file; move it away (nothing was written)\n"
    )
    assert sorted(path.name for path in Path("out").iterdir() if path.name != CACHE) == sorted(
        OUTPUTS
    )
    for name in ("talks.ttl", "graph.html"):
        assert Path("out", name).read_bytes() == previous[name]


def test_failed_third_rename_puts_the_first_two_back(
    previous: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename that fails after others succeeded (a race the folder check cannot see): the
    outputs already replaced get their previous bytes back, and no temporary file is left."""
    real = os.replace

    def replace(source: str, target: str) -> None:
        if Path(target).name == "graph.graphml" and Path(source).name.endswith(".kg-new"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        real(source, target)

    monkeypatch.setattr(outputs.os, "replace", replace)
    Path("small.md").write_text(SMALL.replace("Zyxcorp用", "Zyxcorp没用"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--input", "small.md", "--gazetteer", "extra.ttl", "--output-dir", "out"]
    )
    assert result.exit_code == 2
    assert result.stderr == "Error: out: cannot write the outputs (Permission denied)\n"
    assert snapshot(Path("out")) == previous


# Two builds into one folder, made to overlap: the first stops just before renaming its outputs
# (its files staged, the folder locked) until the second has reached the lock, then goes on.
OVERLAP = """
import os, sys, time
from pathlib import Path
import kg.outputs as outputs

role, flag = sys.argv[1], Path(sys.argv[2])
if role == "first":
    real_replace = os.replace
    def replace(source, target):
        print("staged", flush=True)
        deadline = time.monotonic() + 60
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the second build is now at the lock (or, without one, cleaning up)
        os.replace = real_replace
        real_replace(source, target)
    os.replace = replace
else:
    real_locked = outputs.locked
    def locked(directory):
        flag.touch()
        return real_locked(directory)
    outputs.locked = locked
from kg.cli import main
main(sys.argv[3:], prog_name="kg")
"""


def test_two_builds_into_one_folder_both_succeed_and_keep_the_users_files(
    previous: dict[str, bytes],
) -> None:
    """The second build waits for the first one's lock; neither deletes the other's temporary
    files, nor the user's own files whose names start like an output's."""
    mine = {".talks.ttl.mine": b"my notes", ".graph.html.bak": b"<p>old</p>"}
    for name, data in mine.items():
        (Path("out") / name).write_bytes(data)
    args = ["build", "--input", "small.md", "--gazetteer", "extra.ttl", "--output-dir", "out"]
    children = []
    for role in ("first", "second"):
        children.append(
            subprocess.Popen(
                [sys.executable, "-c", OVERLAP, role, "flag", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
        if role == "first":
            assert children[0].stdout is not None
            assert children[0].stdout.readline() == b"staged\n"
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
    assert Path("flag").exists()
    assert snapshot(Path("out")) == {**previous, **mine}


def kg_build(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


# Code run in a child process: stop at one stage of the build (print its name and sleep), so the
# test can SIGKILL the process exactly there.
STOP_AT = """
import importlib, os, sys, time

def stop(name, real):
    def stopped(*args, **kwargs):
        print(name, flush=True)
        time.sleep(120)
        return real(*args, **kwargs)
    return stopped

module, stage = sys.argv[1].rsplit(".", 1)
owner = importlib.import_module(module)
setattr(owner, stage, stop(stage, getattr(owner, stage)))
from kg.cli import main
main(sys.argv[2:], prog_name="kg")
"""


@pytest.mark.parametrize(
    ("stage", "staged"),
    [
        ("kg.pipeline.read_talks", 0),  # parsing the table
        ("kg.engine.extract", 0),  # spaCy
        ("kg.shacl.finish", 0),  # SHACL
        ("kg.turtle.write_turtle", 1),  # Turtle, streamed into its temporary file
        ("os.fsync", 1),  # the first output is written to its temporary file, not yet synced
        # All four are staged and synced, and the previous four kept as hard links (to put
        # them back if a rename fails), about to be renamed into place.
        ("os.replace", 8),
    ],
)
def test_kill_at_each_stage_leaves_previous_outputs(
    previous: dict[str, bytes], stage: str, staged: int
) -> None:
    """SIGKILL at a known stage, up to the moment both outputs are staged on disk, fsynced, and
    about to be renamed: the outputs stay byte-identical, and the next build cleans up."""
    args = ["build", "--input", str(TALKS), "--output-dir", "out"]
    child = subprocess.Popen(
        [sys.executable, "-c", STOP_AT, stage, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().decode().strip() == stage.rsplit(".", 1)[1]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    after = snapshot(Path("out"))
    assert {name: after[name] for name in previous} == previous
    leftovers = sorted(set(after) - set(previous))
    assert all(
        name.startswith((".talks.ttl.", ".graph.html.", ".graph.graphml.", ".kg-build.json."))
        for name in leftovers
    )
    assert len(leftovers) == staged
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(made(Path("out"))) == sorted(OUTPUTS)


@pytest.fixture(scope="module")
def build_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long a whole `python -m kg build` of the real table takes here (the faster of two)."""
    times = []
    for _ in range(2):
        started = time.monotonic()
        child = kg_build("--input", str(TALKS), "--output-dir", str(tmp_path_factory.mktemp("o")))
        assert child.wait() == 0
        times.append(time.monotonic() - started)
    return min(times)


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5])
def test_kill_real_build_mid_way_leaves_previous_outputs(
    previous: dict[str, bytes], build_seconds: float, fraction: float
) -> None:
    """`python -m kg build` killed at a fraction of the time a whole build takes (imports,
    parsing, extraction, SHACL), well before it writes."""
    child = kg_build("--input", str(TALKS), "--output-dir", "out")
    time.sleep(build_seconds * fraction)
    try:
        assert child.poll() is None, "the build finished before it could be killed"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    after = snapshot(Path("out"))
    assert {name: after[name] for name in previous} == previous
    assert all(name in OUTPUTS or name.startswith(".") for name in after)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    runner = CliRunner()
    for folder in ("one", "two"):
        result = runner.invoke(
            main, ["build", "--input", str(TALKS), "--output-dir", str(tmp_path / folder)]
        )
        assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_builds_are_byte_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    children = {
        seed: kg_build(
            "--input",
            str(TALKS),
            "--output-dir",
            str(tmp_path / seed),
            env={"PYTHONHASHSEED": seed},
        )
        for seed in ("0", "1", "4242")
    }
    for child in children.values():
        assert child.wait() == 0
    first, *others = [made(tmp_path / seed) for seed in children]
    assert sorted(first) == sorted(OUTPUTS)
    assert all(other == first for other in others)


def test_check_passes_on_the_committed_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """What CI runs: the committed outputs/ are what `kg build` makes of data/talks.md."""
    monkeypatch.chdir(ROOT)
    before = snapshot(ROOT / "outputs")
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 0, result.output
    assert (
        result.output == "up to date: outputs/talks.ttl, outputs/graph.html, outputs/graph.graphml,"
        " outputs/kg-build.json\n"
    )
    assert snapshot(ROOT / "outputs") == before


def check(*args: str):
    return CliRunner().invoke(
        main, ["build", "--check", "--gazetteer", "extra.ttl", "--output-dir", "out", *args]
    )


def test_check_fresh_exits_0_and_writes_nothing(previous: dict[str, bytes]) -> None:
    result = check("--input", "small.md")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "up to date: out/talks.ttl, out/graph.html, out/graph.graphml, out/kg-build.json\n"
    )
    assert snapshot(Path("out")) == previous


def test_check_stale_exits_1_and_shows_talks_and_links(previous: dict[str, bytes]) -> None:
    """One talk's summary loses Qwopflow, one talk is added: the diff names both, by title."""
    Path("small.md").write_text(
        HEADER
        + "| Ray Serve | Serving at Zyxcorp \\| Ray Summit 2025 | Zyxcorp讲了别的。 |\n"
        + "| Ray Data | Qwopflow Inside \\| Ray Summit 2025 | 概要 |\n",
        encoding="utf-8",
    )
    result = check("--input", "small.md")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "out/talks.ttl: stale",
        '  + talk "Qwopflow Inside"',
        '  ~ talk "Serving at Zyxcorp": kg:summary',
        '  + link "Qwopflow Inside" kg:mentionsSoftware "Qwopflow"',
        '  - link "Serving at Zyxcorp" kg:mentionsSoftware "Qwopflow"',
        # -20: the summary's phrases of Zyxcorp and Qwopflow (8 triples each) and their
        # sentence (4); +29: Zyxcorp's phrase in the new sentence (8) and that sentence (4), the
        # new talk's phrase of Qwopflow (8) and its title as a sentence (4), the track Ray Data
        # (type, inScheme, two prefLabels, label).
        "  other triples: +29 -20 (entities, evidence, vocabulary)",
        "out/kg-build.json: stale",
        "out/graph.html: stale",
        "out/graph.graphml: stale",
        "stale: run kg build with the same options to update the outputs",
    ]
    assert snapshot(Path("out")) == previous


def test_check_missing_outputs_exits_1(previous: dict[str, bytes]) -> None:
    result = check("--input", "small.md", "--output-dir", "elsewhere")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "elsewhere/talks.ttl: missing",
        "elsewhere/kg-build.json: missing",
        "elsewhere/graph.html: missing",
        "elsewhere/graph.graphml: missing",
        "stale: run kg build with the same options to update the outputs",
    ]
    assert not Path("elsewhere").exists()


def test_check_on_bad_input_exits_2(previous: dict[str, bytes]) -> None:
    Path("bad.md").write_text(HEADER, encoding="utf-8")
    assert check("--input", "bad.md").exit_code == 2

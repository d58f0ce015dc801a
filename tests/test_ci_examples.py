"""The CI examples under docs/ci/ run: their commands are read out of the files and run, in
order, in a repository laid out as they expect (data/*.md tables, committed outputs/)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "data" / "junit" / "junit.xsd")))
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
ROW = "| Ray Serve | Serving at Zoox \\| Ray Summit 2025 | Zoox用Ray Serve。 |\n"


def commands(example: str) -> list[str]:
    """The shell commands of an example, in order."""
    document = yaml.safe_load((ROOT / "docs" / "ci" / example).read_text(encoding="utf-8"))
    if example == "github-actions.yml":
        return [
            step["run"]
            for job in document["jobs"].values()
            for step in job["steps"]
            if "run" in step
        ]
    return [line for job in document.values() for line in job["script"]]


@pytest.mark.parametrize("example", ["github-actions.yml", "gitlab-ci.yml"])
def test_example_commands_pass_on_a_good_repository_and_fail_on_a_stale_one(
    example: str, tmp_path: Path
) -> None:
    install, *steps = commands(example)
    assert install.startswith('pip install "kg @ git+')  # kg is installed here already
    assert steps and all(step.startswith("kg ") for step in steps)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "talks.md").write_text(HEADER + ROW, encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true" if example.startswith("github") else ""}

    def run(step: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "kg", *shlex.split(step)[1:]]
        return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)

    assert run("kg build").returncode == 0
    for step in steps:
        result = run(step)
        assert result.returncode == 0, (step, result.stdout, result.stderr)
    for report in tmp_path.glob("kg-*.xml"):
        assert SCHEMA.validate(etree.parse(str(report))), report
    assert len(list(tmp_path.glob("kg-*.xml"))) == len(steps)
    (tmp_path / "data" / "talks.md").write_text(
        HEADER + ROW.replace("Zoox用", "Zoox不用"), encoding="utf-8"
    )
    last = run(steps[-1])
    assert last.returncode == 1
    if example.startswith("github"):
        assert last.stderr.startswith(
            "::error file=outputs/talks.ttl,title=kg stale::outputs/talks.ttl: stale%0A"
        )

"""The pre-commit hooks (.pre-commit-hooks.yaml), run as a user runs them: a git repository with
a .pre-commit-config.yaml pointing at a clone of this checkout, and `pre-commit run --all-files`.

The hooks ship as `language: python` (pre-commit installs kg into an environment of its own).
That install took 3 min 9 s on the 2-core CI machine (`pre-commit run --all-files` with an empty
PRE_COMMIT_HOME; 10 s once installed), too slow for every CI run, so by default the clone's
manifest is switched to `language: system`, which runs the `kg` of this test
environment with the same ids, entries, file patterns and arguments; KG_PRECOMMIT_INSTALL=1 runs
the manifest as shipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"
ROW = "| Ray Serve | Serving at Zoox \\| Ray Summit 2025 | Zoox用Ray Serve。 |\n"
AS_SHIPPED = os.environ.get("KG_PRECOMMIT_INSTALL") == "1"

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=kg", "-c", "user.email=kg@example.org", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clone of this checkout (its working tree, committed), and its commit."""
    hooks = tmp_path_factory.mktemp("hooks") / "kg"
    # What installing kg needs (kg/, ontology/, pyproject.toml, README.md), not the test data.
    skip = (".venv", ".git", "*.pyc", "outputs", "tests", "data", "benchmarks", "sources", "docs")
    shutil.copytree(ROOT, hooks, ignore=shutil.ignore_patterns(*skip))
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    if not AS_SHIPPED:
        manifest = manifest.replace("language: python", "language: system")
    (hooks / ".pre-commit-hooks.yaml").write_text(manifest, encoding="utf-8")
    git(hooks, "init", "-q")
    git(hooks, "add", "-A")
    git(hooks, "commit", "-qm", "kg")
    return hooks, git(hooks, "rev-parse", "HEAD").strip()


@pytest.fixture
def user_repo(tmp_path: Path, hooks_repo: tuple[Path, str]) -> Path:
    """A repository with data/talks.md, committed outputs, and a config using both hooks."""
    hooks, rev = hooks_repo
    repo = tmp_path / "user"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "talks.md").write_text(HEADER + ROW, encoding="utf-8")
    (repo / "README.md").write_text("# Our talks\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n"
        "      - id: kg-lint\n      - id: kg-check\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "kg", "build"], cwd=repo, check=True, capture_output=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def pre_commit(repo: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "GITHUB_ACTIONS": "",
    }
    return subprocess.run(
        [bin_dir + "/pre-commit", "run", "--all-files"],
        cwd=repo, env=env, capture_output=True, text=True,
    )  # fmt: skip


def test_hooks_pass_on_a_good_table(user_repo: Path) -> None:
    result = pre_commit(user_repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kg lint (talk tables)" in result.stdout
    assert "kg build --check (outputs are current)" in result.stdout


def test_hooks_fail_on_a_bad_table_with_file_and_line(user_repo: Path) -> None:
    (user_repo / "data" / "talks.md").write_text(
        HEADER + ROW + "| T | a | b | c |\n", encoding="utf-8"
    )
    git(user_repo, "add", "-A")
    result = pre_commit(user_repo)
    assert result.returncode == 1
    assert (
        'data/talks.md:4: error: expected 3 cells, found 4 (is a "|" in the title missing its '
        "backslash? write it as \\|)"
    ) in result.stdout
    assert "Error: data/talks.md:4: expected 3 cells, found 4" in result.stdout  # kg-check


def test_check_hook_fails_on_stale_outputs(user_repo: Path) -> None:
    (user_repo / "data" / "talks.md").write_text(
        HEADER + ROW.replace("Zoox用", "Zoox不用"), encoding="utf-8"
    )
    git(user_repo, "add", "-A")
    result = pre_commit(user_repo)
    assert result.returncode == 1
    assert "outputs/talks.ttl: stale" in result.stdout
    assert (
        "kg lint (talk tables)....................................................Passed"
        in result.stdout
    )

"""An installed kg (a wheel, not the source tree) carries its ontology and finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    return next(out.glob("kg-*.whl"))


def test_the_wheel_ships_the_ontology(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("kg.ttl", "gazetteer.ttl", "tracks.ttl", "shapes.ttl", "not-entities.tsv"):
        assert f"kg/ontology/{name}" in names


def test_an_installed_kg_reads_its_gazetteer_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import kg.ontology as o; print(o.ontology_dir()); print(len(o.load_gazetteer().entities))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    where, count = result.stdout.split()
    assert where.startswith(str(target)) and not where.startswith(str(ROOT))
    assert int(count) > 300

"""`kg build --engine ray` (Ray Data in local mode) writes the same bytes as the default engine.

Skipped where Ray is not installed (`pip install 'kg[ray]'`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_engine import BENCH_GAZETTEER, make_tables

from kg.cli import main

pytest.importorskip("ray")


def test_ray_engine_gives_the_default_engines_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    [table] = make_tables().write_tables(1000, tmp_path / "tables")
    outputs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        args = [
            "build",
            "--input",
            str(table),
            "--gazetteer",
            BENCH_GAZETTEER,
            "--output-dir",
            str(out),
        ]
        result = CliRunner().invoke(main, [*args, "--engine", engine, "--jobs", "2"])
        assert result.exit_code == 0, result.output
        outputs[engine] = (out / "talks.ttl").read_bytes()
    assert outputs["ray"] == outputs["local"]

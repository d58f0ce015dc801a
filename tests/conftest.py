"""Shared fixtures: the real table, and small tables written for a test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TALKS = ROOT / "data" / "talks.md"
HEADER = "| 分类 | 演讲内容 | 概要 |\n| --- | --- | --- |\n"


@pytest.fixture
def write_table(tmp_path: Path):
    """Write a table with the standard header and the given rows; return its path."""

    def write(rows: str, name: str = "talks.md") -> Path:
        path = tmp_path / name
        path.write_text(HEADER + rows, encoding="utf-8")
        return path

    return write

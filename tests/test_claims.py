"""Quantitative claims: figure, unit, range and the clause that says what is measured."""

from __future__ import annotations

import pytest

from kg.claims import find_claims
from kg.table import Talk


def talk(summary: str, title: str = "A talk") -> Talk:
    return Talk("t.md", 3, "T", title, "Ray Summit 2025", False, summary, (("", summary),))


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "能够将分布式训练运行时间减少超过68%，同时保持成本效益。",
            [("68", None, "%", "能够将分布式训练运行时间减少超过68%")],
        ),
        ("实现1.3秒内传输超大模型权重。", [("1.3", None, "s", "实现1.3秒内传输超大模型权重")]),
        ("检查点保存时间提升了2-3倍，", [("2", "3", "x", "检查点保存时间提升了2-3倍")]),
        ("每年超过35万美元的成本节约。", [("350000", None, "USD", "每年超过35万美元的成本节约")]),
        ("在GB200上部署。", []),
        ("在1万个节点的集群上。", []),
    ],
)
def test_figures_in_summaries(summary, expected):
    found = [(c.value, c.high, c.unit, c.statement) for c in find_claims([talk(summary)])]
    assert found == expected


def test_figure_in_title_keeps_its_place():
    (claim,) = find_claims([talk("", "How Workday Achieved 50x Cheaper Model Serving")])
    assert (claim.field, claim.start, claim.end, claim.text, claim.unit) == (
        "title",
        21,
        24,
        "50x",
        "x",
    )
    assert claim.statement == "How Workday Achieved 50x Cheaper Model Serving"

"""The README's cluster step, run as written against a real two-node Ray cluster on this machine
(a head and a worker node, each its own raylet, `ray.cluster_utils.Cluster`), reached through
RAY_ADDRESS by a separate `kg build` process: the same bytes as the default engine.

Skipped where Ray is not installed, except under CI, where it fails (the test extra has Ray)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_engine import make_tables

CLUSTER = """
import sys
from ray.cluster_utils import Cluster
cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
cluster.add_node(num_cpus=1)
cluster.wait_for_nodes()
print(cluster.address, flush=True)
sys.stdin.read()
cluster.shutdown()
"""

try:
    import ray.cluster_utils  # noqa: F401
except ImportError:
    if os.environ.get("CI"):
        pytest.fail("ray is not installed: CI must run the Ray cluster test", pytrace=False)
    pytest.skip("ray is not installed (pip install 'kg[ray]')", allow_module_level=True)


def readme_cluster_command() -> str:
    """The README's line that runs a build on a cluster."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in readme.splitlines() if line.strip().startswith("RAY_ADDRESS=")]
    return line.split("#")[0].strip()


def test_readme_cluster_step_on_two_nodes_gives_the_local_bytes(tmp_path: Path) -> None:
    [table] = make_tables().write_tables(600, tmp_path / "tables")  # two chunks
    local = tmp_path / "local"
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--input", str(table), "--output-dir", str(local)],
        check=True,
        capture_output=True,
    )
    # The cluster lives in a process of its own: Ray's threads in this process would deadlock
    # the forked workers of later builds in the same test session.
    cluster = subprocess.Popen(
        [sys.executable, "-c", CLUSTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert cluster.stdout is not None
        address = cluster.stdout.readline().strip()
        assert address, "the cluster did not start"
        # The README's words, with this cluster's address, this folder and two workers.
        words = shlex.split(readme_cluster_command())
        assert words[0] == "RAY_ADDRESS=head-node:6379" and words[1] == "kg", words
        command = " ".join(words[1:])
        command = command.replace("tables/", f"{tmp_path / 'tables'}/")
        command = re.sub(r"--jobs \d+", "--jobs 2", command)
        out = tmp_path / "cluster"
        env = {**os.environ, "RAY_ADDRESS": address}
        done = subprocess.run(
            [sys.executable, "-m", "kg", *shlex.split(command)[1:], "--output-dir", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    finally:
        cluster.communicate("", timeout=120)  # closing its input shuts the cluster down
    assert (out / "talks.ttl").read_bytes() == (local / "talks.ttl").read_bytes()

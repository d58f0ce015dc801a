"""The issue's targets, each beside its reference measured in the same session (medians):

- the seed build and `kg build --check` on unchanged inputs, against the process
  `python -c "import spacy; spacy.blank('zh')"` (runs interleaved, so load hits both alike);
- the 10k and 100k builds (`--jobs 2 --no-html`): wall, CPU, peak memory, growth, KB per talk;
- the Oxigraph store `kg query` builds for the 100k export (built afresh each run).

Every build starts without the output folder's cache (.kg-cache/), as a first build does; a
last 100k build then runs with the cache of the one before (no table changed). The load average
is printed beside each figure: other work on the machine slows the build and its reference alike.

With `--stages TABLE`, only where a worker's time goes: `kg.engine.process` over the chunks of
TABLE in this process, each stage timed (extraction, speakers, linking, claims, the talks' nodes,
their Turtle blocks, the SHACL check, candidates; the collector's passes within them apart), then
the cache's cost (kg.cache: pickling and writing each chunk's result, reading it back). Medians of
`--runs`, beside the spacy.blank process. Run it at two commits to compare them.

    python benchmarks/make_tables.py --talks 2000 --talks 10000 --talks 100000
    python benchmarks/targets.py [--runs 3] [--big-runs 1] [--no-seed] [--sizes 10000 100000]
        [--builds-only] [--morph-python /tmp/morph/bin/python]

With `--morph-python` (a Python with morph-kgc, see morph.py), each big build also has the
issue's reference beside it: Morph-KGC mapping the same table, and the ratio of the medians.
    python benchmarks/targets.py --stages data/talks-2000.md [--runs 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from morph import prepare
from run import timed

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent


def median(values: list[float]) -> float:
    return statistics.median(values)


def load() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())


def clean_build(command: list[str], out: Path) -> tuple[float, float, int]:
    """`kg build` into `out` without the cache of an earlier build (a first build)."""
    shutil.rmtree(out / ".kg-cache", ignore_errors=True)
    return timed(command)


STAGES = (
    ("kg.engine", "extract", "extraction (spaCy, gazetteer matches)"),
    ("kg.engine", "new_people", "speakers"),
    ("kg.engine", "link", "linking"),
    ("kg.engine", "find_claims", "claims"),
    ("kg.turtle", "talk_nodes", "talk nodes (kg.rdf)"),
    ("kg.turtle", "check", "SHACL check (kg.shacl)"),
    ("kg.engine", "candidates", "candidates"),
)


def stage_times(table: Path) -> dict[str, float]:
    """CPU seconds of each stage of `kg.engine.process` over the chunks of `table` (the pipeline
    prepared beforehand, as in a worker), and of the cache's writing and reading of them."""
    import importlib

    from kg import engine
    from kg.cache import Cache
    from kg.inputs import read_talks
    from kg.turtle import Renderer

    talks = read_talks([table], None)
    settings = engine.Settings((), "https://example.org/kg/id/")
    engine.prepare(settings)
    spent: Counter[str] = Counter()

    def timing(name: str, function: Callable[..., object]) -> Callable[..., object]:
        def timed_call(*args: object, **kwargs: object) -> object:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started

        return timed_call

    patched = []
    for module_name, attribute, name in STAGES:
        module = importlib.import_module(module_name)
        patched.append((module, attribute, getattr(module, attribute)))
        setattr(module, attribute, timing(name, getattr(module, attribute)))
    patched.append((Renderer, "render", Renderer.render))
    Renderer.render = timing("render", Renderer.render)  # type: ignore[method-assign]
    collecting: list[float] = []

    def collector(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collecting.append(time.process_time())
        else:
            spent["of which garbage collection"] += time.process_time() - collecting.pop()

    gc.callbacks.append(collector)
    results = []
    started = time.process_time()
    try:
        for index, part in enumerate(engine.chunked(talks)):
            results.append(engine.process(settings, index, part))
    finally:
        spent["worker stage, all"] = time.process_time() - started
        gc.callbacks.remove(collector)
        for owner, attribute, original in patched:
            setattr(owner, attribute, original)
    inner = spent["talk nodes (kg.rdf)"] + spent["SHACL check (kg.shacl)"]
    spent["Turtle blocks (kg.turtle)"] = spent.pop("render") - inner
    with tempfile.TemporaryDirectory() as out:
        cache = Cache(Path(out))
        started = time.process_time()
        for result in results:
            cache.put("k", result.index, result)
        spent["cache: pickle and write"] = time.process_time() - started
        started = time.process_time()
        for result in results:
            cache.get("k", result.index)
        spent["cache: read back"] = time.process_time() - started
        spent["cache MB"] = sum(p.stat().st_size for p in Path(out, ".kg-cache").iterdir()) / 1e6
    return dict(spent)


def stages(table: Path, runs: int) -> None:
    """Print the median of `runs` runs of each stage (each run a process of its own)."""
    blank = [sys.executable, "-c", "import spacy; spacy.blank('zh')"]
    script = [sys.executable, __file__, "--stage-run", str(table)]
    reference, figures = [], []
    for _ in range(runs):
        reference.append(timed(blank)[0])
        run = subprocess.run(script, stdout=subprocess.PIPE, check=True, text=True)
        figures.append(json.loads(run.stdout))
    ref = median(reference)
    print(f"{table}: medians of {runs} runs; spacy.blank process {ref:.2f} s; {load()}")
    print("| stage | CPU s | share of the worker stage |\n| --- | ---: | ---: |")
    whole = median([f["worker stage, all"] for f in figures])
    rows = [name for _, _, name in STAGES]
    rows.insert(5, "Turtle blocks (kg.turtle)")
    rows += ["of which garbage collection", "worker stage, all", "cache: pickle and write"]
    rows += ["cache: read back", "cache MB"]
    for name in rows:
        value = median([f.get(name, 0.0) for f in figures])
        apart = name.startswith("cache") or name == "worker stage, all"
        print(f"| {name} | {value:.2f} | {'' if apart else f'{value / whole:.0%}'} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--no-seed", action="store_true", help="only the 10k and 100k figures")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--morph-python", help="a Python with morph-kgc: the big builds' reference")
    parser.add_argument(
        "--builds-only", action="store_true", help="no rebuild from the cache, no Oxigraph store"
    )
    parser.add_argument("--stages", type=Path, help="where a worker's time goes, on this table")
    parser.add_argument("--stage-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage_run:
        print(json.dumps(stage_times(args.stage_run)))
        return
    if args.stages:
        stages(args.stages, args.runs)
        return
    kg = [sys.executable, "-m", "kg"]
    blank = [sys.executable, "-c", "import spacy; spacy.blank('zh')"]
    work = Path(tempfile.mkdtemp(prefix="kg-targets-"))
    seed = str(REPO / "data" / "talks.md")
    reference, builds, checks = [], [], []
    seed_out = work / "seed"
    for _ in range(0 if args.no_seed else args.runs):
        reference.append(timed(blank)[0])
        builds.append(
            clean_build([*kg, "build", "--input", seed, "--output-dir", str(seed_out)], seed_out)[0]
        )
        checks.append(
            timed([*kg, "build", "--check", "--input", seed, "--output-dir", str(seed_out)])[0]
        )
    if not args.no_seed:
        ref = median(reference)
        print(f"spacy.blank process: {ref:.2f} s (median of {args.runs}; {load()})")
        print(f"seed build: {median(builds):.2f} s = {median(builds) / ref:.2f}x (target <= 2x)")
        print(
            f"check, unchanged: {median(checks):.2f} s = {median(checks) / ref:.2f}x "
            "(target <= 1.5x)"
        )
    walls = {}
    for size in args.sizes:
        table = args.data / f"talks-{size}.md"
        out = work / str(size)
        build = [*kg, "build", "--input", str(table), "--output-dir", str(out), "--jobs", "2",
                 "--no-html"]  # fmt: skip
        runs, references, mappings = [], [], []
        morph = (
            prepare(table, work / f"morph-{size}", args.morph_python) if args.morph_python else []
        )
        for _ in range(args.big_runs):
            references.append(timed(blank)[0])
            if morph:
                mappings.append(timed(morph)[0])
            runs.append(clean_build(build, out))
        walls[size] = median([r[0] for r in runs])
        cpu = median([r[1] for r in runs])
        peak = max(r[2] for r in runs) / 2**30
        per_talk = (out / "talks.ttl").stat().st_size / size / 1000
        print(
            f"{size} talks: {walls[size]:.1f} s wall, {cpu:.1f} s CPU, {peak:.2f} GiB peak, "
            f"{per_talk:.1f} KB per talk (median of {args.big_runs}; runs "
            + ", ".join(f"{r[0]:.1f}" for r in runs)
            + f"); spacy.blank process beside them: {median(references):.2f} s; {load()}"
        )
        if mappings:
            print(
                f"  Morph-KGC mapping the same table beside them: {median(mappings):.1f} s (runs "
                + ", ".join(f"{m:.1f}" for m in mappings)
                + f"): the build is {walls[size] / median(mappings):.1f}x it (target <= 7x)"
            )
    if {10_000, 100_000} <= set(walls):
        print(f"growth 10k -> 100k: {walls[100_000] / walls[10_000]:.1f}x (target <= 10.5x)")
    if args.builds_only or 100_000 not in walls:
        shutil.rmtree(work)
        return
    out = work / "100000"
    cached = timed(build)
    print(f"100000 talks again, the table unchanged (from the cache): {cached[0]:.1f} s; {load()}")
    export = out / "talks.ttl"
    stores = []
    for _ in range(args.big_runs):
        shutil.rmtree(out / f".oxigraph-{export.name}", ignore_errors=True)
        stores.append(
            timed(
                [*kg, "query", "ASK { ?s ?p ?o }", "--graph", str(export), "--engine", "oxigraph"]
            )
        )
    print(
        f"Oxigraph store for the 100k export, with one query: {median([s[0] for s in stores]):.1f} s "
        f"(target <= 30 s; median of {args.big_runs}; runs "
        + ", ".join(f"{s[0]:.1f}" for s in stores)
        + f", {max(s[2] for s in stores) / 2**30:.2f} GiB peak); {load()}"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

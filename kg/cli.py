"""The `kg` command line: thin wrappers that check arguments, call the library and print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.errors import KgError, ValidationError, printable

if TYPE_CHECKING:
    from kg.report import Case, Finding  # noqa: F401


class KgClickError(click.ClickException):
    """A library error as the user sees it: one line, and an exit code that means something."""

    def __init__(self, error: KgError) -> None:
        super().__init__(str(error))
        # 1: the data failed a check (SHACL); 2: bad input or usage.
        self.exit_code = 1 if isinstance(error, ValidationError) else 2  # type: ignore[misc]


INPUTS = click.option(
    "--input",
    "inputs",
    type=click.Path(path_type=Path),
    multiple=True,
    default=[Path("data/talks.md")],
    show_default=True,
    help="A talks table (Markdown), or a folder of them (every *.md). Repeat for several.",
)
GAZETTEERS = click.option(
    "--gazetteer",
    "gazetteers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Extra gazetteer entries (Turtle, the format of ontology/gazetteer.ttl).",
)

REPORT = click.option(
    "--report",
    type=(click.Choice(["junit"]), click.Path(dir_okay=False, path_type=Path)),
    default=None,
    metavar="junit FILE",
    help="Also write a JUnit XML report to FILE (one case per talk and per check).",
)

EVENT = click.option("--event", default=None, help="The event of talks whose title names none.")
GRAPH = click.option(
    "--graph",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/talks.ttl"),
    show_default=True,
    help="The Turtle export (what kg build wrote).",
)

TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60,
    show_default=True,
    help="Stop a query after this many seconds.",
)


@click.group(
    epilog="Example:\n\n\b\n  kg build --input data/talks.md\n  kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Talk }'"
)
@click.version_option(package_name="kg")
def main() -> None:
    """Build a knowledge graph (RDF and an HTML view) from Markdown tables of conference talks."""


@main.command(
    epilog="Examples:\n\n\b\n  kg build --input data/talks.md --output-dir outputs\n"
    "  kg build --check   # in CI: exit 1 if outputs/ is stale\n"
    "  kg build --input tables/ --jobs 2 --no-html"
)
@INPUTS
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outputs"),
    show_default=True,
    help="Where talks.ttl and graph.html go.",
)
@click.option("--base-iri", default=None, help="Base of the instance IRIs (ends in / or #).")
@EVENT
@GAZETTEERS
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and show the talks and links that differ if the outputs are stale.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes for extraction (the output is the same for any number).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run extraction here, or on Ray Data (pip install 'kg[ray]'; RAY_ADDRESS picks a cluster).",
)
@click.option(
    "--html/--no-html",
    default=None,
    help="Write graph.html and graph.graphml (default: only for builds of up to 500 talks).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Extract every table again, and neither read nor keep the chunks in OUTPUT_DIR/.kg-cache.",
)
@REPORT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="With --check: print the differences as text or as JSON.",
)
def build(
    inputs: tuple[Path, ...],
    output_dir: Path,
    base_iri: str | None,
    event: str | None,
    gazetteers: tuple[Path, ...],
    check: bool,
    jobs: int,
    engine: str,
    html: bool | None,
    no_cache: bool,
    report: tuple[str, Path] | None,
    fmt: str,
) -> None:
    """Read talks tables and write the graph as Turtle (talks.ttl) and HTML (graph.html)."""
    from kg import terms

    try:  # before --check's shortcut, which reads no input
        if base_iri is not None:
            terms.base(base_iri)
    except KgError as error:
        raise KgClickError(error) from None
    if fmt == "json" and not check:
        raise click.BadParameter("only with --check", param_hint="--format")
    if check and (fresh := _unchanged(inputs, output_dir, base_iri, event, gazetteers, html)):
        import json

        _build_report(report, inputs, event, output_dir, check, None, [])
        if fmt == "json":
            fresh_outputs = [{"path": str(output_dir / name), "state": "fresh"} for name in fresh]
            click.echo(json.dumps({"stale": False, "outputs": fresh_outputs}, indent=2))
        else:
            click.echo(f"up to date: {', '.join(str(output_dir / name) for name in fresh)}")
        return
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import build as run_build

    try:
        result = run_build(
            _tables(inputs), output_dir, base_iri or DEFAULT_BASE, event, gazetteers,
            write=not check, jobs=jobs, engine=engine, html=html, progress=_progress_bar(),
            cache=not no_cache,
        )  # fmt: skip
    except KgError as error:
        _build_report(report, inputs, event, output_dir, check, error, [])
        raise KgClickError(error) from None
    if check:
        import json

        from kg.diff import check_outputs, stale_json, stale_lines

        states = check_outputs(output_dir, result.contents)
        stale = stale_lines(states)
        _build_report(report, inputs, event, output_dir, check, None, stale)
        if fmt == "json":
            click.echo(json.dumps(stale_json(states), ensure_ascii=False, indent=2))
        for line in stale if fmt == "text" else ():
            click.echo(_shown(line))
        if stale:
            if fmt == "text":
                click.echo("stale: run kg build with the same options to update the outputs")
            raise click.exceptions.Exit(1)
        if fmt == "text":
            names = ", ".join(str(output_dir / name) for name in result.contents)
            click.echo(f"up to date: {names}")
        return
    _build_report(report, inputs, event, output_dir, check, None, [])
    click.echo(f"talks: {result.talks}")
    for kind, count in result.entities.items():
        click.echo(f"entities: {kind}: {count}")
    click.echo(f"links: {result.links} (talk, role, entity; presenters included)")
    click.echo(f"triples: {result.triples}")
    cached = result.tables - result.extracted
    click.echo(f"extracted: {result.extracted} of {result.tables} tables ({cached} from cache)")
    if result.candidates:
        click.echo(
            f"candidates: {result.candidates} names the gazetteer does not know (see kg candidates)"
        )
    for path in result.outputs:
        click.echo(f"wrote {path}")
    click.echo(f"seconds: {result.seconds:.2f}")


def _unchanged(
    inputs: tuple[Path, ...],
    output_dir: Path,
    base_iri: str | None,
    event: str | None,
    gazetteers: tuple[Path, ...],
    html: bool | None,
) -> list[str] | None:
    """The outputs, if their record says they were built from exactly these inputs (no
    extraction needed to know they are up to date); None otherwise."""
    from kg.fingerprints import options, sources, unchanged
    from kg.inputs import input_files
    from kg.ontology import DEFAULT_BASE

    try:
        made_from = sources(
            input_files(list(inputs)), gazetteers, options(base_iri or DEFAULT_BASE, event, html)
        )
        return unchanged(output_dir, made_from)
    except (KgError, OSError):
        return None  # the build says what is wrong


@main.command(
    epilog="Examples:\n\n\b\n"
    "  kg query 'SELECT ?title WHERE { ?t a kg:Talk ; rdfs:label ?title }'\n"
    "  kg query queries/ray-serve-organizations.rq --format csv"
)
@click.argument("sparql")
@GRAPH
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "oxigraph", "rdflib"]),
    default="auto",
    show_default=True,
    help="SPARQL engine; auto takes Oxigraph for exports over 20 MB (indexed once, beside the file).",
)
@TIMEOUT
def query(sparql: str, graph_path: Path, fmt: str, engine: str, timeout: float) -> None:
    """Run a read-only SPARQL query (text, or a file holding it) over the export.

    The prefixes of the export (kg:, rdfs:, skos:, ...) are known without PREFIX lines.
    """
    from kg import store
    from kg.query import format_result, load_graph, parse_query, run_query

    try:
        text = _query_text(sparql)
        parse_query(text)  # a bad or refused query is answered before the graph is read
        big = graph_path.is_file() and graph_path.stat().st_size >= store.PERSIST_BYTES
        if engine == "oxigraph" or (engine == "auto" and big):
            result = store.query(graph_path, text, timeout)
            prefixes = store.namespaces(graph_path)
        else:
            prefixes = load_graph(graph_path)
            result = run_query(prefixes, text, timeout)
        shown = format_result(result, fmt, prefixes)
        # CSV for a program is the data as it is (RFC 4180 fields hold any text); on a terminal
        # it keeps tabs and newlines only. JSON escapes by itself what a terminal must not get.
        if fmt != "csv" or sys.stdout.isatty():
            shown = printable(shown, keep="\n\t" if fmt == "csv" else "\n")
        click.echo(shown)
    except KgError as error:
        raise KgClickError(error) from None


def _tables(inputs: tuple[Path, ...]) -> list[Path]:
    """The --input paths; without --input, data/talks.md must be there (said as such)."""
    from click.core import ParameterSource

    context = click.get_current_context()
    if context.get_parameter_source("inputs") == ParameterSource.DEFAULT and not inputs[0].exists():
        raise click.UsageError(f"no --input given, and no {inputs[0]} here; pass --input TABLE")
    return list(inputs)


def _build_report(
    report: tuple[str, Path] | None,
    inputs: tuple[Path, ...],
    event: str | None,
    output_dir: Path,
    check: bool,
    error: KgError | None,
    stale: list[str],
) -> None:
    """The JUnit report (with --report) and the GitHub annotations of a build."""
    from kg.report import build_cases, build_findings

    findings = build_findings(error, stale, str(output_dir))
    _annotate(findings)
    if report is None:
        return
    from kg.inputs import input_files, read_talks

    try:
        files = [str(path) for path in input_files(list(inputs))]
        talks = [] if error is not None else read_talks(list(inputs), event)
    except KgError:
        files, talks = [], []
    _write_report(report, "kg build", build_cases(files, talks, findings, check))


def _annotate(findings: list[Finding]) -> None:
    """On GitHub Actions, every finding also as a workflow command, so it shows on its line."""
    import os

    from kg.report import workflow_commands

    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in workflow_commands(findings):
            click.echo(_shown(line), err=True)


def _write_report(report: tuple[str, Path] | None, suite: str, cases: list[Case]) -> None:
    from kg.outputs import write_atomically
    from kg.report import junit

    if report is None:
        return
    path = report[1]
    try:
        write_atomically(path.parent, {path.name: junit(suite, cases)})
    except KgError as error:
        raise KgClickError(error) from None


def _progress_bar() -> Callable[[int, int], None] | None:
    """A bar on stderr while talks are processed, when stderr is a terminal (never in CI logs)."""
    if not sys.stderr.isatty():
        return None
    done = 0

    def show(count: int, total: int) -> None:
        nonlocal done
        done += count
        filled = 30 * done // max(total, 1)
        bar = "#" * filled + "-" * (30 - filled)
        click.echo(f"\r[{bar}] {done}/{total} talks", err=True, nl=done >= total)

    return show


def _shown(text: str) -> str:
    return printable(text, keep="\n")


def _query_text(sparql: str) -> str:
    """The query: the text given, or the file it names. A name ending in .rq or .sparql (no
    spaces) is always a file name, so a mistyped one is an error, not a query."""
    named = sparql.lower().endswith((".rq", ".sparql")) and not any(c.isspace() for c in sparql)
    if not named and ("{" in sparql or not Path(sparql).is_file()):
        return sparql
    if not Path(sparql).is_file():
        raise KgError(f"{sparql}: no such query file")
    try:
        return Path(sparql).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError(f"{sparql}: cannot read the query file ({error})") from None


@main.command(
    epilog="Examples:\n\n\b\n  kg lint data/talks.md\n"
    "  kg lint tables/ --strict --report junit lint.xml"
)
@click.argument("tables", nargs=-1, required=True, type=click.Path(path_type=Path))
@EVENT
@GAZETTEERS
@click.option("--strict", is_flag=True, help="Fail on warnings too (unknown names).")
@REPORT
def lint(
    tables: tuple[Path, ...],
    event: str | None,
    gazetteers: tuple[Path, ...],
    strict: bool,
    report: tuple[str, Path] | None,
) -> None:
    """Check tables without building: they parse, no talk is there twice, the gazetteers load,
    and every name the text marks as a name is known (or listed as not an entity). Exit 1 on
    errors (and on warnings with --strict), 0 with warnings printed."""
    from kg.lint import lint as run_lint
    from kg.report import Case, describe, parse_cases, talk_cases

    try:
        found = run_lint(list(tables), event, gazetteers)
    except KgError as error:
        raise KgClickError(error) from None
    for item in found.findings:
        click.echo(_shown(describe(item)))
    _annotate(found.findings)
    errors, warnings = found.count("error"), found.count("warning")
    click.echo(
        f"{errors} error(s), {warnings} warning(s) in {len(found.talks)} talks "
        f"of {len(found.files)} table(s)"
    )
    gazetteer = [f for f in found.findings if f.check == "gazetteer"]
    cases = parse_cases(found.files, found.findings)
    cases += [Case("kg lint", "gazetteer", failures=tuple(f.message for f in gazetteer))]
    _write_report(report, "kg lint", cases + talk_cases(found.talks, found.findings, strict))
    if errors or (strict and warnings):
        raise click.exceptions.Exit(1)


@main.command(
    "eval",
    epilog="Examples:\n\n\b\n  kg eval --gold data/talks.gold.tsv --input data/talks.md\n"
    "  kg eval --all --markdown > docs/quality.md",
)
@click.option(
    "--gold",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/talks.gold.tsv"),
    show_default=True,
    help="The hand-made annotation (TSV: line type name affiliation evidence).",
)
@click.option(
    "--input",
    "inputs",
    type=click.Path(path_type=Path),
    default=Path("data/talks.md"),
    show_default=True,
    help="The table the annotation is of.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Score the seed and every tests/data/*/talks.md with a talks.gold.tsv beside it.",
)
@click.option(
    "--event",
    default=None,
    help="The event of talks whose title names none (with --all: the table's folder name).",
)
@click.option("--markdown", is_flag=True, help="Print the report as Markdown (docs/quality.md).")
@click.option("--summary-only", is_flag=True, help="Print the figures without the misses.")
def evaluate(
    gold: Path, inputs: Path, every: bool, event: str | None, markdown: bool, summary_only: bool
) -> None:
    """Score the extractor against an annotation: precision, recall and F1 per type and per
    method (gazetteer, pattern, cue), and every miss and wrong link."""
    from kg.evaluate import annotated_tables, read_gold, report
    from kg.evaluate import evaluate as score
    from kg.evaluate import markdown as as_markdown
    from kg.pipeline import analyse

    try:
        pairs = annotated_tables(Path.cwd()) if every else [(inputs, gold)]
        results = []
        for table, annotation in pairs:
            rows = read_gold(annotation)
            found = analyse([table], event or (table.parent.name if every else None))
            name = str(table.relative_to(Path.cwd())) if every else str(table)
            results.append((name, score(found.gazetteer, found.links, rows)))
    except KgError as error:
        raise KgClickError(error) from None
    if markdown:
        click.echo(_shown(as_markdown(results)))
        return
    for name, scores in results:
        if every:
            click.echo(f"== {name}")
        click.echo(_shown(report(scores, details=not summary_only)))


@main.command(
    epilog="Examples:\n\n\b\n  kg candidates --input data/talks.md\n"
    "  kg candidates --input new.md --turtle > reviewed.ttl",
)
@INPUTS
@EVENT
@GAZETTEERS
@click.option(
    "--turtle",
    is_flag=True,
    help="Print the entities found by cue or pattern as gazetteer Turtle, to review and add.",
)
def candidates(
    inputs: tuple[Path, ...], event: str | None, gazetteers: tuple[Path, ...], turtle: bool
) -> None:
    """List the entities found in the text by a cue or a version pattern (not in the gazetteer),
    with how and where, then names the text marks as names that nothing linked: candidates to
    add to ontology/gazetteer.ttl."""
    from kg.discover import candidates as find
    from kg.discover import format_candidates, found_in_text, gazetteer_turtle
    from kg.pipeline import analyse

    try:
        found = analyse(_tables(inputs), event, gazetteers)
    except KgError as error:
        raise KgClickError(error) from None
    if turtle:
        click.echo(gazetteer_turtle(found.gazetteer, found.mentions), nl=False)
        return
    made = found_in_text(found.gazetteer, found.mentions)
    marked = find(found.gazetteer, found.talks, found.mentions)
    click.echo(_shown(format_candidates(made, marked)))


@main.command(
    epilog="Example:\n\n\b\n  kg explain 'Workday'",
)
@click.argument("talk")
@INPUTS
@click.option("--base-iri", default=None, help="Base of the instance IRIs, as given to kg build.")
@EVENT
@GAZETTEERS
def explain(
    talk: str,
    inputs: tuple[Path, ...],
    base_iri: str | None,
    event: str | None,
    gazetteers: tuple[Path, ...],
) -> None:
    """Print every link of one talk (a part of its title, or its IRI) with its evidence: field,
    offsets, matched words, sentence, and the gazetteer label that matched."""
    from kg.explain import explain as account
    from kg.explain import find_talk
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import analyse

    base = base_iri or DEFAULT_BASE
    try:
        found = analyse(_tables(inputs), event, gazetteers)
        click.echo(_shown(account(found, find_talk(found, talk, base), base)))
    except KgError as error:
        raise KgClickError(error) from None


@main.command(epilog="Example:\n\n\b\n  kg stats --graph outputs/talks.ttl")
@GRAPH
def stats(graph_path: Path) -> None:
    """Print graph analytics (networkx): top entities per type, organization x Ray library,
    techniques per track, communities of co-mentioned entities."""
    from kg.query import load_graph
    from kg.stats import compute, format_stats

    try:
        click.echo(format_stats(compute(load_graph(graph_path))))
    except KgError as error:
        raise KgClickError(error) from None


@main.command(
    epilog="Example:\n\n\b\n  kg serve --port 7878\n  curl -G http://127.0.0.1:7878/query --data-urlencode 'query=ASK {?s ?p ?o}'"
)
@GRAPH
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@TIMEOUT
def serve(graph_path: Path, port: int, timeout: float) -> None:
    """Serve the export read-only over the SPARQL protocol (Oxigraph) on 127.0.0.1.

    Queries go to http://127.0.0.1:PORT/query; stop the server with Ctrl-C. Unlike kg query,
    the server knows no prefixes: a query sent to it needs its PREFIX lines (the export's are
    the first lines of talks.ttl).
    """
    from kg.server import serve as run_server

    def ready() -> None:
        click.echo(
            f"serving {graph_path} at http://127.0.0.1:{port}/query (Ctrl-C stops)", err=True
        )

    try:
        code = run_server(graph_path, port, timeout=timeout, ready=ready)
    except KgError as error:
        raise KgClickError(error) from None
    raise SystemExit(code)


@main.command(
    epilog="Example:\n\n\b\n  KG_PUSH_USER=me KG_PUSH_PASSWORD=... \\\n"
    "    kg push --endpoint http://127.0.0.1:7878/store --graph https://example.org/graphs/talks"
)
@click.option("--endpoint", required=True, help="The Graph Store Protocol URL (Oxigraph: /store).")
@GRAPH
@click.option(
    "--named-graph",
    "graph_iri",
    default=None,
    help="The IRI of the named graph to replace (default: the default graph).",
)
@click.option(
    "--input",
    "old_input",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    hidden=True,
    help="Deprecated spelling of --graph.",
)
def push(endpoint: str, graph_path: Path, graph_iri: str | None, old_input: Path | None) -> None:
    """Replace a graph of a SPARQL store with the export (SPARQL 1.1 Graph Store Protocol PUT).

    Credentials come from the environment only: KG_PUSH_TOKEN (bearer), or KG_PUSH_USER and
    KG_PUSH_PASSWORD (basic).
    """
    from kg.server import push as run_push

    if old_input is not None:
        click.echo("kg push: --input is deprecated; use --graph FILE", err=True)
        graph_path = old_input
    if str(graph_path).startswith(("http:/", "https:/")) and not graph_path.exists():
        raise click.BadParameter(
            "is the export file (a path); give the named graph's IRI as --named-graph",
            param_hint="--graph",
        )
    try:
        status = run_push(graph_path, endpoint, graph_iri)
    except KgError as error:
        raise KgClickError(error) from None
    click.echo(
        f"pushed {graph_path} to {graph_iri or 'the default graph'} at {endpoint} (HTTP {status})"
    )

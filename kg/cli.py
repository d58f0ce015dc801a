"""The `kg` command line: thin wrappers that check arguments, call the library and print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from kg.errors import KgError, ValidationError, printable


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

GRAPH = click.option(
    "--graph",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/talks.ttl"),
    show_default=True,
    help="The Turtle export (what kg build wrote).",
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
@click.option("--event", default=None, help="The event of talks whose title names none.")
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
) -> None:
    """Read talks tables and write the graph as Turtle (talks.ttl) and HTML (graph.html)."""
    if base_iri is not None and not base_iri.endswith(("/", "#")):
        raise click.BadParameter("must end in / or #", param_hint="--base-iri")
    if check and (fresh := _unchanged(inputs, output_dir, base_iri, event, gazetteers, html)):
        click.echo(f"up to date: {', '.join(str(output_dir / name) for name in fresh)}")
        return
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import build as run_build

    try:
        result = run_build(
            list(inputs), output_dir, base_iri or DEFAULT_BASE, event, gazetteers,
            write=not check, jobs=jobs, engine=engine, html=html, progress=_progress_bar(),
        )  # fmt: skip
    except KgError as error:
        raise KgClickError(error) from None
    if check:
        from kg.diff import stale_outputs

        stale = stale_outputs(output_dir, result.contents)
        for line in stale:
            click.echo(line)
        if stale:
            click.echo("stale: run kg build with the same options to update the outputs")
            raise click.exceptions.Exit(1)
        click.echo(f"up to date: {', '.join(str(output_dir / name) for name in result.contents)}")
        return
    click.echo(f"talks: {result.talks}")
    for kind, count in result.entities.items():
        click.echo(f"entities: {kind}: {count}")
    click.echo(f"links: {result.links}")
    click.echo(f"triples: {result.triples}")
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
def query(sparql: str, graph_path: Path, fmt: str, engine: str) -> None:
    """Run a read-only SPARQL query (text, or a file holding it) over the export.

    The prefixes of the export (kg:, rdfs:, skos:, ...) are known without PREFIX lines.
    """
    from kg import store
    from kg.query import format_result, load_graph, run_query

    try:
        text = _query_text(sparql)
        big = graph_path.is_file() and graph_path.stat().st_size >= store.PERSIST_BYTES
        if engine == "oxigraph" or (engine == "auto" and big):
            result, prefixes = store.query(graph_path, text), store.namespaces(graph_path)
        else:
            prefixes = load_graph(graph_path)
            result = run_query(prefixes, text)
        click.echo(_shown(format_result(result, fmt, prefixes)))
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
    if "{" in sparql or not Path(sparql).exists():
        return sparql
    try:
        return Path(sparql).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError(f"{sparql}: cannot read the query file ({error})") from None


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
@GAZETTEERS
@click.option(
    "--turtle",
    is_flag=True,
    help="Print the entities found by cue or pattern as gazetteer Turtle, to review and add.",
)
def candidates(inputs: tuple[Path, ...], gazetteers: tuple[Path, ...], turtle: bool) -> None:
    """List the entities found in the text by a cue or a version pattern (not in the gazetteer),
    with how and where, then names the text marks as names that nothing linked: candidates to
    add to ontology/gazetteer.ttl."""
    from kg.discover import candidates as find
    from kg.discover import format_candidates, found_in_text, gazetteer_turtle
    from kg.pipeline import analyse

    try:
        found = analyse(list(inputs), None, gazetteers)
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
def explain(talk: str, inputs: tuple[Path, ...], base_iri: str | None) -> None:
    """Print every link of one talk (a part of its title, or its IRI) with its evidence: field,
    offsets, matched words, sentence, and the gazetteer label that matched."""
    from kg.explain import explain as account
    from kg.explain import find_talk
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import analyse

    base = base_iri or DEFAULT_BASE
    try:
        found = analyse(list(inputs))
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
def serve(graph_path: Path, port: int) -> None:
    """Serve the export read-only over the SPARQL protocol (Oxigraph) on 127.0.0.1.

    Queries go to http://127.0.0.1:PORT/query; stop the server with Ctrl-C.
    """
    from kg.server import serve as run_server

    click.echo(f"serving {graph_path} at http://127.0.0.1:{port}/query (Ctrl-C stops)", err=True)
    try:
        code = run_server(graph_path, port)
    except KgError as error:
        raise KgClickError(error) from None
    raise SystemExit(code)


@main.command(
    epilog="Example:\n\n\b\n  KG_PUSH_USER=me KG_PUSH_PASSWORD=... \\\n"
    "    kg push --endpoint http://127.0.0.1:7878/store --graph https://example.org/graphs/talks"
)
@click.option("--endpoint", required=True, help="The Graph Store Protocol URL (Oxigraph: /store).")
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    help="The named graph to replace (default: the default graph).",
)
@click.option(
    "--input",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/talks.ttl"),
    show_default=True,
    help="The Turtle export to push.",
)
def push(endpoint: str, graph_iri: str | None, graph_path: Path) -> None:
    """Replace a graph of a SPARQL store with the export (SPARQL 1.1 Graph Store Protocol PUT).

    Credentials come from the environment only: KG_PUSH_TOKEN (bearer), or KG_PUSH_USER and
    KG_PUSH_PASSWORD (basic).
    """
    from kg.server import push as run_push

    try:
        status = run_push(graph_path, endpoint, graph_iri)
    except KgError as error:
        raise KgClickError(error) from None
    click.echo(
        f"pushed {graph_path} to {graph_iri or 'the default graph'} at {endpoint} (HTTP {status})"
    )

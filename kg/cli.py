"""The `kg` command line: thin wrappers that check arguments, call the library and print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from kg.errors import KgError, ValidationError


class KgClickError(click.ClickException):
    """A library error as the user sees it: one line, and an exit code that means something."""

    def __init__(self, error: KgError) -> None:
        super().__init__(str(error))
        # 1: the data failed a check (SHACL); 2: bad input or usage.
        self.exit_code = 1 if isinstance(error, ValidationError) else 2  # type: ignore[misc]


@click.group(
    epilog="Example:\n\n\b\n  kg build --input data/talks.md\n  kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?t a kg:Talk }'"
)
@click.version_option(package_name="kg")
def main() -> None:
    """Build a knowledge graph (RDF and an HTML view) from Markdown tables of conference talks."""


@main.command(
    epilog="Examples:\n\n\b\n  kg build --input data/talks.md --output-dir outputs\n"
    "  kg build --input tables/ --jobs 2 --no-html"
)
@click.option(
    "--input",
    "inputs",
    type=click.Path(path_type=Path),
    multiple=True,
    default=[Path("data/talks.md")],
    show_default=True,
    help="A talks table (Markdown), or a folder of them (every *.md). Repeat for several.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outputs"),
    show_default=True,
    help="Where talks.ttl and graph.html go.",
)
@click.option("--base-iri", default=None, help="Base of the instance IRIs (ends in / or #).")
@click.option("--event", default=None, help="The event of talks whose title names none.")
@click.option(
    "--gazetteer",
    "gazetteers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Extra gazetteer entries (Turtle, the format of ontology/gazetteer.ttl).",
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
    help="Draw graph.html (default: only for builds of up to 500 talks).",
)
def build(
    inputs: tuple[Path, ...],
    output_dir: Path,
    base_iri: str | None,
    event: str | None,
    gazetteers: tuple[Path, ...],
    jobs: int,
    engine: str,
    html: bool | None,
) -> None:
    """Read talks tables and write the graph as Turtle (talks.ttl) and HTML (graph.html)."""
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import build as run_build

    if base_iri is not None and not base_iri.endswith(("/", "#")):
        raise click.BadParameter("must end in / or #", param_hint="--base-iri")
    try:
        result = run_build(
            list(inputs), output_dir, base_iri or DEFAULT_BASE, event, gazetteers,
            jobs, engine, html, _progress_bar(),
        )  # fmt: skip
    except KgError as error:
        raise KgClickError(error) from None
    click.echo(f"talks: {result.talks}")
    for kind, count in result.entities.items():
        click.echo(f"entities: {kind}: {count}")
    click.echo(f"links: {result.links}")
    click.echo(f"triples: {result.triples}")
    for path in result.outputs:
        click.echo(f"wrote {path}")
    click.echo(f"seconds: {result.seconds:.2f}")


@main.command(
    epilog="Examples:\n\n\b\n"
    "  kg query 'SELECT ?title WHERE { ?t a kg:Talk ; rdfs:label ?title }'\n"
    "  kg query queries/ray-serve.rq --format csv"
)
@click.argument("sparql")
@click.option(
    "--graph",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/talks.ttl"),
    show_default=True,
    help="The Turtle export to query.",
)
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
    from kg.query import format_result, load_graph, refuse_update, run_query
    from kg.store import PERSIST_BYTES
    from kg.store import query as oxigraph_query

    try:
        text = _query_text(sparql)
        big = graph_path.is_file() and graph_path.stat().st_size >= PERSIST_BYTES
        if engine == "oxigraph" or (engine == "auto" and big):
            refuse_update(text)
            result = oxigraph_query(graph_path, text)
        else:
            result = run_query(load_graph(graph_path), text)
        click.echo(format_result(result, fmt))
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


def _query_text(sparql: str) -> str:
    if "{" in sparql or not Path(sparql).exists():
        return sparql
    try:
        return Path(sparql).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError(f"{sparql}: cannot read the query file ({error})") from None


@main.command(
    epilog="Example:\n\n\b\n  kg serve --port 7878\n  curl -G http://127.0.0.1:7878/query --data-urlencode 'query=ASK {?s ?p ?o}'"
)
@click.option(
    "--graph",
    "graph_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("outputs/talks.ttl"),
    show_default=True,
    help="The Turtle export to serve.",
)
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

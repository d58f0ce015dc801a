"""The `kg` command line: thin wrappers that check arguments, call the library and print."""

from __future__ import annotations

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
    "  kg build --check   # in CI: exit 1 if outputs/ is stale"
)
@click.option(
    "--input",
    "inputs",
    type=click.Path(path_type=Path),
    multiple=True,
    default=[Path("data/talks.md")],
    show_default=True,
    help="A talks table (Markdown). Repeat for several tables.",
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
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and show the talks and links that differ if the outputs are stale.",
)
def build(
    inputs: tuple[Path, ...],
    output_dir: Path,
    base_iri: str | None,
    event: str | None,
    gazetteers: tuple[Path, ...],
    check: bool,
) -> None:
    """Read talks tables and write the graph as Turtle (talks.ttl) and HTML (graph.html)."""
    from kg.ontology import DEFAULT_BASE
    from kg.pipeline import build as run_build

    if base_iri is not None and not base_iri.endswith(("/", "#")):
        raise click.BadParameter("must end in / or #", param_hint="--base-iri")
    try:
        result = run_build(
            list(inputs), output_dir, base_iri or DEFAULT_BASE, event, gazetteers, write=not check
        )
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
def query(sparql: str, graph_path: Path, fmt: str) -> None:
    """Run a read-only SPARQL query (text, or a file holding it) over the export.

    The prefixes of the export (kg:, rdfs:, skos:, ...) are known without PREFIX lines.
    """
    from kg.query import format_result, load_graph, run_query

    try:
        text = _query_text(sparql)
        result = run_query(load_graph(graph_path), text)
        click.echo(format_result(result, fmt))
    except KgError as error:
        raise KgClickError(error) from None


def _query_text(sparql: str) -> str:
    if "{" in sparql or not Path(sparql).exists():
        return sparql
    try:
        return Path(sparql).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError(f"{sparql}: cannot read the query file ({error})") from None

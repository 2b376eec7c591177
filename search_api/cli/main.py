"""The `ga-search` command line: index, search, show, precedents, lineage, analyze, serve.

Every command that reads the index goes through `SearchEngine`, as the HTTP service does.
Errors are printed as one line and exit with status 1 (2 for bad usage); never a traceback.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from indexer.errors import GaSearchError
from search_api.cli.check import check
from search_api.cli.common import IndexOption, console, errors, fail, open_engine, print_json
from search_api.cli.fetch import fetch
from search_api.cli.options import ProgressLines, RawValues, table_options, table_values, write_out
from search_api.cli.publish import publish
from search_api.cli.reading import lineage, precedents, show
from search_api.cli.render import hits_csv, hits_table
from search_api.cli.workbench import cite, list_documents, trend
from search_api.params import SEARCH_PARAMS, search_request

if TYPE_CHECKING:
    from search_api.models import SearchRequest

app = typer.Typer(
    help="Full-text search over UN General Assembly resolutions, Chinese first.\n\n"
    "Example: ga-search index seeds && ga-search search 集体安全条约组织 --session 73",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,  # click's plain help: `--session INTEGER`, no `<list[str]>` tags or boxes
    pretty_exceptions_enable=False,
)


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            write_out(f"ga-search {version('ga-search')}\n")
        except PackageNotFoundError:  # run from a checkout without installing
            write_out("ga-search (not installed)\n")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
) -> None:
    """Full-text search over UN General Assembly resolutions, Chinese first."""


def command() -> Any:
    """The `ga-search` command as click runs it, its help written as Unix tools write theirs:
    `--session INTEGER`, `SYMBOL`, not Typer's Python type tags (`<list[str]>`)."""
    built = typer.main.get_command(app)
    for each in [built, *getattr(built, "commands", {}).values()]:
        for param in each.params:
            if param.param_type_name == "argument":  # its name says what it is: no type after it
                param.metavar = param.metavar or param.name.upper()
                param.display_type_rich = lambda ctx: None
            elif param.metavar is None and not getattr(param, "is_flag", False):
                param.metavar = _metavar(param)
    return built


def _metavar(param: Any) -> str:
    # click's parameter type (a list option's is its items'): `int range` prints as INTEGER.
    kind = param.type.name.split()[0]
    return {"int": "INTEGER", "float": "NUMBER", "path": "PATH"}.get(kind, "TEXT")


def main() -> None:
    """The `ga-search` command (output to a reader that stops early: cli/options.py)."""
    command()()


app.command()(fetch)
app.command()(check)
app.command()(publish)
app.command("list")(list_documents)
app.command()(cite)
app.command()(trend)
app.command()(show)
app.command()(precedents)
app.command()(lineage)


@app.command()
def index(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to index (default: seeds/).")] = None,
    index: IndexOption = Path("index"),
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Start from an empty index.")] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Follow links to files outside the given folders.")
    ] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (default: one per core).", min=1)] = os.cpu_count()
    or 1,
) -> None:
    """Index resolutions (text, DOCX, PDF, HTML, iGov JSON, MARCXML) incrementally.

    Example: ga-search index seeds/ --index ./index
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from indexer.writer import build_index
    from search_api.engine import SearchEngine

    roots = paths or [Path("seeds")]
    for root in roots:
        if not root.exists():
            fail(FileNotFoundError(f"{root}: no such file or folder"))
    started = time.perf_counter()
    columns = (
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("index", total=None, rate="")
        lines = ProgressLines(errors)

        def on_progress(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-6)
            progress.update(task, completed=done, total=total, rate=f"{rate:,.0f} docs/s")
            lines.say(f"indexing: {done:,} of {total:,} files ({rate:,.0f} docs/s)")

        try:
            report = build_index(
                roots,
                index,
                prune=prune,
                rebuild=rebuild,
                workers=workers,
                on_progress=on_progress,
                follow_links=follow_links,
            )
        except GaSearchError as error:
            fail(error)
        except OSError as error:  # the index folder cannot be made or written (permissions, disk)
            fail(OSError(f"cannot write the index at {index}: {error.strerror or error}"))
        # The search arrays of the new generation (search_api/core/shared_arrays.py), made now so that a
        # service starting on it answers its first query without making them.
        progress.update(task, description="preparing")
        preparing = time.perf_counter()
        SearchEngine(index, lanes=1).prepare(report.documents + report.clauses)
        prepared = time.perf_counter() - preparing
    summary = Table(title=f"Index {index}", show_header=False)
    for label, value in (
        ("indexed", report.indexed),
        ("unchanged", report.unchanged),
        ("replaced", report.replaced),
        ("removed", report.removed),
        ("superseded (the document is in a preferred file)", len(report.superseded)),
        ("failed", len(report.failed)),
        ("documents in index", report.documents),
        ("clauses in index", report.clauses),
        ("seconds", f"{report.seconds:.1f}"),
        ("search arrays prepared in (s)", f"{prepared:.1f}"),
    ):
        summary.add_row(label, str(value))
    console.print(summary)
    for failure in report.failed:
        errors.print(f"[red]failed:[/] {escape(str(failure))}", soft_wrap=True)  # a path must stay greppable
    if report.failed:
        raise typer.Exit(1)


@app.command()
@table_options(SEARCH_PARAMS, flags={"per_page": "limit"}, defaults={"per_page": 10})
def search(
    query: Annotated[str, typer.Argument(help='Words, "exact phrases", AND/OR/NOT, field:value.')] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON.")] = False,
    output: Annotated[str, typer.Option("--format", help="table, json or csv; with --all, csv or jsonl.")] = "table",
    every: Annotated[
        bool, typer.Option("--all", help="Every hit (at most 100,000), not a page: --format csv or jsonl.")
    ] = False,
    index: IndexOption = Path("index"),
    table: RawValues | None = None,
) -> None:
    """Search clauses (or whole resolutions with --level document). The options are the API's
    parameters (GET /search), with --limit for per_page.

    Example: ga-search search 维持和平 --sponsor Kazakhstan --session 73
    """
    try:
        values = table_values(SEARCH_PARAMS, table or {}, q=query)
    except GaSearchError as error:
        fail(error)
    request = search_request(values)
    if every:
        _export(index, request, output)
        return
    try:
        result = open_engine(index).search(request, english=values.get("lang") == "en")
    except GaSearchError as error:
        fail(error)
    output = "json" if as_json else output
    if output == "json":
        print_json(result.to_dict())
        return
    if output == "csv":
        write_out(hits_csv(result))
        return
    if output != "table":
        fail(ValueError(f"--format must be table, json or csv, not {output!r}"))
    console.print(hits_table(result))
    for facet in result.facets.values():
        if facet.values:
            shown = ", ".join(f"{escape(v.label or str(v.value))} ({v.count})" for v in facet.values[:6])
            console.print(f"[dim]{facet.label}:[/] {shown}")
    if result.match == "partial":
        missing = sorted({word for hit in result.hits for word in hit.missing})
        console.print(f"partial matches: nothing has every word; each hit lacks one of: {', '.join(missing)}")
    if result.did_you_mean:
        console.print(f"did you mean: {', '.join(result.did_you_mean)}")


def _export(index: Path, request: SearchRequest, output: str) -> None:
    """`search --all`: every hit's row (features/export.py), as CSV or JSON Lines."""
    from search_api.features.export import columns, csv_lines, jsonl_lines

    if output not in ("csv", "jsonl"):
        fail(GaSearchError(f"--all writes csv or jsonl (--format), not {output!r}"))
    try:
        total, rows = open_engine(index).export(request)
    except GaSearchError as error:
        fail(error)
    names = columns(request.level)
    write_out(csv_lines(rows, names) if output == "csv" else jsonl_lines(rows, names))
    if total > len(rows):
        errors.print(f"{len(rows):,} of {total:,} hits written (the most an export gives)")


@app.command()
def analyze(
    text: Annotated[str, typer.Argument(help="Text to run through the analyzer.")],
    field: Annotated[str, typer.Option(help="words (the word field) or chars (the bigram field).")] = "words",
    mode: Annotated[str, typer.Option(help="index (with parts) or query.")] = "index",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the tokens of TEXT with positions and offsets, for debugging a query.

    Example: ga-search analyze "又提及大会 2004 年 12 月 2 日第 59/50 号决议"
    """
    from analyzers import char_analyzer, word_analyzer

    if field not in ("words", "chars") or mode not in ("index", "query"):
        fail(ValueError("--field is words or chars; --mode is index or query"))
    analyzer = word_analyzer() if field == "words" else char_analyzer()
    tokens = [
        {
            "position": t.pos,
            "token": t.text,
            "start": t.startchar,
            "end": t.endchar,
            "original": text[t.startchar : t.endchar],
        }
        for t in analyzer(text, positions=True, chars=True, mode="query" if mode == "query" else "index")
    ]
    if as_json:
        print_json(tokens)
        return
    table = Table("position", "token", "start", "end", "original text")
    for token in tokens:
        table.add_row(
            str(token["position"]),
            escape(token["token"]),
            str(token["start"]),
            str(token["end"]),
            escape(re.sub(r"\s", "⏎", token["original"])),
        )
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes sharing the read-only index.", min=1)] = 1,
    index: IndexOption = Path("index"),
) -> None:
    """Serve the JSON API and the search page.

    Example: ga-search serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    from indexer.manifest import check_manifest
    from search_api.http.serving import ServeError
    from search_api.http.serving import serve as run_service

    try:
        check_manifest(index)
    except GaSearchError as error:
        fail(error)
    os.environ["GA_SEARCH_INDEX"] = str(index.resolve())
    errors.print(f"ga-search: serving {index} on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        run_service(host, port, workers)
    except ServeError as error:
        fail(error)


if __name__ == "__main__":
    main()

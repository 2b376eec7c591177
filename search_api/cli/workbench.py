"""`ga-search list`, `cite` and `trend`: what is indexed, a resolution as a reference, and how
often a wording was used, session by session, drawn as bars in the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from indexer.errors import GaSearchError
from search_api.cli.common import IndexOption, console, fail, open_engine
from search_api.cli.options import RawValues, table_options, table_values, write_out
from search_api.models import CITE_FORMATS
from search_api.params import FILTER_PARAMS, LIST_PARAMS, TREND_PARAMS, search_request

if TYPE_CHECKING:
    pass

BAR_WIDTH = 40  # characters of the longest bar
LIST_OPTIONS = tuple(p for p in LIST_PARAMS if p.name != "format")
TREND_OPTIONS = tuple(p for p in TREND_PARAMS if p.name != "q")


@table_options(LIST_OPTIONS)
def list_documents(
    query: Annotated[str, typer.Argument(help="Only resolutions matching this query (default: all).")] = "",
    output: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    index: IndexOption = Path("index"),
    table: RawValues | None = None,
) -> None:
    """List what is indexed, filtered and paged with the search options, sorted by symbol, date
    or session (GET /documents).

    Example: ga-search list --session 80 --sort date --format csv
    """
    from search_api.features.export import DOCUMENT_COLUMNS, csv_lines

    try:
        values = table_values(LIST_OPTIONS, table or {}, q=query)
        total, rows = open_engine(index).documents(search_request(values))
    except GaSearchError as error:
        fail(error)
    if output == "json":
        write_out(json.dumps({"total": total, "documents": rows}, ensure_ascii=False, indent=2) + "\n")
    elif output == "csv":
        write_out(csv_lines(rows, DOCUMENT_COLUMNS))
    elif output == "table":
        shown = Table(title=f"{total} documents (page {values['page']})")
        for column in ("symbol", "session", "date", "language", "kind", "title"):
            shown.add_column(column, overflow="fold")
        for row in rows:
            cells = (
                row["symbol"] or row["doc_id"],
                row["session"],
                row["date"],
                row["language"],
                row["kind"],
                row["title"],
            )
            shown.add_row(*(escape(str(cell if cell is not None else "")) for cell in cells))
        console.print(shown)
    else:
        fail(GaSearchError(f"--format must be table, json or csv, not {output!r}"))


def cite(
    symbol: Annotated[str, typer.Argument(help="Symbol (A/RES/80/20), document id or file name.")],
    output: Annotated[str, typer.Option("--format", help=f"One of {', '.join(CITE_FORMATS)}.")] = "ris",
    index: IndexOption = Path("index"),
) -> None:
    """Print a resolution as a reference to import into Zotero or another manager: RIS, BibTeX
    or CSL-JSON.

    Example: ga-search cite A/RES/80/20 --format bibtex > 80-20.bib
    """
    try:
        write_out(open_engine(index).cite(symbol, output))
    except GaSearchError as error:
        fail(error)


@table_options(TREND_OPTIONS)
def trend(
    queries: Annotated[list[str], typer.Argument(help="One query or several, side by side.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON (GET /trend).")] = False,
    index: IndexOption = Path("index"),
    table: RawValues | None = None,
) -> None:
    """How often the Assembly used a wording: matching clauses (and resolutions) a session or
    year, drawn as bars.

    Example: ga-search trend '"outer space"' 维持和平 --by session
    """
    try:
        values = table_values(TREND_OPTIONS, table or {})
        filters = search_request({k: v for k, v in values.items() if k in {p.name for p in FILTER_PARAMS}})
        result = open_engine(index).trend(tuple(queries), values["by"], filters)
    except GaSearchError as error:
        fail(error)
    if as_json:
        write_out(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    most = max((p["clauses"] for s in result.series for p in s.points), default=0) or 1
    for series in result.series:
        name = escape(series.query or "(everything)")
        console.print(f"[bold]{name}[/]: {series.clauses} clauses in {series.resolutions} resolutions")
        for point in series.points:
            bar = "█" * max(1, round(BAR_WIDTH * point["clauses"] / most))
            console.print(f"  {point['value']:>5} {bar} {point['clauses']} ({point['resolutions']} res.)")

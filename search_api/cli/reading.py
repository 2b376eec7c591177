"""`ga-search show`, `precedents` and `lineage`: one resolution as parsed, the agreed language of a
clause or a pasted paragraph, and a resolution's series across sessions; each as a table, the
API's JSON or CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from indexer.errors import GaSearchError
from search_api.cli.common import IndexOption, console, errors, fail, open_engine, plain, print_json
from search_api.cli.options import RawValues, table_options, table_values, write_out
from search_api.cli.render import lineage_view, precedents_table
from search_api.models import (
    DEFAULT_PRECEDENTS,
    MAX_PRECEDENTS,
    MIN_SIMILARITY,
    SIMILARITY_THRESHOLD,
    LineageResult,
    PrecedentResult,
)
from search_api.params import DOCUMENT_PARAMS


@table_options(DOCUMENT_PARAMS)
def show(
    symbol: Annotated[str, typer.Argument(help="Symbol (A/RES/55/100), document id or file name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    index: IndexOption = Path("index"),
    table: RawValues | None = None,
) -> None:
    """Show one resolution as parsed: header fields, numbered clauses and verbs, citations;
    with --parallel en, each clause beside its English version.

    Example: ga-search show zh:A/RES/55/100 --parallel en
    """
    try:
        values = table_values(DOCUMENT_PARAMS, table or {})
        document = open_engine(index).document(symbol, values.get("parallel", ()), values.get("lang") == "en")
    except GaSearchError as error:
        fail(error)
    chosen = (table or {}).get("format", ["table"])[0]  # the table's --format: json or csv
    if chosen == "csv":
        from search_api.features.tables import document_csv  # imported late: `--help` stays quick

        write_out(document_csv(document))
        return
    if as_json or chosen == "json":
        print_json(document.to_dict())
        return
    header = Table(show_header=False, title=escape(document.title))
    header.add_column()
    header.add_column(overflow="fold")  # addresses and citation lists whole, not cut with "…"
    for label, value in (
        ("document", document.symbol or document.source),
        ("symbol", document.symbol or "(not printed)"),
        ("kind", document.labels["kind"]),
        ("session", document.session),
        ("date", document.date),
        ("agenda items", ", ".join(document.agenda_items)),
        ("sponsors", ", ".join(document.labels["sponsors"])),
        ("source", document.source),
        ("official PDF", document.links.get("official", "")),
        ("UN Digital Library", document.links.get("digital_library", "")),
        (
            "cites",
            ", ".join(c["symbol"] + ("" if c["indexed"] else " (not in this index)") for c in document.citation_links),
        ),
        ("cited by", ", ".join(d["doc_id"] for d in document.cited_by)),
        *([("text read by OCR", document.ocr)] if document.ocr else []),
    ):
        header.add_row(label, escape(str(value if value is not None else "")))
    console.print(header)
    clauses = Table(show_lines=True, expand=True)
    for column in ("clause", "type", "verb"):
        clauses.add_column(column)
    # Chinese has no spaces to wrap at: fold, or rich would cut each clause short with "…".
    clauses.add_column("text", overflow="fold", ratio=4)
    for language, version in document.parallel.items():
        clauses.add_column(f"{language} ({version['aligned']})", overflow="fold", ratio=4)
    clauses.add_column("cites", overflow="fold", ratio=1)
    for clause in document.clauses:
        beside = [
            escape(f"{c['number']} {c['text']}") if (c := clause.parallel.get(language)) else ""
            for language in document.parallel
        ]
        clauses.add_row(
            clause.number,
            clause.labels["type"],
            escape(clause.verb_phrase or ""),
            escape(clause.text) + "".join(f"\n[dim]note: {escape(note)}[/]" for note in clause.notes),
            *beside,
            escape(", ".join(clause.citations)),
        )
    console.print(clauses)


def precedents(
    text: Annotated[str | None, typer.Argument(help="The paragraph to look for; - reads it from stdin.")] = None,
    of: Annotated[str | None, typer.Option("--of", help="Instead of a text: a resolution's symbol or id...")] = None,
    clause: Annotated[str | None, typer.Option("--clause", help="...and its clause number (P3, 4, 4(a)).")] = None,
    min_similarity: Annotated[
        float, typer.Option(min=MIN_SIMILARITY, max=1.0, help="Lowest similarity shown.")
    ] = SIMILARITY_THRESHOLD,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_PRECEDENTS, help="Precedents shown, best first.")
    ] = DEFAULT_PRECEDENTS,
    later: Annotated[bool, typer.Option("--later", help="With --of: later uses of the wording too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the API's shape).")] = False,
    output: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    index: IndexOption = Path("index"),
) -> None:
    """Agreed language: clauses of other resolutions worded the same or nearly the same, with the
    differences (red: only in the precedent, green: only in your text).

    Example: ga-search precedents "Urges all States Parties to provide the Secretary-General ..."
    Example: ga-search precedents --of A/RES/80/20 --clause P9
    """
    if (text is None) == (of is None) or (of is not None and clause is None):
        errors.print("[bold red]error:[/] give either a TEXT, or --of SYMBOL with --clause NUMBER")
        raise typer.Exit(2)
    try:
        engine = open_engine(index)
        if of is not None and clause is not None:
            result = engine.clause_precedents(
                of, clause, min_similarity=min_similarity, limit=limit, include_later=later
            )
        else:
            pasted = sys.stdin.read() if text == "-" else str(text)
            result = engine.precedents(pasted, min_similarity=min_similarity, limit=limit)
    except GaSearchError as error:
        fail(error)
    if _printed_as_data(result, "json" if as_json else output, "precedents_csv"):
        return
    console.print(precedents_table(result, plain=plain()))
    if not result.precedents:
        console.print(f"no clause at similarity ≥ {min_similarity}; try a lower --min-similarity")


def lineage(
    symbol: Annotated[str, typer.Argument(help="Symbol (A/DEC/75/523), document id or file name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the API's shape).")] = False,
    output: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    index: IndexOption = Path("index"),
) -> None:
    """The series of a resolution across sessions, oldest first, and what changed at each step.

    Example: ga-search lineage A/DEC/75/523
    """
    try:
        result = open_engine(index).lineage(symbol)
    except GaSearchError as error:
        fail(error)
    if _printed_as_data(result, "json" if as_json else output, "lineage_csv"):
        return
    console.print(lineage_view(result, plain=plain()))


def _printed_as_data(result: PrecedentResult | LineageResult, output: str, csv_writer: str) -> bool:
    """The API's JSON, or the CSV table of features/tables.py, when `--format` asks for one."""
    if output == "json":
        print_json(result.to_dict())
        return True
    if output == "csv":
        from search_api.features import tables  # imported late: `--help` stays quick

        write_out(getattr(tables, csv_writer)(result))
        return True
    if output != "table":
        fail(GaSearchError(f"--format must be table, json or csv, not {output!r}"))
    return False

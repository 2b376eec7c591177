"""What every `ga-search` command shares: the consoles, the --index option, the engine (imported
late, so `--help` stays quick), one-line errors, the API's JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from search_api.cli.options import Terminal, write_out

if TYPE_CHECKING:
    from search_api.engine import SearchEngine

console = Terminal()
errors = Terminal(stderr=True)

IndexOption = Annotated[
    Path,
    typer.Option("--index", envvar="GA_SEARCH_INDEX", help="Index directory (env GA_SEARCH_INDEX).", show_default=True),
]


def fail(error: Exception) -> None:
    errors.print(f"[bold red]error:[/] {escape(str(error))}")
    raise typer.Exit(1)


def print_json(payload: object) -> None:
    """The API's JSON shape on stdout, readable Chinese and all."""
    write_out(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def plain() -> bool:
    """No colours to show a diff with (a pipe, a file, NO_COLOR): mark it with brackets."""
    return not console.is_terminal or console.no_color


def open_engine(index: Path) -> SearchEngine:
    from search_api.engine import SearchEngine  # imported late: `ga-search --help` stays quick

    return SearchEngine(index)

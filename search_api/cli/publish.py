"""`ga-search publish`: copy the index's latest committed generation to a replica's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from indexer.errors import GaSearchError
from search_api.cli.options import Terminal

console = Terminal()
errors = Terminal(stderr=True)


def publish(
    to: Annotated[Path, typer.Option("--to", help="The replica's index folder (created if missing).")],
    index: Annotated[
        Path, typer.Option("--index", envvar="GA_SEARCH_INDEX", help="The index to publish (env GA_SEARCH_INDEX).")
    ] = Path("index"),
) -> None:
    """Copy the latest committed generation of the index into another index folder, switching to
    it atomically: a `ga-search serve` on that folder picks it up as it does a local commit.

    Example: ga-search publish --to /srv/ga-search/replica-1
    """
    from indexer.storage.publish import PublishError
    from indexer.storage.publish import publish as publish_index

    if to.resolve() == index.resolve():
        errors.print("[bold red]error:[/] --to names the index itself")
        raise typer.Exit(2)
    try:
        done = publish_index(index, to)
    except (GaSearchError, PublishError, OSError) as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    console.print(
        f"published generation {done.generation} to {escape(str(to))}: {done.copied} files copied "
        f"({done.bytes / 2**20:.1f} MB), {done.arrays} search-array files, {done.removed} old files removed"
    )

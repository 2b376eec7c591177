"""`ga-search fetch`: documents from ODS into a folder (and into an index), with a summary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from indexer.errors import GaSearchError
from search_api.cli.options import ProgressLines, Terminal

if TYPE_CHECKING:
    from indexer.fetch.run import FetchReport

console = Terminal()
errors = Terminal(stderr=True)


def fetch(
    symbols: Annotated[list[str] | None, typer.Argument(help="Symbols: A/RES/73/12 A/73/L.35/Add.1 ...")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Languages, comma-separated: ar,en,es,fr,ru,zh.")] = "zh,en",
    into: Annotated[Path, typer.Option("--into", help="Folder for the files.")] = Path("documents"),
    from_file: Annotated[Path | None, typer.Option("--from-file", help="A file of symbols, one a line.")] = None,
    session: Annotated[int | None, typer.Option(help="Every resolution (or draft) of a session.", min=1)] = None,
    kind: Annotated[
        str, typer.Option(help="With --session: resolution or 'draft resolution' (as search's --kind).")
    ] = "resolution",
    with_drafts: Annotated[bool, typer.Option("--with-drafts", help="Also the drafts a resolution names.")] = False,
    ods_url: Annotated[
        str | None, typer.Option("--ods-url", envvar="GA_SEARCH_ODS_URL", help="ODS (env GA_SEARCH_ODS_URL).")
    ] = None,
    delay: Annotated[float, typer.Option(help="Seconds between one worker's requests.", min=0)] = 2.0,
    workers: Annotated[int, typer.Option(help="Parallel downloads (1 to 4).", min=1, max=4)] = 2,
    fmt: Annotated[str, typer.Option("--format", help="docx or pdf (default: DOCX, else PDF).")] = "auto",
    refresh: Annotated[bool, typer.Option("--refresh", help="Download again files already present.")] = False,
    user_agent: Annotated[str | None, typer.Option("--user-agent", help="The User-Agent header.")] = None,
    index: Annotated[Path | None, typer.Option("--index", help="Also index what was fetched into DIR.")] = None,
    allow_host: Annotated[
        list[str] | None, typer.Option("--allow-host", help="Another host ODS may redirect to (repeatable).")
    ] = None,
) -> None:
    """Download resolutions and drafts from the UN's Official Document System (ODS).

    Files are named as in the UN Digital Library (A_RES_73_12-ZH.docx) with a .meta.json beside
    each; files already present whole are not downloaded again. Exit status 1 when something
    asked for was not fetched.

    Example: ga-search fetch A/RES/73/12 A/73/L.35 --lang zh,en --into documents --index index
    Example: ga-search fetch --session 73 --kind resolution --with-drafts --lang zh --into documents
    """
    from analyzers.symbols import DEFAULT_ODS_URL
    from indexer.fetch.ods import DEFAULT_USER_AGENT, OdsClient
    from indexer.fetch.run import (
        FetchOutcome,
        FetchUsageError,
        check_symbol,
        parse_languages,
        read_symbol_file,
        run_fetch,
    )

    try:
        languages = parse_languages(lang)
        wanted = [check_symbol(s) for s in symbols or ()]
        if from_file is not None:
            wanted += read_symbol_file(from_file)
        if not wanted and session is None:
            raise FetchUsageError("give SYMBOLs, --from-file FILE or --session N")
    except FetchUsageError as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(2) from None
    client = OdsClient(
        ods_url or DEFAULT_ODS_URL,
        user_agent=user_agent or DEFAULT_USER_AGENT,
        delay=delay,
        allowed_hosts=tuple(allow_host or ()),
    )
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    # A walk or --with-drafts finds its symbols as it goes: the bar then has no end.
    known = None if session is not None or with_drafts else len(dict.fromkeys(wanted)) * len(languages)
    try:
        with Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal) as progress:
            task = progress.add_task("fetching", total=known)

            lines, done = ProgressLines(errors), [0]

            def on_outcome(outcome: FetchOutcome) -> None:
                progress.update(task, advance=1, description=f"{outcome.symbol} {outcome.language}: {outcome.status}")
                done[0] += 1
                of = f" of {known:,}" if known else ""
                lines.say(f"fetching: {done[0]:,}{of} files; {outcome.symbol} {outcome.language}: {outcome.status}")
                if outcome.status == "failed":  # said as it happens (no network, a refusal), not only at the end
                    progress.console.print(
                        f"failed: {outcome.symbol} {outcome.language}: {outcome.reason}",
                        markup=False,
                        highlight=False,
                        soft_wrap=True,
                    )

            report = run_fetch(
                client,
                into,
                symbols=wanted,
                languages=languages,
                session=session,
                kind=kind,
                with_drafts=with_drafts,
                fmt=fmt,
                refresh=refresh,
                workers=workers,
                on_outcome=on_outcome,
            )
    except FetchUsageError as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        errors.print("interrupted: files fetched so far are whole; run the same command again to resume")
        raise typer.Exit(130) from None
    finally:
        client.close()
    _summary(report, into)
    if index is not None:
        _index(into, index)
    if not report.complete:
        raise typer.Exit(1)


_REFUSALS = ("HTTP 403", "HTTP 429", "/error")


def _summary(report: FetchReport, into: Path) -> None:
    counts = Table(title=f"Fetched into {into}", show_header=False)
    probes = sum(1 for o in report.outcomes if not o.asked and o.status == "missing")
    for label, value in (
        ("fetched", report.count("fetched")),
        ("already present", report.count("present")),
        ("missing", report.count("missing") - probes),
        ("failed", report.count("failed")),
        ("requests", sum(o.requests for o in report.outcomes)),
    ):
        counts.add_row(label, str(value))
    if probes:
        counts.add_row("not found (session walk)", str(probes))
    console.print(counts)
    problems = [o for o in report.outcomes if o.status == "failed" or (o.status == "missing" and o.asked)]
    if problems:
        table = Table("symbol", "lang", "status", title="Not fetched")
        table.add_column("URL tried", overflow="fold")  # whole: it is what a person opens by hand
        table.add_column("answer", overflow="fold")
        for outcome in problems:
            table.add_row(
                escape(outcome.symbol), outcome.language, outcome.status, escape(outcome.url), escape(outcome.reason)
            )
        console.print(table)
    # The advice is for refusals only (403, 429, a redirect to /error, all retried and failed):
    # not for a 404, and not when there is no network.
    refused = [o for o in problems if o.status == "failed" and any(k in o.reason for k in _REFUSALS)]
    if refused:
        from analyzers.symbols import file_stem

        console.print("When ODS refuses: open the URL in a browser, save the file as shown, and index the folder:")
        for outcome in refused:  # one line each, unbroken, to copy
            name = into / f"{file_stem(outcome.symbol, outcome.language)}.pdf"
            console.print(f"  {outcome.url}  ->  {name}", soft_wrap=True, markup=False, highlight=False)


def _index(folder: Path, index_dir: Path) -> None:
    from indexer.writer import build_index

    if not folder.is_dir():
        return
    try:
        report = build_index([folder], index_dir, workers=min(2, os.cpu_count() or 1))
    except GaSearchError as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    console.print(
        f"indexed {report.indexed}, replaced {report.replaced}, unchanged {report.unchanged}, "
        f"failed {len(report.failed)}: {report.documents} documents in {index_dir}"
    )
    for failure in report.failed:
        errors.print(f"[red]failed:[/] {escape(str(failure))}", soft_wrap=True)

"""`ga-search check FILE`: a draft's paragraphs marked agreed, edited or new, with their sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from indexer.errors import GaSearchError
from indexer.model import Resolution
from search_api.cli.options import Terminal, write_out

console = Terminal()
errors = Terminal(stderr=True)
VERDICT_LABELS = {
    "zh": {"agreed": "已商定", "edited": "已修改", "new": "新"},
    "en": {"agreed": "agreed", "edited": "edited", "new": "new"},
}


def read_draft(file: str) -> Resolution:
    """The draft from a file (DOCX, PDF, text) or from standard input (`-`, text)."""
    from indexer.model import Resolution as _Resolution
    from indexer.readers import read_document
    from indexer.structure import parse_text
    from search_api.features.check import MAX_DRAFT_CHARACTERS

    if file == "-":
        text = sys.stdin.read(MAX_DRAFT_CHARACTERS + 1)
        if len(text) > MAX_DRAFT_CHARACTERS:
            raise GaSearchError(f"the draft on standard input is over {MAX_DRAFT_CHARACTERS:,} characters")
        draft: _Resolution = parse_text(text, "<stdin>")
    else:
        path = Path(file)
        if not path.is_file():
            raise GaSearchError(f"{file}: no such file")
        draft = read_document(path)
        if len(draft.text) > MAX_DRAFT_CHARACTERS:
            raise GaSearchError(f"{file}: over {MAX_DRAFT_CHARACTERS:,} characters of text")
    return draft


def check(
    file: Annotated[str, typer.Argument(help="The draft: a DOCX, PDF or text file, or - for standard input.")],
    lang: Annotated[str, typer.Option("--lang", help="Interface language: zh or en.")] = "zh",
    parallel: Annotated[
        str, typer.Option("--parallel", help="The sources' wording in these languages too: en,fr ...")
    ] = "",
    session_from: Annotated[
        int | None, typer.Option("--session-from", help="Only precedents of this session or later.", min=1)
    ] = None,
    session_to: Annotated[
        int | None, typer.Option("--session-to", help="Only precedents of this session or earlier.", min=1)
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only precedents of this kind (repeatable): resolution ...")
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="table, json, csv, html (a printable page) or docx (with --out).")
    ] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write the report to this file (docx needs one).")] = None,
    index: Annotated[
        Path, typer.Option("--index", envvar="GA_SEARCH_INDEX", help="The index folder (env GA_SEARCH_INDEX).")
    ] = Path("index"),
) -> None:
    """Check a draft: each paragraph marked agreed, edited or new, with where its wording was used
    before, what changed, and the predecessor resolution set beside it.

    Example: ga-search check seeds/zh_draft_73/000_b19792f0abdd90de.txt --lang en
    """
    # Imported when the command runs: `ga-search --help` stays light (tests/test_cli.py).
    from search_api.engine import SearchEngine
    from search_api.features.check import Against
    from search_api.features.check_report import check_docx, check_html, paragraphs_csv

    if output not in ("table", "json", "csv", "html", "docx"):
        errors.print(f"[bold red]error:[/] --format must be table, json, csv, html or docx, not {escape(output)!r}")
        raise typer.Exit(2)
    if output == "docx" and out is None:
        errors.print("[bold red]error:[/] --format docx writes a file: give it with --out FILE")
        raise typer.Exit(2)
    try:
        draft = read_draft(file)
        languages = tuple(code.strip() for code in parallel.split(",") if code.strip())
        against = Against(session_from, session_to, tuple(kind or ()))
        result = SearchEngine(index).check(draft, parallel=languages, against=against)
    except GaSearchError as error:
        errors.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    payload = result.to_dict()
    lang = lang if lang in VERDICT_LABELS else "zh"
    if output == "table":
        _print(payload, lang)
        return
    report: str | bytes
    if output == "json":
        report = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    elif output == "csv":
        report = paragraphs_csv(payload)
    elif output == "html":
        report = check_html(payload, lang)
    else:
        report = check_docx(payload, lang)
    if out is not None:
        out.write_bytes(report if isinstance(report, bytes) else report.encode("utf-8"))
        console.print(f"wrote {out}")
    else:
        write_out(report if isinstance(report, str) else "")


def _print(payload: dict[str, object], lang: str) -> None:
    from search_api.features.check_report import changes_text, sources_text, use_text

    labels = VERDICT_LABELS[lang]
    table = Table("¶", "verdict", "sources", "changes", show_lines=True, expand=True)
    table.columns[2].overflow = table.columns[3].overflow = "fold"
    paragraphs = payload["paragraphs"]
    assert isinstance(paragraphs, list)
    for p in paragraphs:
        verdict = labels[p["verdict"]]
        if p["verdict"] == "agreed":
            verdict += f"\n{p['uses']} × {use_text(p['first_use'])} … {use_text(p['last_use'])}"
        elif p["verdict"] == "edited":
            verdict += f" {p['similarity']:.2f}"
        table.add_row(p["number"], escape(verdict), escape(sources_text(p)), escape(changes_text(p)))
    console.print(table)
    shares = payload["shares"]
    assert isinstance(shares, dict)
    console.print(
        "  ".join(
            f"{labels[v]}: {shares[v]['paragraphs']:.0%} of paragraphs, {shares[v]['characters']:.0%} of text"
            for v in ("agreed", "edited", "new")
        )
    )
    drawn = payload["drawn_on"]
    assert isinstance(drawn, list)
    if drawn:
        console.print("draws on: " + ", ".join(f"{d['symbol']} ({d['paragraphs']} ¶)" for d in drawn))
    predecessor = payload["predecessor"]
    if isinstance(predecessor, dict):
        counts: dict[str, int] = {}
        for change in predecessor["changes"]:
            counts[change["change"]] = counts.get(change["change"], 0) + 1
        summary = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        console.print(f"predecessor: {predecessor['symbol']} (session {predecessor['session']}): {summary}")

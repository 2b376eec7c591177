"""Rich renderings of precedents and lineages for the terminal (the JSON shape is the API's)."""

from __future__ import annotations

import csv
import html
import io

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from search_api.models import LineageResult, PrecedentResult, SearchResult


def _markup(highlight: str) -> str:
    """The API's `<mark>` highlights as rich markup, the rest escaped."""
    text = escape(html.unescape(highlight.replace("<mark>", "\0").replace("</mark>", "\1")))
    return text.replace("\0", "[bold yellow]").replace("\1", "[/]")


def hits_table(result: SearchResult) -> Table:
    """A page of hits: number, document, session, clause and its highlighted text."""
    first = (result.page - 1) * result.per_page + 1
    title = f"{result.total} hits for {escape(result.query or '*')} ({result.took_ms:.0f} ms)"
    table = Table(title=title, show_lines=True)
    for column in ("#", "document", "session", "clause", "text"):
        table.add_column(column, overflow="fold")
    # With --parallel: each language's version of the clause beside it.
    languages = list(dict.fromkeys(lang for hit in result.hits if hit.clause for lang in hit.clause.parallel))
    for language in languages:
        table.add_column(language, overflow="fold")
    for number, hit in enumerate(result.hits, start=first):
        # Labels in the interface language (--lang), as the facets are.
        verb = (hit.clause.labels.get("verb") or hit.clause.verb or "") if hit.clause else ""
        clause = f"{hit.clause.number} {verb}" if hit.clause else hit.labels.get("kind", hit.kind)
        label = document_label(hit.symbol, hit.title, hit.doc_id)
        beside = [
            escape(f"{c['number']} {c['text']}") if hit.clause and (c := hit.clause.parallel.get(language)) else ""
            for language in languages
        ]
        table.add_row(
            str(number), escape(label), str(hit.session or ""), escape(clause), _markup(hit.highlight), *beside
        )
    return table


def hits_csv(result: SearchResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["symbol", "doc_id", "session", "clause", "type", "verb", "sponsors", "text", "score"])
    for hit in result.hits:
        clause = hit.clause
        writer.writerow(
            [
                hit.symbol or "",
                hit.doc_id,
                hit.session or "",
                clause.number if clause else "",
                clause.type if clause else "",
                clause.verb if clause else "",
                "; ".join(hit.sponsors),
                clause.text if clause else hit.title,
                hit.score,
            ]
        )
    return buffer.getvalue()


def diff_text(parts: list[dict[str, str]], plain: bool = False) -> Text:
    """A diff as text: removed words struck through in red, added ones in green; `plain` (no
    colours: a pipe, a file) marks them as `[-removed-]{+added+}`, as `git diff --word-diff` does."""
    text = Text()
    for part in parts:
        if part["op"] == "equal":
            text.append(part["text"])
        elif plain:
            text.append("[-" + part["text"] + "-]" if part["op"] == "delete" else "{+" + part["text"] + "+}")
        else:
            text.append(part["text"], style="strike red" if part["op"] == "delete" else "bold green")
    return text


_LEGEND = {
    False: "red: only in the precedent, green: only in the text asked about",
    True: "[-only in the precedent-] {+only in the text asked about+}",
}


def document_label(symbol: str | None, title: str, doc_id: str) -> str:
    """How a document is named to a person: its symbol, else its title, else its file name (a
    document id without a symbol is the language and the file name: `zh:000_b19792f0abdd90de`)."""
    return symbol or title or file_name(doc_id)


def file_name(doc_id: str) -> str:
    return doc_id.split(":", 1)[-1]


def _where(symbol: str | None, doc_id: str, number: str = "") -> str:
    name = symbol or file_name(doc_id)
    return f"{name} ¶{number}" if number else name


def precedents_table(result: PrecedentResult, plain: bool = False) -> RenderableType:
    """Per precedent: similarity, where, when, then the diff from it to the text asked about."""
    if result.source:
        asked = _where(result.source.get("symbol"), result.source["doc_id"], result.source["clause"]["number"])
        heading = f"precedents of {asked}"
    else:
        heading = "precedents of the text"
    blocks: list[RenderableType] = [
        Text(f"{heading}: {len(result.precedents)} at similarity ≥ {result.min_similarity} ({result.took_ms} ms)")
        + Text(f"   {_LEGEND[plain]}", style="dim")
    ]
    for found in result.precedents:
        when = " · ".join(str(v) for v in (found.session, found.date, found.relation) if v)
        head = Text(f"\n{found.similarity:.2f}  ", style="bold")
        head.append(_where(found.symbol, found.doc_id, found.clause.number), style="bold cyan")
        head.append(f"  {when}  {found.title}", style="dim")
        blocks += [head, diff_text(found.diff, plain)]
    return Group(*blocks)


def lineage_view(result: LineageResult, plain: bool = False) -> RenderableType:
    """Per step, oldest first: session, symbol, date, why it is in the series, what changed."""
    blocks: list[RenderableType] = [Text(f"lineage of {result.symbol}: {result.title}", style="bold")]
    blocks.append(Text(f"{len(result.steps)} steps ({result.took_ms} ms)", style="dim"))
    for step in result.steps:
        head = Text(f"\n{step.session or '?':>4}  ")
        head.append(step.symbol, style="bold cyan" if step.doc_id else "dim")
        head.append(f"  {step.date or ''}  {step.link}", style="dim")
        blocks.append(head)
        if step.summary:
            counts = ", ".join(f"{n} {what}" for what, n in step.summary.items() if n)
            blocks.append(Text(f"      clauses: {counts}"))
        if step.sponsors_added:
            blocks.append(Text("      + sponsors: " + ", ".join(step.sponsors_added), style="green"))
        if step.sponsors_removed:
            blocks.append(Text("      - sponsors: " + ", ".join(step.sponsors_removed), style="red"))
        for change in step.changes:
            label = change.number or change.previous_number
            blocks.append(Text(f"      ¶{label} {change.change}: ", style="bold") + diff_text(change.diff, plain))
    return Group(*blocks)

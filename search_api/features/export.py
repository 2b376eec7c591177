"""Every hit of a search as rows a researcher keeps (CSV, JSON Lines), and the list of what is
indexed: one row a clause (or a resolution), with the resolution's symbol, title, date, session,
agenda, sponsors, language and its official address, and the clause's number, type, verb, text.

An export is bounded (`MAX_EXPORT` rows); its rows are read while the engine holds its snapshot,
then written out, so a slow reader of the answer never holds a search lane."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.searching import Searcher

from search_api.core.deadline import check_budget
from search_api.core.docsets import SnapshotCache
from search_api.core.searching import SnapshotSearch
from search_api.core.stored import tags
from search_api.links import official_link
from search_api.models import MAX_EXPORT, SearchRequest

COLUMNS = (
    "symbol",
    "title",
    "date",
    "session",
    "agenda",
    "sponsors",
    "language",
    "kind",
    "clause",
    "type",
    "verb",
    "text",
    "url",
    "doc_id",
)
DOCUMENT_COLUMNS = tuple(c for c in COLUMNS if c not in ("clause", "type", "verb", "text"))
SEPARATOR = "; "  # between a cell's values (sponsors, agenda items)


def row(stored: dict[str, Any], with_clause: bool) -> dict[str, Any]:
    """One hit's row: the resolution's fields, and the clause's when `with_clause`."""
    symbol = stored.get("symbol") or None
    out: dict[str, Any] = {
        "symbol": symbol,
        "title": stored.get("title", ""),
        "date": stored.get("date"),
        "session": stored.get("session"),
        "agenda": tags(stored.get("agenda")),
        "sponsors": tags(stored.get("sponsor")),
        "language": stored.get("language"),
        "kind": stored.get("kind", ""),
        "url": official_link(symbol, stored.get("language")),
        "doc_id": stored.get("doc_id"),
    }
    if with_clause:
        out |= {
            "clause": stored.get("number", ""),
            "type": stored.get("clause_type", ""),
            "verb": stored.get("verb"),
            "text": stored.get("text", ""),
        }
    return out


def export_rows(
    searcher: Searcher, cache: SnapshotCache, request: SearchRequest, limit: int, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """(every hit's count, the rows of `limit` hits from `offset`, in result order)."""
    total, records = SnapshotSearch(searcher, cache).ordered_records(request, offset + min(limit, MAX_EXPORT))
    records = records[offset:]
    clauses = request.level == "clause"
    rows = []
    for position, docnum in enumerate(records.tolist()):
        if position % 1000 == 0:
            check_budget()
        rows.append(row(cache.stored(docnum), clauses))  # a clause's record holds its resolution's fields
    return total, rows


def columns(level: str) -> tuple[str, ...]:
    return COLUMNS if level == "clause" else DOCUMENT_COLUMNS


def csv_lines(rows: Iterable[dict[str, Any]], names: tuple[str, ...]) -> Iterator[str]:
    """The header, then a line a row; several values in a cell joined by `SEPARATOR`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    for item in rows:
        writer.writerow([_cell(item.get(name)) for name in names])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(rows: Iterable[dict[str, Any]], names: tuple[str, ...]) -> Iterator[str]:
    for item in rows:
        yield json.dumps({name: item.get(name) for name in names}, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    return str(value)

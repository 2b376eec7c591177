"""Stored index records read back as the layer's views (one reading for search, documents and
precedents alike)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.searching import Searcher

from indexer.records import split_tags
from indexer.schema import RESOLUTION_FIELDS
from search_api.models import ClauseView


def tags(value: str | None) -> list[str]:
    """A stored tag list as a list (indexer/records.py writes and reads them)."""
    return split_tags(value)


def with_resolution(record: dict[str, Any], resolution: dict[str, Any]) -> dict[str, Any]:
    """A clause's stored fields with its resolution's (`RESOLUTION_FIELDS`, which only the
    resolution's document record holds: indexer/schema.py) filled in."""
    return {**{k: v for k, v in resolution.items() if k in RESOLUTION_FIELDS}, **record}


def resolution_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """The resolution's fields as every view shows them (`ResolutionFields`)."""
    return {
        "doc_id": stored["doc_id"],
        "symbol": stored.get("symbol") or None,
        "title": stored.get("title", ""),
        "session": stored.get("session"),
        "agenda_items": tags(stored.get("agenda")),
        "sponsors": tags(stored.get("sponsor")),
        "sponsors_from": stored.get("sponsors_from") or None,
        "origin": tags(stored.get("origin")),
        "kind": stored.get("kind", ""),
        "date": stored.get("date"),
        "language": stored.get("language", ""),
    }


def clause_view(stored: dict[str, Any]) -> ClauseView:
    """A stored clause record as a `ClauseView`."""
    return ClauseView(
        stored.get("number", ""),
        stored.get("clause_type", ""),
        stored.get("verb"),
        stored.get("text", ""),
        stored.get("verb_phrase"),
        tags(stored.get("cites")),
        [note for note in (stored.get("notes") or "").split("\n") if note],
    )


def records(searcher: Searcher, level: str, **term: str) -> Iterator[dict[str, Any]]:
    """Stored records of `level` ("document" or "clause") having one exact `field=value` term.

    Not `searcher.documents(field=value, level=level)`: Whoosh intersects a conjunction by
    building sets of both posting lists, and `level` has a posting for every record (150 ms a
    lookup on 100k clauses). The one selective term is read and its records filtered instead.
    """
    ((field, value),) = term.items()
    for docnum in searcher.document_numbers(**{field: value}):
        stored = searcher.stored_fields(docnum)
        if stored.get("level") == level:
            yield stored


def record(searcher: Searcher, level: str, **term: str) -> dict[str, Any] | None:
    """The first of `records`, or None."""
    return next(records(searcher, level, **term), None)

"""Stored index records read back as the layer's views (one reading for search, documents and
precedents alike)."""

from __future__ import annotations

from typing import Any

from search_api.models import ClauseView


def tags(value: str | None) -> list[str]:
    """A stored tag list (`indexer/records.py` joins with commas) as a list."""
    if not value:
        return []
    return [item.replace("\u201a", ",") for item in value.split(",") if item]


def resolution_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """The resolution's fields as every view shows them (`ResolutionFields`)."""
    return {
        "doc_id": stored["doc_id"],
        "symbol": stored.get("symbol") or None,
        "title": stored.get("title", ""),
        "session": stored.get("session"),
        "agenda_items": tags(stored.get("agenda")),
        "sponsors": tags(stored.get("sponsor")),
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
    )

"""Precedents of a clause ("agreed language"): clauses of other resolutions worded the same or
nearly the same, ranked by similarity, each with the diff from its wording to the one asked about.

The index's `bands` field proposes candidates (clauses sharing a MinHash band key, see
indexer/similarity.py); the exact Jaccard of the shingle sets decides. Candidates sharing more
keys are likelier to be similar, so when a very common wording proposes thousands, the
`MAX_CANDIDATES` sharing the most keys are checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from whoosh.searching import Searcher

from indexer.similarity import band_keys, jaccard, shingles
from search_api.diff import diff
from search_api.models import Precedent
from search_api.stored import clause_view, resolution_fields

MAX_CANDIDATES = 400
RELATIONS = ("earlier", "same day", "same session", "later", "undated")


def _candidates(searcher: Searcher, keys: list[str]) -> Counter[int]:
    counts: Counter[int] = Counter()
    reader = searcher.reader()
    for key in keys:
        if reader.doc_frequency("bands", key):
            counts.update(searcher.postings("bands", key).all_ids())
    return counts


def relation(source: dict[str, Any] | None, other: dict[str, Any]) -> str:
    """When `other` was adopted, seen from `source`: by date, else by session."""
    if source is None:
        return "undated"
    if source.get("date") and other.get("date"):
        if other["date"] == source["date"]:
            return "same day"
        return "earlier" if other["date"] < source["date"] else "later"
    if source.get("session") is not None and other.get("session") is not None:
        if other["session"] == source["session"]:
            return "same session"
        return "earlier" if other["session"] < source["session"] else "later"
    return "undated"


def find_precedents(
    searcher: Searcher,
    text: str,
    *,
    source: dict[str, Any] | None,
    min_similarity: float,
    limit: int,
    include_later: bool,
) -> tuple[list[Precedent], int]:
    """Clauses similar to `text`, best first, and how many candidates were checked.

    `source` is the stored clause asked about (its own resolution is left out, and so are later
    clauses unless `include_later`); None for a pasted text.
    """
    wording = shingles(text)
    counts = _candidates(searcher, band_keys(wording))
    scored: list[tuple[float, str, dict[str, Any]]] = []
    for docnum, _ in counts.most_common(MAX_CANDIDATES):
        stored = searcher.stored_fields(docnum)
        if source is not None and stored.get("doc_id") == source.get("doc_id"):
            continue
        when = relation(source, stored)
        if when == "later" and not include_later:
            continue
        similarity = jaccard(wording, shingles(stored.get("text", "")))
        if similarity >= min_similarity:
            stored["_relation"] = when
            scored.append((similarity, stored.get("date") or "", stored))
    # Best first; among equals, the most recent use first.
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    precedents = [
        Precedent(
            **resolution_fields(stored),
            clause=clause_view(stored),
            similarity=round(similarity, 4),
            relation=stored["_relation"],
            diff=[asdict(part) for part in diff(stored.get("text", ""), text)],
        )
        for similarity, _, stored in scored[:limit]
    ]
    return precedents, min(len(counts), MAX_CANDIDATES)

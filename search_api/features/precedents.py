"""Precedents of a clause ("agreed language"): clauses of other resolutions worded the same or
nearly the same, ranked by similarity, each with the diff from its wording to the one asked about.

The index's `bands` column proposes candidates (clauses sharing a MinHash band key, see
indexer/similarity.py); the exact Jaccard of the shingle sets, from the `shingles` column,
decides. Candidates sharing more keys are likelier to be similar, so when a very common wording
proposes more than `MAX_CANDIDATES`, those sharing the most keys are checked.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.similarity import band_keys, hashed_jaccard, shingle_hashes, shingles
from search_api.core.docsets import SnapshotCache
from search_api.core.searching import sort_fields
from search_api.core.stored import clause_view, resolution_fields
from search_api.features.diff import diff
from search_api.models import Precedent

MAX_CANDIDATES = 2000
RELATIONS = ("earlier", "same day", "same session", "later", "undated")
# A pasted text of at least this many shingles also matches the clauses that contain most of it
# (a part of a clause, or a near copy with words left out): fewer, and a formula such as
# "请秘书长" would be "contained" in thousands of clauses.
MIN_CONTAINED_SHINGLES = 8
# ...and the clause must contain at least this share of the text's shingles: a near copy with a
# date and a word left out shares 0.63 of them with its source, a new sentence recombining
# phrases of one clause 0.52 (tests/test_agreed.py has both).
MIN_CONTAINMENT = 0.6


def _candidates(cache: SnapshotCache, keys: np.ndarray) -> list[int]:
    """Clauses sharing band keys with the text, those sharing the most first (then in index
    order), at most `MAX_CANDIDATES`."""
    docs, shared = cache.band_matches(keys)
    return docs[np.lexsort((docs, -shared.astype(np.int64)))][:MAX_CANDIDATES].tolist()


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
    cache: SnapshotCache,
    text: str,
    *,
    source: dict[str, Any] | None,
    min_similarity: float,
    limit: int,
    include_later: bool,
    with_diffs: bool = True,
) -> tuple[list[Precedent], int]:
    """Clauses similar to `text`, best first, and how many candidates were checked.

    `source` is the stored clause asked about (its own resolution is left out, and so are later
    clauses unless `include_later`); None for a pasted text. Candidates are checked from columns
    (resolution, date, session, shingle hashes); only the precedents shown are read in full.
    """
    wording = shingles(text)
    hashes = shingle_hashes(wording)
    if source is None:
        return _pasted_precedents(
            cache, hashes, text, min_similarity=min_similarity, limit=limit, with_diffs=with_diffs
        )
    checked = _candidates(cache, band_keys(wording))
    doc_ids, dates, sessions = (cache.column_values(f) for f in ("doc_id", "date", "session"))
    stored_hashes = cache.column_reader("shingles")
    scored: list[tuple[float, str, int, str]] = []
    for docnum in checked:
        if source is not None and doc_ids[docnum] == source.get("doc_id"):
            continue
        when = relation(source, {"date": dates[docnum], "session": sessions[docnum]})
        if when == "later" and not include_later:
            continue
        similarity = hashed_jaccard(hashes, stored_hashes[docnum])
        if similarity >= min_similarity:
            scored.append((similarity, dates[docnum] or "", docnum, when))
    # Best first; among equals, the most recent use first.
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    precedents = []
    for similarity, _, docnum, when in scored[:limit]:
        stored = cache.stored(docnum)
        precedents.append(
            Precedent(
                **resolution_fields(stored),
                clause=clause_view(stored),
                similarity=round(similarity, 4),
                relation=when,
                diff=[asdict(part) for part in diff(stored.get("text", ""), text)],
            )
        )
    return precedents, len(checked)


def _pasted_precedents(
    cache: SnapshotCache, hashes: bytes, text: str, *, min_similarity: float, limit: int, with_diffs: bool
) -> tuple[list[Precedent], int]:
    """Precedents of a pasted text, from the exact shingle overlap with every clause (the
    snapshot's shingle index): similarity is the Jaccard index, or, for a text long enough
    (`MIN_CONTAINED_SHINGLES`), the share of the text's shingles the clause contains when it is
    at least `MIN_CONTAINMENT`, whichever is higher. A pasted part of a clause then finds its
    source at 1.0, and a near copy with a date and a word left out finds its source first, where
    Jaccard alone ranked it below 0.5.

    Either score is at most shared / pasted (a clause's Jaccard can't exceed the share of the
    text it holds), so only clauses sharing `ceil(min_similarity * pasted)` shingles can pass:
    the shingle index is asked for those alone."""
    pasted = len(hashes) // 8
    docs, shared, sizes = cache.shared_shingles(hashes, math.ceil(min_similarity * pasted - 1e-9))
    jaccards = shared / (pasted + sizes - shared) if len(docs) else np.zeros(0)
    scores = jaccards
    if pasted >= MIN_CONTAINED_SHINGLES:
        containment = shared / pasted
        scores = np.maximum(jaccards, np.where(containment >= MIN_CONTAINMENT, containment, 0.0))
    passing = np.flatnonzero(scores >= min_similarity)
    # Best first; among equals, the most recent use first, then by resolution and clause (the
    # snapshot's date order, made once: a formula passes for thousands of clauses).
    newest_first = cache.sort_rank(sort_fields("date"))
    ranked = passing[np.lexsort((newest_first[docs[passing]], -scores[passing]))].tolist()
    precedents = []
    for i in ranked[:limit]:
        stored = cache.stored(int(docs[i]))
        precedents.append(
            Precedent(
                **resolution_fields(stored),
                clause=clause_view(stored),
                similarity=round(float(scores[i]), 4),
                relation="undated",
                # A diff costs a SequenceMatcher: the draft checker asks for the ones it shows.
                diff=[asdict(part) for part in diff(stored.get("text", ""), text)] if with_diffs else [],
            )
        )
    return precedents, len(docs)

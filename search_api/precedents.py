"""Precedents of a clause ("agreed language"): clauses of other resolutions worded the same or
nearly the same, ranked by similarity, each with the diff from its wording to the one asked about.

The index's `bands` field proposes candidates (clauses sharing a MinHash band key, see
indexer/similarity.py); the exact Jaccard of the shingle sets, from the `shingles` column,
decides. Candidates sharing more keys are likelier to be similar, so when a very common wording
proposes more than `MAX_CANDIDATES`, those sharing the most keys are checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from analyzers import word_analyzer
from indexer.similarity import band_keys, hashed_overlap, shingle_hashes, shingles
from search_api.diff import diff
from search_api.docsets import SnapshotCache
from search_api.models import Precedent
from search_api.stored import clause_view, resolution_fields

MAX_CANDIDATES = 2000
PASSAGE_CANDIDATES = 100
WORDS = word_analyzer()
RELATIONS = ("earlier", "same day", "same session", "later", "undated")


def _candidates(searcher: Searcher, keys: list[str]) -> Counter[int]:
    """Clauses sharing band keys with the text, and how many each shares."""
    counts: Counter[int] = Counter()
    reader = searcher.reader()  # its postings: no scorer to build, deleted records left out
    for key in keys:
        try:
            counts.update(reader.postings("bands", key).all_ids())
        except TermNotFound:
            continue
    return counts


def _best_for_words(searcher: Searcher, cache: SnapshotCache, text: str) -> list[int]:
    """The `PASSAGE_CANDIDATES` clauses ranking best (BM25F) for the words of `text`."""
    words = {token.text for token in WORDS(text, mode="query")}
    if not words:
        return []
    query = wq.Or([wq.Term("text", word) for word in sorted(words)])
    clauses = cache.filter_set([[wq.Term("level", "clause")]])
    results = searcher.search(query, filter=clauses, limit=PASSAGE_CANDIDATES, terms=False)
    return [hit.docnum for hit in results]


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
    min_containment: float | None = None,
) -> tuple[list[Precedent], int]:
    """Clauses similar to `text`, best first, and how many candidates were checked.

    `source` is the stored clause asked about (its own resolution is left out, and so are later
    clauses unless `include_later`); None for a pasted text. With `min_containment`, a clause
    containing that share of the text's wording also qualifies (a pasted passage of a longer
    clause), ranked by the better of the two figures. Candidates are checked from columns
    (resolution, date, session, shingle hashes); only the precedents shown are read in full.
    """
    wording = shingles(text)
    hashes = shingle_hashes(wording)
    counts = _candidates(searcher, band_keys(wording))
    if min_containment is not None:
        # A passage of a longer clause shares too few shingles with it for the band keys to find
        # it reliably: the clauses that rank best for the passage's words are candidates too.
        for docnum in _best_for_words(searcher, cache, text):
            counts.setdefault(docnum, 0)
    doc_ids, dates, sessions = (cache.column_values(f) for f in ("doc_id", "date", "session"))
    stored_hashes = cache.column_reader("shingles")
    scored: list[tuple[float, str, int, str, float, float]] = []
    checked = counts.most_common(MAX_CANDIDATES)
    for docnum, _ in checked:
        if source is not None and doc_ids[docnum] == source.get("doc_id"):
            continue
        when = relation(source, {"date": dates[docnum], "session": sessions[docnum]})
        if when == "later" and not include_later:
            continue
        similarity, containment = hashed_overlap(hashes, stored_hashes[docnum])
        rank = similarity
        if min_containment is not None and containment >= min_containment:
            rank = max(similarity, containment)
        elif similarity < min_similarity:
            continue
        scored.append((rank, dates[docnum] or "", docnum, when, similarity, containment))
    # Best first; among equals, the most recent use first.
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    precedents = []
    for _, _, docnum, when, similarity, containment in scored[:limit]:
        stored = searcher.stored_fields(docnum)
        precedents.append(
            Precedent(
                **resolution_fields(stored),
                clause=clause_view(stored),
                similarity=round(similarity, 4),
                containment=round(containment, 4),
                relation=when,
                diff=[asdict(part) for part in diff(stored.get("text", ""), text)],
            )
        )
    return precedents, len(checked)

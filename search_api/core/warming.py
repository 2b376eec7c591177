"""What warming a snapshot makes ready (`SearchEngine.warm_if_new`): every array a first search of
any kind would otherwise make or map on its way, in the order a search needs them."""

from __future__ import annotations

import logging
import time

from whoosh.searching import Searcher

from indexer.formats import PackedPositions
from indexer.schema import RESOLUTION_FIELDS
from search_api.core.docsets import SnapshotCache
from search_api.core.postings import KEY_BYTES
from search_api.core.searching import filter_parts, sort_fields
from search_api.core.shared_arrays import SHARED_TERM_BYTES, SHARED_TERMS_MAX_BYTES
from search_api.facets import FACETS_BY_NAME
from search_api.models import SORTS, SearchRequest

# A term's positions decode at about 25 ns an occurrence (1M clauses, this machine), into a key of
# KEY_BYTES each, and a long phrase reads a dozen lists (its words, and every second bigram): the
# warm-up prepares every list of half a shared one (SHARED_TERM_BYTES) or more, 1.6 ms or more to
# decode, commonest first, up to three eighths of what a generation may share. Lists of half to
# one shared list left out had cost a long phrase's first search 12-22 ms (SYNTHETIC 1M clauses:
# 431 terms, 683 MB, against 164 and 459 MB for the lists of one shared list or more).
PREPARED_OCCURRENCES = SHARED_TERM_BYTES // KEY_BYTES // 2
PREPARED_BYTES = SHARED_TERMS_MAX_BYTES * 3 // 8
log = logging.getLogger("ga_search.warming")


def warm_arrays(searcher: Searcher, cache: SnapshotCache) -> None:
    """The clause filter, facet columns and their owners, the record-to-resolution map, sort
    orders, the field lengths BM25F reads, then the precedents' band keys and shingle index."""
    cache.filter_mask(filter_parts(SearchRequest()))
    for facet in FACETS_BY_NAME.values():
        cache.value_codes(facet.field, facet.multi_valued)
        if facet.multi_valued:
            cache.code_owners(facet.field)
        if facet.field in RESOLUTION_FIELDS:
            cache.resolution_value_codes(facet.field, facet.multi_valued)
    cache.value_codes("doc_id", False)  # the document level groups clauses by it
    for sort in (s for s in SORTS if s != "relevance"):
        cache.sort_rank(sort_fields(sort))
    for fieldname, field in searcher.schema.items():
        if field.scorable:
            cache.postings.length_codes(fieldname)
    # Last: `SearchEngine.prepare` may be making these in another process meanwhile.
    cache.band_keys()  # precedents of a clause
    cache.shingle_index()  # precedents of a pasted text


def positions_to_prepare(
    searcher: Searcher, cache: SnapshotCache, occurrences: int = PREPARED_OCCURRENCES, budget: int = PREPARED_BYTES
) -> list[tuple[str, bytes]]:
    """The terms of every phrase field with at least `occurrences` occurrences, commonest first,
    as many as `budget` bytes of positions hold, less those saved already: a phrase of common
    words decodes four such lists (10-18 ms each at 1M clauses), which its first search would
    otherwise pay. Nothing without a folder to save them in (a read-only index)."""
    if cache.arrays.folder is None:
        return []
    fields = [name for name, field in searcher.schema.items() if isinstance(field.format, PackedPositions)]
    terms = sorted(
        ((count, name, btext) for name in fields for btext, count in cache.postings.commonest(name, occurrences)),
        key=lambda term: -term[0],
    )
    chosen: list[tuple[str, bytes]] = []
    planned = 0
    for count, name, btext in terms:
        planned += count * KEY_BYTES
        if planned > budget:
            break
        if not cache.postings.positions_saved(name, btext):
            chosen.append((name, btext))
    return chosen


def prepare_positions(
    searcher: Searcher, cache: SnapshotCache, occurrences: int = PREPARED_OCCURRENCES, budget: int = PREPARED_BYTES
) -> int:
    """Decode and save, in this process, the positions `positions_to_prepare` lists, for every
    process to map (search_api/core/preparing.py runs it in a helper); the bytes saved."""
    started = time.perf_counter()
    saved = prepared = 0
    for name, btext in positions_to_prepare(searcher, cache, occurrences, budget):
        size = cache.postings.prepare_positions(name, btext)
        saved, prepared = saved + size, prepared + (size > 0)
    if prepared:
        log.info(
            "saved the positions of %d terms, %d MB, in %.1f s", prepared, saved >> 20, time.perf_counter() - started
        )
    return saved

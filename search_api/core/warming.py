"""What warming a snapshot makes ready (`SearchEngine.warm_if_new`): every array a first search of
any kind would otherwise make or map on its way, in the order a search needs them."""

from __future__ import annotations

from whoosh.searching import Searcher

from indexer.schema import RESOLUTION_FIELDS
from search_api.core.docsets import SnapshotCache
from search_api.core.searching import filter_parts, sort_fields
from search_api.facets import FACETS_BY_NAME
from search_api.models import SORTS, SearchRequest


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
            cache.postings.lengths(fieldname)
    # Last: `SearchEngine.prepare` may be making these in another process meanwhile.
    cache.band_keys()  # precedents of a clause
    cache.shingle_index()  # precedents of a pasted text

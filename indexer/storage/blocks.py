"""Reading an index's posting lists and length columns a block at a time, below Whoosh's API.

Whoosh's matchers hand out one posting per call; `posting_blocks` takes each block whole from the
leaf matcher's own block readers (the codec's decoding), so the search side can decode a term's
postings into arrays once per snapshot (search_api/core/postings.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.matching import WrappingMatcher
from whoosh.reading import IndexReader

from indexer.storage.segment import BYTE_TO_LENGTH, length_codes

__all__ = ["BYTE_TO_LENGTH", "posting_blocks", "segment_length_codes"]


def _leaf_matcher(matcher: Any) -> Any:
    # A segment with deletions wraps its matcher in a filter; the caller applies deletions itself.
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def posting_blocks(
    reader: IndexReader, fieldname: str, btext: bytes, values: bool
) -> tuple[list[Any], list[Any], list[Any]]:
    """The ids, weights (and, with `values`, the encoded values) of every block of one term's
    posting list in one segment, deleted documents included."""
    matcher = _leaf_matcher(reader.postings(fieldname, btext))
    ids: list[Any] = []
    weights: list[Any] = []
    found_values: list[Any] = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        raw_ids = matcher._data[0]
        # Whoosh undoes the ids' delta coding one id at a time in Python (`delta_decode`): a cumulative
        # sum does it for the block at once (a third of a first phrase query's time at 1M clauses).
        ids.append(raw_ids if matcher._byteids else np.cumsum(np.asarray(raw_ids, dtype=np.int64)))
        matcher._read_weights()
        weights.append(matcher._weights)
        if values:
            matcher._read_values()
            found_values.append(matcher._values)
        matcher._next_block()
    return ids, weights, found_values


def segment_length_codes(reader: IndexReader, fieldname: str) -> np.ndarray | None:
    """One segment's length column for `fieldname` (Whoosh's one-byte codes), None if unscored or
    if the reader is an empty index's, which has no segment."""
    perdoc = getattr(reader, "_perdoc", None)
    return None if perdoc is None else length_codes(perdoc, fieldname)

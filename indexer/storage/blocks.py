"""Reading an index's posting lists and length columns a block at a time, below Whoosh's API.

Whoosh's matchers hand out one posting per call; `posting_blocks` reads a term's blocks whole, so
the search side can decode a term's postings into arrays once per snapshot
(search_api/core/postings.py). It reads the blocks as `W3LeafMatcher` does (a length, negative for
the last block; the header pickle; the data, zlib-compressed if the header says so, a pickle of
ids, weights and values) from one read of the term's extent: going through the matcher's methods
cost ten Python calls a block, and its weights of a block of all 1.0 an `array` filled from a
generator, a float at a time (a third of decoding a common bigram's positions at 1M clauses).
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import IndexReader, TermNotFound
from whoosh.system import _INT_SIZE, _int_struct

from indexer.storage import deflate
from indexer.storage.lengths import BYTE_TO_LENGTH, length_codes

__all__ = [
    "BYTE_TO_LENGTH",
    "block_ids",
    "block_weights",
    "extent_blocks",
    "field_documents",
    "posting_blocks",
    "segment_length_codes",
    "stored_blocks",
    "term_extent",
]


def posting_blocks(
    reader: IndexReader, fieldname: str, btext: bytes, values: bool
) -> tuple[list[Any], list[Any], list[Any]] | None:
    """The ids, weights (and, with `values`, the encoded values) of every block of one term's
    posting list in one segment, deleted documents included; None if the segment lacks the term.
    From the term's info, as Whoosh's `W3TermsReader.matcher` finds it, without the matcher:
    asking whether the segment has the term, then making a matcher (which reads the first
    block's header and the segment's deletions), looked the term up twice a segment: 10-15 % of
    decoding a rare term's positions at 1M clauses."""
    terms = getattr(reader, "_terms", None)
    if terms is None:  # an empty index's reader, which has no segment
        return None
    try:
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        return None
    fixed_size = reader.schema[fieldname].format.fixed_value_size()
    return _read_blocks(extent_blocks(terms._postfile, *term_extent(info)), fixed_size, values)


def _length(extent: int | tuple[int]) -> int:
    # As `W3TermInfo.from_bytes` leaves it: `unpack_int` without [0], a tuple.
    return extent[0] if isinstance(extent, tuple) else extent


def stored_blocks(postfile: Any, offset: int, extent: int) -> Iterator[tuple[int, int, bytes]]:
    """(postings, compression level, data as stored) of each block of the posting list at
    `offset` in `postfile`, `extent` bytes long with its header tag (a term info's `extent()`)."""
    start = offset + len(WHOOSH3_HEADER_MAGIC)
    raw = postfile.get(start, offset + extent - start)
    stream = io.BytesIO(raw)
    position = 0
    while position < len(raw):
        (length,) = _int_struct.unpack_from(raw, position)
        end = position + _INT_SIZE + abs(length)
        stream.seek(position + _INT_SIZE)
        count, _, _, compression, _, _ = pickle.load(stream)
        yield count, compression, raw[stream.tell() : end]
        if length < 0:  # the last block
            return
        position = end


def extent_blocks(postfile: Any, offset: int, extent: int) -> Iterator[tuple[int, tuple[Any, Any, Any]]]:
    """(postings, (ids, weights, values) as pickled) of each block of a posting list, as
    `stored_blocks` finds them. The ids are as pickled: the gaps between them, the first absolute."""
    for count, compression, data in stored_blocks(postfile, offset, extent):
        yield count, pickle.loads(deflate.decompress(data) if compression else data)


def term_extent(info: Any) -> tuple[int, int]:
    """Where a term's posting list lies in its segment's postings file (`W3TermInfo`)."""
    if info.is_inlined():  # Whoosh 2.7.4 never inlines (its `set_inline` call fails)
        raise TypeError("a term's postings inlined in its term info")
    offset, extent = info.extent()
    return offset, _length(extent)


def block_ids(raw_ids: Any) -> np.ndarray:
    """A block's document numbers from their pickled gaps (the first against 0)."""
    return np.cumsum(np.asarray(raw_ids, dtype=np.int64))


def block_weights(count: int, raw_weights: Any) -> Any:
    """A block's weights: Whoosh pickles None for all 1.0 and one float for all equal, otherwise
    the weights (an array of float32, or a tuple)."""
    if raw_weights is None or isinstance(raw_weights, float):
        return np.full(count, 1.0 if raw_weights is None else raw_weights, dtype=np.float32)
    return raw_weights


def field_documents(reader: IndexReader, fieldname: str) -> Iterator[tuple[bytes, np.ndarray]]:
    """Each term of `fieldname` in one segment with its documents (deleted ones included), in one
    pass over the field's terms: for a field of a term or two a document (a resolution's symbol),
    instead of a matcher a term or every document's stored fields."""
    terms = getattr(reader, "_terms", None)
    if terms is None:  # an empty index's reader, which has no segment
        return
    for (name, btext), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        blocks = extent_blocks(terms._postfile, *term_extent(info))
        ids = [block_ids(raw_ids) for _, (raw_ids, _, _) in blocks]
        yield btext, ids[0] if len(ids) == 1 else np.concatenate(ids)


def _read_blocks(
    blocks: Iterator[tuple[int, tuple[Any, Any, Any]]], fixed_size: int | None, values: bool
) -> tuple[list[Any], list[Any], list[Any]]:
    ids: list[Any] = []
    weights: list[Any] = []
    found_values: list[Any] = []
    for count, (raw_ids, raw_weights, raw_values) in blocks:
        ids.append(block_ids(raw_ids))
        weights.append(block_weights(count, raw_weights))
        if values:
            if fixed_size is None or fixed_size < 0:
                found_values.append(raw_values)
            elif fixed_size == 0:
                found_values.append((None,) * count)
            else:
                cuts = range(0, len(raw_values), fixed_size)
                found_values.append(tuple(raw_values[i : i + fixed_size] for i in cuts))
    return ids, weights, found_values


def segment_length_codes(reader: IndexReader, fieldname: str) -> np.ndarray | None:
    """One segment's length column for `fieldname` (Whoosh's one-byte codes), None if unscored or
    if the reader is an empty index's, which has no segment."""
    perdoc = getattr(reader, "_perdoc", None)
    return None if perdoc is None else length_codes(perdoc, fieldname)

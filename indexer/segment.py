"""A Whoosh `SegmentWriter` without two per-posting costs of Whoosh 2.7.4 (its last release).

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. Here each length column is read once, in one piece (`length_codes`).

Whoosh's posting pool keeps each posting as a tuple (about 150 bytes) and, past `limitmb`,
spills them to temporary files, one pickle call per posting, read back through a heap merge: a
quarter of a large build. `CompactPostingPool` keeps them in flat arrays (about 30 bytes a
posting: term number, document, weight, end of the value in one byte buffer), so a worker's
postings stay in memory and one stable sort by term puts them in the order the codec writes.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

SORT_CHUNK = 1 << 20  # postings turned back into Python objects at a time
# Smaller blocks are written uncompressed: zlib's header and CPU buy nothing on a few dozen bytes
# (Whoosh means to skip compression under 20 bytes, but a bug compresses every block).
COMPRESS_MIN_POSTINGS = 16


BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def length_codes(perdoc: Any, fieldname: str) -> np.ndarray | None:
    """A segment's length column for `fieldname` (one byte a document, Whoosh's lossy encoding),
    read in one piece (its reader's own iteration seeks once per document); None if the field is
    unscored. `BYTE_TO_LENGTH[codes]` gives the lengths Whoosh's scorers see."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)


class _SegmentLengths:
    """The new segment's field lengths, each field's column read once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int] | None] = {}

    def field(self, fieldname: str) -> list[int] | None:
        """Every document's length in `fieldname` (0 where it has none), or None if unscored."""
        if fieldname not in self._lengths:
            codes = length_codes(self._reader, fieldname)
            self._lengths[fieldname] = None if codes is None else np.where(codes > 0, BYTE_TO_LENGTH[codes], 0).tolist()
        return self._lengths[fieldname]

    def close(self) -> None:
        self._reader.close()


class CompactPostingPool:
    """The posting pool of a segment writer, in flat arrays (see the module docstring)."""

    def __init__(self) -> None:
        self._term_numbers: dict[tuple[str, bytes], int] = {}
        self._terms = array("i")
        self._docs = array("q")
        self._weights = array("d")
        self._value_ends = array("q")
        self._values = bytearray()

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        number = self._term_numbers.get(key)
        if number is None:
            number = self._term_numbers[key] = len(self._term_numbers)
        self._terms.append(number)
        self._docs.append(docnum)
        self._weights.append(weight)
        if vbytes:
            self._values += vbytes
        self._value_ends.append(len(self._values))

    def terms(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
        """Each term's postings, terms in (field, text) order, documents in order within a term:
        each document was added whole and after the previous one, so a stable sort by term
        suffices. (fieldname, term, docnums, weights, values)."""
        keys = list(self._term_numbers)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        numbers = np.frombuffer(self._terms, dtype=np.intc)
        order = np.argsort(rank[numbers], kind="stable")
        ends = np.frombuffer(self._value_ends, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
        docs, weights = np.frombuffer(self._docs, dtype=np.int64), np.frombuffer(self._weights, dtype=np.float64)
        values = bytes(self._values)
        sorted_numbers = numbers[order]
        # Term t's postings are sorted positions bounds[t]:bounds[t + 1].
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(sorted_numbers)) + 1, [len(order)])).tolist()
        term = 0
        while term < len(bounds) - 1:
            # Back to Python objects a chunk of whole terms at a time, to bound the memory it takes.
            stop = max(term + 1, bisect_right(bounds, bounds[term] + SORT_CHUNK) - 1)
            low, high = bounds[term], bounds[stop]
            part = order[low:high]
            chunk_docs, chunk_weights = docs[part].tolist(), weights[part].tolist()
            chunk_values = [values[a:b] for a, b in zip(starts[part].tolist(), ends[part].tolist(), strict=True)]
            for t in range(term, stop):
                begin, end = bounds[t] - low, bounds[t + 1] - low
                fieldname, tbytes = keys[int(sorted_numbers[bounds[t]])]
                yield fieldname, tbytes, chunk_docs[begin:end], chunk_weights[begin:end], chunk_values[begin:end]
            term = stop

    def cleanup(self) -> None:
        self.__init__()  # type: ignore[misc]


def _fill_block(
    postwriter: Any, docs: list[int], weights: list[float], values: list[bytes], lengths: list[int]
) -> None:
    """Put one block's postings in a whoosh3 postings writer's buffer, with the statistics its
    `add_posting` would have gathered one posting at a time."""
    postwriter._ids = array("I", docs)
    postwriter._weights = array("f", weights)
    postwriter._values = [value for value in values if value]
    postwriter._maxweight = max(0, max(weights))
    present = [length for length in lengths if length]
    postwriter._minlength = min(present) if present else None
    postwriter._maxlength = max(present) if present else 0


def write_postings(fieldwriter: Any, schema: Any, lengths: _SegmentLengths | None, pool: CompactPostingPool) -> None:
    """What `FieldWriter.add_postings` does with the pool's postings, but a block at a time: the
    whoosh3 postings writer's buffer is filled with a whole block, instead of 128 calls of
    `add_posting` with their checks. The postings are the same (tests/test_segment.py); blocks of
    fewer than `COMPRESS_MIN_POSTINGS` are stored uncompressed."""
    current_field = None
    compression: dict[str, int] = {}  # the codec's level, as each field's postings writer has it
    for fieldname, tbytes, docs, weights, values in pool.terms():
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
            field_lengths = lengths.field(fieldname) if lengths else None
        fieldwriter.start_term(tbytes)
        postwriter = fieldwriter._postwriter
        limit, level = postwriter._blocklimit, compression.setdefault(fieldname, postwriter._compression)
        term_lengths = [field_lengths[d] for d in docs] if field_lengths is not None else [0] * len(docs)
        for start in range(0, len(docs), limit):
            end = start + limit
            _fill_block(postwriter, docs[start:end], weights[start:end], values[start:end], term_lengths[start:end])
            # Each block records its own compression, which the reader follows.
            postwriter._compression = level if len(postwriter._ids) >= COMPRESS_MIN_POSTINGS else 0
            if end < len(docs):  # the last block is written by finish_term, marked last (or inlined)
                postwriter._write_block()
        fieldwriter.finish_term()
    if current_field is not None:
        fieldwriter.finish_field()


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with the per-posting costs above removed; it writes the same postings."""

    def __init__(self, ix: Index, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = CompactPostingPool()  # Whoosh's pool has written nothing yet

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the postings written a block at a time.
        self.perdocwriter.close()
        lengths = _SegmentLengths(self.per_document_reader()) if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, lengths, self.pool)
        self.fieldwriter.close()
        if lengths:
            lengths.close()

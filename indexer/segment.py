"""A Whoosh `SegmentWriter` without two per-posting costs of Whoosh 2.7.4 (its last release).

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. `_SegmentLengths` reads each length column once into memory and remembers missing ones.

Whoosh's posting pool keeps each posting as a tuple (about 150 bytes) and, past `limitmb`,
spills them to temporary files, one pickle call per posting, read back through a heap merge: a
quarter of a large build. `CompactPostingPool` keeps them in flat arrays (about 30 bytes a
posting: term number, document, weight, end of the value in one byte buffer), so a worker's
postings stay in memory and one stable sort by term puts them in the order the codec writes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

SORT_CHUNK = 1 << 20  # postings turned back into Python objects at a time


class _SegmentLengths:
    """`doc_field_length` of a per-document reader, each field's column read once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int] | None] = {}

    def _column(self, fieldname: str) -> list[int] | None:
        if fieldname not in self._lengths:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = None if column is None else [byte_to_length(b) if b else 0 for b in column]
        return self._lengths[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        column = self._column(fieldname)
        return default if column is None else column[docnum] or default

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

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """(fieldname, term, docnum, weight, value) by field and term, then by document: each
        document is added whole and after the previous one, so a stable sort by term suffices."""
        keys = list(self._term_numbers)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        order = np.argsort(rank[np.frombuffer(self._terms, dtype=np.intc)], kind="stable")
        ends = np.frombuffer(self._value_ends, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
        terms, docs = np.frombuffer(self._terms, dtype=np.intc), np.frombuffer(self._docs, dtype=np.int64)
        weights, values = np.frombuffer(self._weights, dtype=np.float64), bytes(self._values)
        for chunk in range(0, len(order), SORT_CHUNK):
            part = order[chunk : chunk + SORT_CHUNK]
            for term, docnum, weight, start, end in zip(
                terms[part].tolist(),
                docs[part].tolist(),
                weights[part].tolist(),
                starts[part].tolist(),
                ends[part].tolist(),
                strict=True,
            ):
                fieldname, tbytes = keys[term]
                yield fieldname, tbytes, docnum, weight, values[start:end]

    def cleanup(self) -> None:
        self.__init__()  # type: ignore[misc]


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with the per-posting costs above removed; the files it writes are the same."""

    def __init__(self, ix: Index, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = CompactPostingPool()  # Whoosh's pool has written nothing yet

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the lengths read through `_SegmentLengths`.
        self.perdocwriter.close()
        lengths = _SegmentLengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()

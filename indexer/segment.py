"""A Whoosh `SegmentWriter` without two per-posting costs of Whoosh 2.7.4 (its last release).

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. `_SegmentLengths` reads each length column once into memory and remembers missing ones.

The posting pool spills to temporary files (one pickle call per posting, read back through a
heap merge) once its estimate passes `limitmb`; a larger pool keeps a worker's postings in
memory, where one sort replaces the spill and the merge.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

POOL_LIMIT_MB = 512


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


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with the per-posting costs above removed; the files it writes are the same."""

    def __init__(self, ix: Index, **kwargs: Any) -> None:
        kwargs.setdefault("limitmb", POOL_LIMIT_MB)
        super().__init__(ix, **kwargs)

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the lengths read through `_SegmentLengths`.
        self.perdocwriter.close()
        lengths = _SegmentLengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()

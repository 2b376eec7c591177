"""A segment's field lengths, each length column read in one piece.

Whoosh keeps a scored field's length in each document as one byte (`length_to_byte`, lossy) in a
column of the segment. Its per-document reader seeks into that column for every length it is
asked, and caches the column of a scored field but not the *absence* of one: asking an unscored
field's length (ids, keywords, MinHash band keys) costs a `stat` of the file system each time.
Here a column is read once, whole, into an array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def length_codes(perdoc: Any, fieldname: str) -> np.ndarray | None:
    """A segment's length column for `fieldname` (one byte a document, Whoosh's lossy encoding),
    read in one piece (its reader's own iteration seeks once per document); None if the field is
    unscored. `BYTE_TO_LENGTH[codes]` gives the lengths Whoosh's scorers see."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)


def decoded_lengths(codes: np.ndarray) -> np.ndarray:
    """The lengths a column of codes stands for, 0 where a document has none (code 0)."""
    return np.where(codes > 0, BYTE_TO_LENGTH[codes], 0)


class SegmentLengths:
    """A segment's field lengths, each field's column read once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def field(self, fieldname: str) -> np.ndarray | None:
        """Every document's length in `fieldname` (0 where it has none), or None if unscored."""
        codes = length_codes(self._reader, fieldname)
        return None if codes is None else decoded_lengths(codes)

    def close(self) -> None:
        self._reader.close()

"""A segment's byte columns read whole, below Whoosh's column readers.

Whoosh's column readers hand out one value a call (a `get` on the segment file each): making a
snapshot's arrays of a million clauses' shingle hashes (search_api/core/similar.py) read them one
record at a time, a fifth of preparing the search arrays at 1M clauses. A `VarBytesColumn` keeps
its values end to end from its base position, then their lengths; a `FixedBytesColumn` its values
end to end, the documents past its last value taking the default. These read them in one piece.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.columns import FixedBytesColumn, TranslatingColumnReader, VarBytesColumn


def _untranslated(column: Any) -> Any:
    # A `COLUMN` field's reader comes wrapped in a translation that is the identity (its
    # `from_bytes` returns the bytes): the raw reader's values are the same.
    return column.raw_column() if isinstance(column, TranslatingColumnReader) else column


def var_bytes_values(column: Any) -> tuple[bytes, np.ndarray] | None:
    """A `VarBytesColumn` reader's values end to end and each document's length (documents
    without a value: 0); None for any other column reader. For raw bytes columns only (`COLUMN`
    fields: a translating reader is read untranslated)."""
    column = _untranslated(column)
    if type(column) is not VarBytesColumn.Reader:
        return None
    lengths = np.array(column._lengths, dtype=np.int64)
    return column._dbfile.get(column._basepos, int(lengths.sum())), lengths


def fixed_bytes_values(column: Any) -> bytes | None:
    """A `FixedBytesColumn` reader's values of every document end to end (the default where a
    document has none); None for any other column reader. For raw bytes columns only."""
    column = _untranslated(column)
    if type(column) is not FixedBytesColumn.Reader:
        return None
    stored = min(column._count, column._doccount)
    data: bytes = column._dbfile.get(column._basepos, stored * column._fixedlen)
    return data + column._defaultbytes * (column._doccount - stored)


def var_bytes_list(column: Any) -> list[bytes] | None:
    """A `VarBytesColumn` reader's value of every document (b"" where it has none), untranslated;
    None for any other column reader."""
    whole = var_bytes_values(column)
    if whole is None:
        return None
    data, lengths = whole
    ends = np.cumsum(lengths).tolist()
    return [data[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]

"""A column's values for every record as codes into a table of its distinct values.

`(starts, codes, table)`: record `d`'s values are `table[c]` for `c` in `codes[starts[d]:starts[d + 1]]`
(a single-valued field has one a record, None included); the table lists the values in the order
they first appear, record by record. Made once a generation (search_api/core/shared_arrays.py).

Read value by value through Whoosh's column readers, the columns of a million clauses took a
third of preparing a generation's arrays. Here a byte-string column (an ID field's) is read whole
and only its distinct values are translated; a resolution's fields, which only its document
record carries, are coded over the document records and spread to their records with NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from indexer.storage.columns import var_bytes_list

Codes = tuple[np.ndarray, np.ndarray, list[Any]]


def record_codes(segments: Sequence[tuple[Any, int]], translate: Callable[[Any], Any], multi_valued: bool) -> Codes:
    """Codes of a column over every record, from each segment's column reader (None where the
    segment lacks the column: its records' value is None) and its record count. `translate`
    turns a raw byte-string value into the field's value (`FieldType.from_column_value`)."""
    table: dict[Any, int] = {}
    if multi_valued:
        values = [value for reader, size in segments for value in _values(reader, size)]
        return _codes(values, table, True)
    coded: list[np.ndarray] = []
    for reader, size in segments:
        raw = var_bytes_list(reader) if reader is not None else None
        if raw is None:
            coded.append(_codes(_values(reader, size), table, False)[1])
            continue
        of_raw: dict[bytes, int] = {}  # each distinct raw value translated once
        for value in dict.fromkeys(raw):
            of_raw[value] = table.setdefault(translate(value), len(table))
        coded.append(np.fromiter(map(of_raw.__getitem__, raw), dtype=np.int64, count=len(raw)))
    codes = np.concatenate(coded) if coded else np.zeros(0, dtype=np.int64)
    return np.arange(len(codes) + 1, dtype=np.int64), codes, list(table)


def _values(reader: Any, size: int) -> Iterable[Any]:
    return reader if reader is not None else (None,) * size


def _codes(values: Iterable[Any], table: dict[Any, int], multi_valued: bool) -> Codes:
    per_record = [(value or ()) if multi_valued else (value,) for value in values]
    codes = np.fromiter((table.setdefault(v, len(table)) for vs in per_record for v in vs), dtype=np.int64)
    starts = np.zeros(len(per_record) + 1, dtype=np.int64)
    np.cumsum([len(vs) for vs in per_record], out=starts[1:])
    return starts, codes, list(table)


def spread_codes(documents: np.ndarray, values: list[Any], owners: np.ndarray, multi_valued: bool) -> Codes:
    """Codes over every record of values that document records carry: `values[i]` is document
    record `documents[i]`'s (ascending), `owners` each record's document record (-1: none, whose
    value is None). The same codes and table as `record_codes` over the spread values."""
    has_owner = owners >= 0
    if multi_valued and not len(documents):  # no document record: no values
        return np.zeros(len(owners) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    at = np.searchsorted(documents, np.where(has_owner, owners, documents[0] if len(documents) else 0))
    if not multi_valued:  # the ownerless records' None is one more value, after the documents'
        values = [*values, None]
        at = np.where(has_owner, at, len(values) - 1)
        has_owner = np.ones(len(owners), dtype=bool)
    doc_starts, doc_codes, doc_table = _codes(values, {}, multi_valued)
    counts = np.where(has_owner, doc_starts[at + 1] - doc_starts[at], 0)
    starts = np.zeros(len(owners) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # Each record's run of codes is its document's run: its first code's place, then one by one.
    offsets = np.arange(int(starts[-1]), dtype=np.int64) - np.repeat(starts[:-1] - doc_starts[at], counts)
    codes = doc_codes[offsets]
    # Renumber by first appearance over the records, as `record_codes` numbers them.
    seen, first = np.unique(codes, return_index=True)
    by_appearance = seen[np.argsort(first, kind="stable")]
    renumber = np.empty(len(doc_table), dtype=np.int64)
    renumber[by_appearance] = np.arange(len(by_appearance))
    return starts, renumber[codes], [doc_table[c] for c in by_appearance.tolist()]

"""A record's column values (the facets' codes, sort keys, tag lists, shingles) written as Whoosh
2.7.4's column writers write them, with less work a value.

Whoosh's `VarBytesColumn` writer takes a value at a time: a write through two file objects and
two appends to arrays that check their type, each a Python call; a record adds six or seven such
values (3 % of a build, py-spy of a 100k-clause build). `VarBytesBuffer` gathers them and writes
a run of them at once, when a gap of documents without a value is filled and at the end: the same
bytes, the same arrays of lengths and offsets (whose type Whoosh widens as values grow: here
widened once for the largest of a run, to the type the first value too large would have made).
tests/test_segment.py compares segments with Whoosh's writer's.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any

from whoosh.columns import VarBytesColumn, VarBytesListColumn
from whoosh.util.numlists import GrowableArray

_EMPTY_LIST = b"\x00"  # `VarBytesListColumn`'s value for an empty list: its count, 0, as a varint


class VarBytesBuffer(VarBytesColumn.Writer):
    """`VarBytesColumn.Writer`, its values gathered and written a run at a time."""

    _count: int  # the documents the column has a row for (set by Whoosh's writer)

    def __init__(self, dbfile: Any, allow_offsets: bool = True, cutoff: int = 2**15) -> None:
        super().__init__(dbfile, allow_offsets, cutoff)
        self._values: list[bytes] = []

    def add(self, docnum: int, v: bytes) -> None:
        if docnum > self._count:  # documents without a value before this one: their zeros after the run
            self._flush()
            self.fill(docnum)
        self._values.append(v)
        self._count = docnum + 1

    def finish(self, doccount: int) -> None:
        self._flush()
        super().finish(doccount)

    def _flush(self) -> None:
        values = self._values
        if not values:
            return
        lengths = list(map(len, values))
        self._dbfile.write(b"".join(values))
        _extend(self._lengths, lengths)
        _extend(self._offsets, list(accumulate(lengths[:-1], initial=self._offset_base)))
        self._offset_base += sum(lengths)
        self._values = []


class ListBuffer(VarBytesListColumn.Writer):
    """`VarBytesListColumn.Writer` over a `VarBytesBuffer`; an empty list (most clauses' `cites`)
    is its one byte without the encoding loop."""

    def add(self, docnum: int, ls: list[bytes]) -> None:
        if ls:
            super().add(docnum, ls)
        else:
            self._child.add(docnum, _EMPTY_LIST)


def _extend(growable: GrowableArray, numbers: list[int]) -> None:
    """`growable.extend(numbers)` in one call: widened first if the largest does not fit (as
    `GrowableArray.append` widens for the first that does not), so the type ends the same."""
    top = max(numbers)
    try:
        array(growable.typecode, [top])
    except OverflowError:
        growable._retype(top)  # raises where Whoosh's append would: past 2**32 without longs
    growable.array.extend(numbers)


def add_column_value(perdocwriter: Any, fieldname: str, column: Any, value: Any) -> None:
    """`PerDocWriterWithColumns.add_column_value`, its writers made buffered (`faster`)."""
    writers = perdocwriter._colwriters
    writer = writers.get(fieldname)
    if writer is None:
        perdocwriter._create_column(fieldname, column)
        writer = writers[fieldname] = faster(writers[fieldname])
    writer.add(perdocwriter._docnum, value)


def faster(writer: Any) -> Any:
    """The buffered form of a new column writer of Whoosh's, or the writer itself."""
    if type(writer) is VarBytesColumn.Writer:
        return VarBytesBuffer(writer._dbfile, writer.allow_offsets, writer.cutoff)
    if type(writer) is VarBytesListColumn.Writer and type(writer._child) is VarBytesColumn.Writer:
        child = writer._child
        return ListBuffer(VarBytesBuffer(child._dbfile, child.allow_offsets, child.cutoff))
    return writer

"""A posting block's values (each posting's packed positions) as one bytes object and their lengths.

Whoosh pickles a block's variable-size values as a tuple of bytes: unpickling a block of 1,024
postings makes 1,024 objects, and reading a term's positions for a phrase at 1M clauses was
mostly that. `FastSegmentWriter` (segment.py) pickles this instead in a block of `SMALL_BLOCK`
postings or more (term_blocks.py; a smaller one keeps the tuple): unpickling it makes one object a
block, and search_api/core/postings.py reads its buffers with NumPy, no object a
posting. The lengths take one byte a value where they fit (most: a clause's positions of one
term), against the three a pickled bytes object costs, so blocks are smaller too. Whoosh's own
readers index it as they index the tuple (`values[i]`, `len`, iteration).

It is part of the index format: its module path is pickled into every posting block written
since, so it must not move (`BLOCK_FORMAT_CLASSES` in __init__.py; tests/test_segment.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import overload

import numpy as np

# The narrowest unsigned type that holds every length of a block, in machine order.
_LENGTH_TYPES = ("B", "H", "I", "Q")


# Each type's first integer too large for it (asked twice a term when a segment is written).
_LIMITS = tuple((1 << (8 * array(t).itemsize), t) for t in _LENGTH_TYPES)


def narrowest_typecode(largest: int) -> str:
    """The narrowest unsigned array typecode that holds every integer from 0 to `largest`."""
    for limit, typecode in _LIMITS:
        if largest < limit:
            return typecode
    raise ValueError(f"{largest} does not fit in 64 bits")


class PackedValues(Sequence[bytes]):
    """Values end to end in `blob`, their byte lengths in `lengths` (array typecode `typecode`)."""

    __slots__ = ("_starts", "blob", "lengths", "typecode")

    def __init__(self, blob: bytes, lengths: bytes, typecode: str) -> None:
        if typecode not in _LENGTH_TYPES:
            raise ValueError(f"not a length type: {typecode!r}")
        self.blob, self.lengths, self.typecode = blob, lengths, typecode
        self._starts: list[int] | None = None  # made on the first value Whoosh asks for

    @classmethod
    def of(cls, values: Sequence[bytes]) -> PackedValues:
        sizes = list(map(len, values))
        typecode = narrowest_typecode(max(sizes, default=0))
        return cls(b"".join(values), array(typecode, sizes).tobytes(), typecode)

    @classmethod
    def of_sizes(cls, blob: bytes, sizes: np.ndarray) -> PackedValues:
        """`of` for values already end to end in `blob`, of the given sizes."""
        typecode = narrowest_typecode(int(sizes.max()) if len(sizes) else 0)
        return cls(blob, sizes.astype(np.dtype(typecode)).tobytes(), typecode)

    def __reduce__(self) -> tuple[type[PackedValues], tuple[bytes, bytes, str]]:
        return PackedValues, (self.blob, self.lengths, self.typecode)

    def length_array(self) -> np.ndarray:
        """The lengths as a NumPy array (a view of the pickled bytes, no copy)."""
        return np.frombuffer(self.lengths, dtype=np.dtype(self.typecode))

    def __len__(self) -> int:
        return len(self.lengths) // array(self.typecode).itemsize

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._starts is None:
            self._starts = list(accumulate(array(self.typecode, self.lengths), initial=0))
        starts = self._starts
        if index < 0:
            index += len(starts) - 1
        if not 0 <= index < len(starts) - 1:
            raise IndexError(index)
        return self.blob[starts[index] : starts[index + 1]]

    def __iter__(self) -> Iterator[bytes]:
        start = 0
        for length in array(self.typecode, self.lengths):
            yield self.blob[start : start + length]
            start += length

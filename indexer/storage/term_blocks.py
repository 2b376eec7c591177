"""A term's posting blocks and term statistics, written as Whoosh 2.7.4's `W3PostingsWriter`
writes them, a whole term at a time, in narrower arrays (`_narrow`) that its reader reads alike;
blocks of fewer than `SMALL_BLOCK` postings keep Whoosh's own tuples.

The codec's postings writer takes a posting at a time, with checks and statistics for each, and
pickles every block with protocol 2. `list_term_bytes` writes a term given as Python lists (the
posting pool's fields); `array_term_bytes` one given as NumPy arrays (the token streams of the
text fields, segment.py), its blocks sliced from the arrays with no object a posting. Both write
the same bytes for the same postings; tests/test_segment.py compares what Whoosh's reader reads
of them with what it reads of its own writer's.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long
from whoosh.util.numeric import length_to_byte

from indexer.storage import deflate
from indexer.storage.packed_values import PackedValues, narrowest_typecode

# Smaller blocks are written uncompressed: zlib's header and CPU buy nothing on a few dozen bytes
# (Whoosh means to skip compression under 20 bytes, but a bug compresses every block).
COMPRESS_MIN_POSTINGS = 16
# Blocks shorter than this keep Whoosh's own form for their id gaps and values, a tuple of ints and
# a tuple of bytes: pickled with pickle's own opcodes, a one-posting block takes 91 bytes and 1.5 us
# against 153 bytes and 3.7 us for a narrow array and a `PackedValues`, each pickled as a call with
# its module's path; a real corpus's terms are mostly such blocks (the shared corpus: 88k of 96k).
SMALL_BLOCK = COMPRESS_MIN_POSTINGS
# Terms shorter than this are made in Python, not NumPy (`_small_term_bytes`): the same bytes.
PYTHON_TERMS = SMALL_BLOCK
# A block's data is pickled with protocol 5, not Whoosh's protocol 2: protocol 2 has no opcode for
# bytes and pickles each posting value as a call to `codecs.encode` on a latin-1 string, which
# took 15x longer to write and 10x longer to read than protocol 5's length-prefixed bytes, and
# three times the space. Whoosh's reader unpickles any protocol.
BLOCK_PICKLE_PROTOCOL = 5

FLUSH_BYTES = 1 << 20  # postings bytes gathered before a write (`PendingWrites`)
_TERMINFO = W3TermInfo._struct  # flags, weight, df, min/max length bytes, max weight, first/last id


def _mini_weights(weights: array[float]) -> object:
    # W3PostingsWriter._mini_weights: None if all are 1.0, one float if all are equal; else the
    # float32 array itself (Whoosh's reader indexes it as it would the tuple of its values), or,
    # when every weight is a whole number (a term's occurrences, unboosted), those numbers in the
    # narrowest unsigned array: see `_narrow`.
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    if len(weights) < SMALL_BLOCK:  # the same test in Python: NumPy's calls cost more here
        counts = [int(weight) for weight in weights if 0 <= weight < 1 << 32 and weight.is_integer()]
        return _narrow_list(counts) if len(counts) == len(weights) else weights
    floats = np.frombuffer(weights, dtype=np.float32)
    whole = floats.astype(np.uint32)
    return _narrow(whole) if (whole == floats).all() else weights


def _narrow(values: np.ndarray) -> array[int]:
    """Unsigned integers as an array of the narrowest type that holds them. Whoosh's reader
    iterates a block's id gaps and indexes its weights, whatever the array's type (a weight comes
    out an int, which its scorers use as they use the float); our readers convert them to NumPy.
    Gaps and counts take one or two bytes where Whoosh writes four: a common bigram's blocks at
    1M clauses, 7.2 -> 5.0 MB unpacked, 1.90 -> 1.68 MB compressed, inflated in 9.0 -> 7.5 ms;
    20 common bigrams of the 100k index decoded for a phrase in 36.6 -> 33.7 ms, as documents for
    a word in 29.7 -> 23.4 ms (search_api/core/postings.py)."""
    typecode = narrowest_typecode(int(values.max()) if len(values) else 0)
    return array(typecode, values.astype(np.dtype(typecode)).tobytes())


def _narrow_list(values: list[int]) -> array[int]:
    """`_narrow` of a short list of unsigned integers (the same array)."""
    return array(narrowest_typecode(max(values, default=0)), values)


class _Term:
    """One term's running statistics and block parts, shared by both writers."""

    def __init__(self) -> None:
        self.parts = [WHOOSH3_HEADER_MAGIC]
        self.total_weight, self.max_weight = 0.0, 0.0
        self.min_length: int | None = None
        self.max_length = 0

    def lengths(self, present: list[int]) -> tuple[int | None, int]:
        """A block's shortest and longest document (`present`: the non-zero lengths)."""
        if not present:
            return None, 0
        block_min, block_max = min(present), max(present)
        self.min_length = block_min if self.min_length is None else min(self.min_length, block_min)
        self.max_length = max(self.max_length, block_max)
        return block_min, block_max

    def block(
        self,
        ids: list[int] | np.ndarray,
        block_weights: array[float],
        block_max_weight: float,
        mini_values: object,
        lengths: tuple[int | None, int],
        last: bool,
        level: int,
    ) -> None:
        """One block: its data pickled (and compressed if worth it) behind its header."""
        self.total_weight += sum(block_weights)
        self.max_weight = max(self.max_weight, block_max_weight)
        # The deltas (the first against 0, as delta_encode does): past `SMALL_BLOCK`, an array, not
        # a tuple of ints (Whoosh's reader iterates either; NumPy reads an array's buffer whole).
        deltas: object
        if len(ids) < SMALL_BLOCK:
            listed = ids if isinstance(ids, list) else ids.tolist()
            deltas = tuple([b - a for a, b in zip([0, *listed], listed, strict=False)])
        else:
            deltas = _narrow(np.diff(np.asarray(ids, dtype=np.int64), prepend=0))
        data = dumps((deltas, _mini_weights(block_weights), mini_values), BLOCK_PICKLE_PROTOCOL)
        compression = level if len(ids) >= COMPRESS_MIN_POSTINGS else 0
        if compression:
            data = deflate.compress(data, compression)
        block_min, block_max = lengths
        header = dumps(
            (
                len(ids),
                int(ids[-1]),
                block_max_weight,
                compression,
                length_to_byte(block_min),
                length_to_byte(block_max),
            ),
            2,
        )
        size = len(header) + len(data)
        self.parts += (pack_int(-size if last else size), header, data)

    def finish(self, postfile: Any, count: int, first: int, last: int) -> bytes:
        """Write the blocks; the term's `W3TermInfo` bytes."""
        start = postfile.tell()
        blob = b"".join(self.parts)
        postfile.write(blob)
        head = _TERMINFO.pack(
            0,
            self.total_weight,
            count,
            length_to_byte(self.min_length),
            length_to_byte(self.max_length),
            self.max_weight,
            first,
            last,
        )
        return head + pack_long(start) + pack_int(len(blob))


def list_term_bytes(
    postfile: Any,
    docs: list[int],
    weights: list[float],
    values: list[bytes],
    lengths: list[int] | None,
    limit: int,
    level: int,
    fixed_size: int | None,
) -> bytes:
    """Write one term's posting blocks as `W3PostingsWriter` does and return its `W3TermInfo`
    bytes: the same pickled block data and header, term statistics and extent, without the
    writer's per-posting and per-call bookkeeping. Blocks of fewer than `COMPRESS_MIN_POSTINGS`
    are stored uncompressed (each block's header says so, and the reader follows it)."""
    term = _Term()
    count = len(docs)
    for low in range(0, count, limit):
        high = min(low + limit, count)
        block_values = [v for v in values[low:high] if v]
        if fixed_size is None:  # one object a block, not a bytes object a posting (packed_values.py)
            mini_values: object = tuple(block_values) if high - low < SMALL_BLOCK else PackedValues.of(block_values)
        elif fixed_size == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        present = [length for length in lengths[low:high] if length] if lengths is not None else []
        term.block(
            docs[low:high],
            array("f", weights[low:high]),
            max(0, max(weights[low:high])),
            mini_values,
            term.lengths(present),
            high == count,
            level,
        )
    return term.finish(postfile, count, docs[0], docs[-1])


def array_term_bytes(
    postfile: Any,
    docs: np.ndarray,
    weights: np.ndarray,
    sizes: np.ndarray,
    values: np.ndarray,
    lengths: np.ndarray | None,
    limit: int,
    level: int,
) -> bytes:
    """`list_term_bytes` for a term of variable-size values given as arrays: its documents
    (ascending), weights (float64), each value's size in bytes, and the values end to end (any
    dtype, in the byte order they are stored in). The same bytes as `list_term_bytes` writes."""
    count = len(docs)
    if count < PYTHON_TERMS and count <= limit:  # one block
        return _small_term_bytes(postfile, docs.tolist(), weights.tolist(), sizes.tolist(), values, lengths, level)
    term = _Term()
    ends = np.cumsum(sizes)
    flat = values.view(np.uint8)
    for low in range(0, count, limit):
        high = min(low + limit, count)
        start = int(ends[low - 1]) if low else 0
        block_sizes = sizes[low:high]
        # An empty value has no length in the block, as `list_term_bytes` leaves it out.
        blob = flat[start : int(ends[high - 1])].tobytes()
        mini_values: object = (
            _cut(blob, block_sizes.tolist())
            if high - low < SMALL_BLOCK
            else PackedValues.of_sizes(blob, block_sizes[block_sizes > 0])
        )
        present: list[int] = []
        if lengths is not None:
            block_lengths = lengths[low:high]
            present = block_lengths[block_lengths > 0].tolist()
        block_weights = weights[low:high]
        term.block(
            docs[low:high],
            array("f", block_weights.astype(np.float32).tobytes()),
            max(0, float(block_weights.max())),
            mini_values,
            term.lengths(present),
            high == count,
            level,
        )
    return term.finish(postfile, count, int(docs[0]), int(docs[-1]))


def _small_term_bytes(
    postfile: Any,
    docs: list[int],
    weights: list[float],
    sizes: list[int],
    values: np.ndarray,
    lengths: np.ndarray | None,
    level: int,
) -> bytes:
    """`array_term_bytes` of a term of one small block, in Python: the same bytes. Most of a
    real corpus's terms are such (its segment of the shared corpus: 88k of 96k terms under 16
    postings), on which NumPy's twenty calls cost more than the arithmetic: a one-posting term
    40 -> 12 us, that segment written in 7.5-7.7 -> 4.1-4.3 CPU s (bench/write_terms.py)."""
    term = _Term()
    mini_values = _cut(values.tobytes(), sizes)
    lengths_present = [length for length in lengths.tolist() if length] if lengths is not None else []
    term.block(docs, array("f", weights), max(0, max(weights)), mini_values, term.lengths(lengths_present), True, level)
    return term.finish(postfile, len(docs), docs[0], docs[-1])


def _cut(blob: bytes, sizes: list[int]) -> tuple[bytes, ...]:
    """A small block's values, end to end in `blob`, as Whoosh's tuple of the non-empty ones."""
    ends = list(accumulate(sizes))
    return tuple(blob[end - size : end] for end, size in zip(ends, sizes, strict=True) if size)


class PendingWrites:
    """The postings file as a term's writer sees it (`tell`, `write`), its writes gathered into
    pieces of `FLUSH_BYTES`: a term's blocks are one write, and a real corpus's many small terms
    were as many writes through three of Whoosh's file objects."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._parts: list[bytes] = []
        self._pending = 0
        self._position = file.tell()

    def tell(self) -> int:
        return self._position

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._pending += len(data)
        self._position += len(data)
        if self._pending >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._file.write(b"".join(self._parts))
            self._parts, self._pending = [], 0

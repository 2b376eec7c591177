"""How a text field stores each posting's positions: packed 32-bit integers.

Whoosh's `Positions` format stores a posting's positions as a 4-byte count followed by a pickle
of their deltas: one `pickle.dumps` per posting when indexing and one `pickle.loads` when a
phrase is matched. `PackedPositions` stores them as little-endian unsigned 32-bit integers, so
a block of postings decodes with one `numpy.frombuffer` (search_api/core/postings.py), the value of
a one-position posting is 4 bytes instead of 15, and encoding is a C call. The frequency is the
value's length / 4. Everything else (weights, blocks, lengths) is Whoosh's.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh import fields, formats

from analyzers.chain import is_word_chain
from analyzers.word_tokens import word_stream
from indexer.storage.posting_columns import PostingColumns
from indexer.storage.token_streams import STREAM_VALUE_DTYPE, stream_columns

# array("I") is 4 bytes on every platform Python supports; the bytes are little-endian below.
_UINT32 = "I"
assert array(_UINT32).itemsize == 4
_BIG_ENDIAN = sys.byteorder == "big"
_ONE_POSITION = struct.Struct("<I")
# A field's tokens in one document: each token's term and position, in the analyzer's order.
PostingStream = tuple[Sequence[str], Sequence[int]]
# The segment writer packs a stream's positions itself, as this format does.
assert STREAM_VALUE_DTYPE == "<u4" and _ONE_POSITION.format == "<I"


class PackedPositions(formats.Positions):
    """`Positions` with each posting's positions packed as little-endian uint32."""

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1:  # most postings of a clause: one struct call, no format to parse
            return _ONE_POSITION.pack(poslist[0])
        return struct.pack(f"<{len(poslist)}I", *poslist)

    def word_values(self, value: str, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        """`Positions.word_values` with less bookkeeping per token: a token's boost is only
        added up when it is not 1 (our analyzers never set one)."""
        positions: defaultdict[str, list[int]] = defaultdict(list)
        extra_boost: defaultdict[str, float] = defaultdict(float)
        kwargs["positions"] = True
        kwargs["boosts"] = True
        tokens = formats.tokens(value, analyzer, kwargs)
        for token in tokens:
            positions[token.text].append(token.pos)
            if token.boost != 1.0:
                extra_boost[token.text] += token.boost - 1.0
        field_boost = self.field_boost
        for word, found in positions.items():
            weight = len(found) + extra_boost[word] if word in extra_boost else len(found)
            yield word, len(found), weight * field_boost, self.encode(found)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array(_UINT32)
        packed.frombytes(valuestring)
        if _BIG_ENDIAN:
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring) * self.field_boost)

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(position, 1.0) for position in self.decode_positions(valuestring)]


class PackedText(fields.TEXT):
    """A `TEXT` field (phrases allowed) storing its positions as `PackedPositions`. A field
    analysed by the word chain is indexed through its one-loop form (analyzers/word_tokens.py)."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        boost: float = self.format.field_boost  # type: ignore[has-type]  # set by Whoosh's TEXT
        self.format = PackedPositions(field_boost=boost)

    def index(self, value: object, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        columns = self.posting_columns(value) if not kwargs or kwargs == {"mode": "index"} else None
        if columns is None:
            return super().index(value, **kwargs)
        terms, frequencies, weights, values, lengths = columns
        ends = list(accumulate(lengths))
        return (
            (term, frequency, weight, values[end - length : end])
            for term, frequency, weight, end, length in zip(terms, frequencies, weights, ends, lengths, strict=True)
        )

    def posting_stream(self, value: object) -> PostingStream | None:
        """A document's tokens in this field as (terms, positions), in the analyzer's order: the
        segment writer's fast path (indexer/storage/token_streams.py); None where the field's
        analyzer is not the word chain (Whoosh's `index` then)."""
        if not isinstance(value, str) or not is_word_chain(self.analyzer):
            return None
        return word_stream(value)

    def posting_columns(self, value: object) -> PostingColumns | None:
        """The postings `posting_stream` gives, grouped by term as columns (`index`)."""
        stream = self.posting_stream(value)
        return None if stream is None else stream_columns(*stream, self.format.field_boost)

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
from collections.abc import Iterator
from typing import Any

from whoosh import fields, formats

from analyzers.chain import is_word_chain
from analyzers.word_tokens import word_positions

# array("I") is 4 bytes on every platform Python supports; the bytes are little-endian below.
_UINT32 = "I"
assert array(_UINT32).itemsize == 4
_BIG_ENDIAN = sys.byteorder == "big"
_ONE_POSITION = struct.Struct("<I")


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
        if not isinstance(value, str) or kwargs not in ({}, {"mode": "index"}) or not is_word_chain(self.analyzer):
            return super().index(value, **kwargs)
        boost, encode = self.format.field_boost, self.format.encode
        return (
            (word.encode("utf-8"), len(found), len(found) * boost, encode(found))
            for word, found in word_positions(value).items()
        )

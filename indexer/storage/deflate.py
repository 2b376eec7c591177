"""The zlib streams of an index's posting blocks, written and read by ISA-L.

Whoosh compresses each posting block of 16 postings or more (and each record's stored fields) with
the standard library's zlib at level 3. ISA-L (python-isal) writes and reads the same format (a
zlib stream: any zlib reads what it writes, and it reads what zlib wrote), faster. bench/deflate.py
on the SYNTHETIC 100k index, level 3: 3,000 posting blocks written in 149 ms against zlib's 572,
2 % smaller, read in 56 against 98. Stored records are compressed here too, pickled with
protocol 5, which more than makes up for ISA-L's 3 % larger streams (stored_fields.py). An index
written before reads as it did.
"""

from __future__ import annotations

from isal import isal_zlib

# ISA-L's levels run from 0 to 3; Whoosh's codec asks for 3 (its default), zlib's scale.
_TOP_LEVEL = 3


def compress(data: bytes, level: int) -> bytes:
    """`zlib.compress(data, level)`, ISA-L's level for zlib's (the same stream format)."""
    return isal_zlib.compress(data, min(level, _TOP_LEVEL))


def decompress(data: bytes) -> bytes:
    """`zlib.decompress`: any zlib stream, whichever library wrote it."""
    return isal_zlib.decompress(data)

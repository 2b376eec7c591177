"""Whoosh's segment files read in place from their memory map, not copied.

Whoosh 2.7.4 maps each segment's compound file (`.seg`) and opens each of its parts as a
`BufferFile`, whose `BytesIO(buf)` copies the part into the process's memory: every searcher (each
lane of each worker) held its own copy of every posting list and term table, 1.2 GB a searcher at a
million clauses. `MappedFile` is the same file object reading from a view of the map, so the pages
are the page cache's, read on demand and shared by every searcher on the machine.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

PEEK_BYTES = 256  # a posting block's header pickle fits; more would copy bytes no one reads


class _ViewReader:
    """A read-only, seekable file over a memoryview, copying only what each read returns."""

    __slots__ = ("_position", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def peek(self, size: int = 0) -> bytes:
        """Bytes ahead without moving: the C unpickler reads a small pickle (a block's header)
        in one `peek` and one `read` instead of a `read` an opcode."""
        start = self._position
        return bytes(self._view[start : min(start + max(1, min(size, PEEK_BYTES)), len(self._view))])

    def readinto(self, target: bytearray | memoryview) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._position
        limit = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        end = start
        while end < limit and self._view[end] != 0x0A:
            end += 1
        return self.read(min(end + 1, limit) - start)

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + position)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        pass  # the map belongs to the compound storage, which closes it

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


class MappedFile(BufferFile):
    """Whoosh's `BufferFile` without the copy: reads come from the view of the map."""

    def __init__(self, buf: memoryview, name: str | None = None, onclose: object = None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf)


def install() -> None:
    """Make Whoosh's compound storage open its parts as `MappedFile`s."""
    compound.BufferFile = MappedFile

"""What a file is, by its bytes: the content hash that incremental indexing and resumed fetches
both compare; and writing one whole or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    """The process's umask, read from /proc (setting it to read it would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def write_atomically(path: Path, write: Callable[[BinaryIO], object], prefix: str = ".tmp-", suffix: str = "") -> None:
    """Write `path` through `write` into a temporary file of the same folder (`prefix`, `suffix`:
    how a later run knows leftovers), flushed to disk, then renamed into place: a reader sees the
    old file or the whole new one, and a killed run leaves only the temporary file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        # mkstemp makes the file 0600; a written file gets the mode the umask gives any new file,
        # so a service running as another user can read what was fetched or prepared.
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

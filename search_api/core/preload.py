"""A generation's files read into the page cache when the service warms it, as Elasticsearch's
`index.store.preload` does: after a reboot, or on a replica whose files nobody has read yet, a
first query otherwise waits for the disk (at 1M SYNTHETIC clauses with the cache dropped, the
slowest first words query 111 ms against 40, a clause's precedents 158 against 23).

`posix_fadvise(WILLNEED)` asks the kernel to read each file ahead, without copying it into the
process or mapping it (the service's memory is unchanged; a file already cached costs a look-up),
and returns before the reads are done (1.6 GB asked for in 0.3 s, read in under 3 s). Only as
much as half the memory the system has available is asked for, the search arrays first (every
query reads some), then the segments.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from whoosh.searching import Searcher

PRELOAD_SHARE = 0.5  # of the memory available: the page cache is the machine's, not ours
# A call a piece: Linux reads ahead only so much of one call's range (on this machine's ext4,
# one call on each of 1.6 GB of segments cached 116 MB; in 8 MB pieces, all of it).
PRELOAD_CHUNK = 8 * 2**20
log = logging.getLogger("ga_search.arrays")


def generation_files(searcher: Searcher, index_dir: Path, arrays: Path | None) -> list[Path]:
    """The files a searcher reads: its generation's search arrays, then its segments' files."""
    found = sorted(p for p in arrays.iterdir() if p.is_file() and not p.name.startswith(".")) if arrays else []
    for leaf, _ in searcher.leaf_searchers():
        segment = leaf.reader().segment()
        if segment is not None:  # None: an empty index
            found += sorted(index_dir.glob(f"{segment.segment_id()}.*"))  # `MAIN_<id>.seg`
    return found


def available_memory() -> int | None:
    """MemAvailable of /proc/meminfo in bytes (None where there is none)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def preload(paths: Iterable[Path], budget: int | None = None) -> int:
    """Ask the kernel to read `paths` into the page cache, in order, up to `budget` bytes (default
    `PRELOAD_SHARE` of the available memory); the bytes asked for. Nothing where the platform
    has no `posix_fadvise`."""
    if not hasattr(os, "posix_fadvise"):
        return 0
    if budget is None:
        available = available_memory()
        if available is None:
            return 0
        budget = int(PRELOAD_SHARE * available)
    asked = 0
    for path in paths:
        try:
            size = path.stat().st_size
            if asked + size > budget:
                break
            fd = os.open(path, os.O_RDONLY)
            try:
                for offset in range(0, size, PRELOAD_CHUNK):
                    os.posix_fadvise(fd, offset, min(PRELOAD_CHUNK, size - offset), os.POSIX_FADV_WILLNEED)
            finally:
                os.close(fd)
        except OSError as error:  # removed meanwhile (a merge), or unreadable: the rest still helps
            log.debug("not preloaded: %s (%s)", path, error)
            continue
        asked += size
    return asked

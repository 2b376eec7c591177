"""The engine's readers of one index: a few lanes, each a Whoosh searcher and its snapshot caches.

A search takes a free lane for its whole run, and the engine's lock only for the moment it checks
for a newer commit (and, if there is one, opens that lane's searcher on it): two searches run at
once on two lanes, and a slow one holds only its own. Lanes, rather than one searcher shared by
threads, because Whoosh's readers keep a file position per open file (seek, then read), which two
threads reading through one reader would corrupt; a lane's searcher and caches are only ever used
by the thread holding it. What a lane derives from its snapshot is not the lane's: the arrays of a
generation are memory-mapped files shared by every lane and process, and decoded postings and
filter masks are in caches shared by the lanes of this process (`Generation`,
search_api/core/shared_arrays.py). There are as many lanes as cores, at most `MAX_LANES`.

Re-entrant within a thread: a search that asks for the engine's version or a stored record while
it holds a lane uses that lane.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh.index import Index
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher

from indexer.manifest import Manifest, check_manifest
from search_api.core.docsets import MASK_BYTES, SnapshotCache
from search_api.core.postings import CACHE_BYTES
from search_api.core.shared_arrays import GenerationArrays, MemoryLRU, generation_folder, searcher_key

MAX_LANES = 4


def default_lanes() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_LANES))


@dataclass
class Lane:
    searcher: Searcher | None = None
    cache: SnapshotCache | None = None
    warm_for: Searcher | None = None  # the searcher whose snapshot this lane's caches were warmed on


@dataclass
class Generation:
    """What the lanes of this process share for one index generation."""

    key: str
    arrays: GenerationArrays
    postings: MemoryLRU
    masks: MemoryLRU


class _Held(threading.local):
    lane: Lane | None = None
    depth: int = 0
    generation: int | None = None  # of the last searcher this thread searched with, until taken


class Snapshots:
    def __init__(self, ix: Index, index_dir: Path, weighting: WeightingModel, lanes: int | None = None) -> None:
        self._ix = ix
        self._index_dir = index_dir
        self._weighting = weighting
        self.manifest: Manifest = check_manifest(index_dir)
        self.lanes = [Lane() for _ in range(lanes or default_lanes())]
        self._free: queue.Queue[Lane] = queue.Queue()
        for lane in self.lanes:
            self._free.put(lane)
        self._lock = threading.Lock()  # held only to look for a newer commit and open it
        self._held = _Held()
        self._busy_since: dict[int, float] = {}  # lane -> when its search began
        self._waiting = 0
        self._count_lock = threading.Lock()
        self._generations: dict[str, Generation] = {}  # the latest two
        self._generations_lock = threading.Lock()

    @contextmanager
    def current(self) -> Iterator[Searcher]:
        """A searcher on the latest commit, this thread's own until the block ends."""
        held = self._held
        if held.lane is not None:  # already inside a search on this thread: the same lane
            held.depth += 1
            try:
                assert held.lane.searcher is not None
                yield held.lane.searcher
            finally:
                held.depth -= 1
            return
        with self._count_lock:
            self._waiting += 1
        try:
            lane = self._free.get()
        finally:
            with self._count_lock:
                self._waiting -= 1
        held.lane, held.depth = lane, 1
        self._busy_since[id(lane)] = time.monotonic()
        try:
            with self._lock:
                if lane.searcher is None or not lane.searcher.up_to_date():
                    self.manifest = check_manifest(self._index_dir)
                    # A new searcher on the latest commit (not `refresh()`: whoosh3's keeps readers of
                    # segments that the commit merged away, and counts their documents twice).
                    previous, lane.searcher = lane.searcher, self._ix.searcher(weighting=self._weighting)
                    lane.cache = None
                    if previous is not None:
                        previous.close()
            held.generation = lane.searcher.reader().generation()
            yield lane.searcher
        finally:
            held.lane, held.depth = None, 0
            self._busy_since.pop(id(lane), None)
            self._free.put(lane)

    def take_generation(self) -> int | None:
        """The generation this thread last searched, once: what an answer made from that search
        was read from (None when the thread has not searched since it last asked)."""
        held = self._held
        generation, held.generation = held.generation, None
        return generation

    def load(self) -> dict[str, float | int]:
        """How busy the lanes are: all busy with searches waiting, or one search holding a lane
        for long, is what `/healthz` reports as saturated."""
        now = time.monotonic()
        started = list(self._busy_since.values())
        return {
            "lanes": len(self.lanes),
            "busy": len(started),
            "waiting": self._waiting,
            "longest_busy_s": round(max((now - t for t in started), default=0.0), 3),
        }

    def held(self) -> Lane:
        """The lane this thread holds (inside `current`)."""
        lane = self._held.lane
        if lane is None:
            raise RuntimeError("no snapshot held: use the engine's _current() first")
        return lane

    def cache(self, searcher: Searcher) -> SnapshotCache:
        """The held lane's caches for `searcher`'s snapshot, made on first use."""
        lane = self.held()
        if lane.cache is None or lane.cache.searcher is not searcher:
            shared = self.generation(searcher)
            lane.cache = SnapshotCache(searcher, shared.arrays, shared.postings, shared.masks)
        return lane.cache

    def generation(self, searcher: Searcher) -> Generation:
        """The shared caches of `searcher`'s generation (made on first use; the older ones but
        the previous dropped)."""
        key = searcher_key(searcher)
        with self._generations_lock:
            found = self._generations.get(key)
            if found is None:
                arrays = GenerationArrays(generation_folder(self._index_dir, key))
                found = Generation(key, arrays, MemoryLRU(CACHE_BYTES), MemoryLRU(MASK_BYTES))
                self._generations[key] = found
                while len(self._generations) > 2:
                    del self._generations[next(iter(self._generations))]
            return found

    def close(self) -> None:
        for lane in self.lanes:
            if lane.searcher is not None:
                lane.searcher.close()

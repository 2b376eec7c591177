"""What a search derives from one index generation, computed once and shared by every reader.

The facet columns as codes, the record-to-resolution map, field lengths, sort orders, the band keys
and the shingle index of precedents depend only on the committed generation. Each is computed
once, by whichever process first needs it, saved as a raw array file under
`<index>/snapshots/<generation key>/`, and memory-mapped read-only from then on: every search lane
and every worker process (`ga-search serve --workers N`) reads the same pages of the page cache
instead of holding its own copy, and a service that starts on a prepared generation (`ga-search
index` prepares it) answers its first query without computing any of it.

A generation's key is a digest of its segments and their deletions (indexer/storage/index.py): a
rebuilt index starts again at generation 0 but never with the same segments, and a replica that a
generation was published to (with its arrays) finds them under the same key. Writes are a
temporary file renamed into place, under an `fcntl` lock a value, so two workers do not compute the
same array twice (and may compute two different ones at once); a folder that cannot be written (a
read-only replica) keeps the arrays in memory.
Folders of older generations are removed when a newer one is made, except the one before, which
a reader may still be on (and an open mapping outlives its file's removal).

Decoded postings depend on the queries asked: each process keeps them in one byte-bounded LRU per
generation shared by its lanes (`MemoryLRU`), and a term's decoded list of `SHARED_TERM_BYTES` or
more (a common word's postings or positions: tens of milliseconds to decode) is also saved here
(`shared_term`, off the search's path), up to `SHARED_TERMS_MAX_BYTES` a generation, so another
worker, or the service after a restart, maps it instead of decoding it again. The commonest terms'
positions are saved before any search asks (`save_term`: the warm-up's helper,
search_api/core/preparing.py). Filter masks stay in each process.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import pickle
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.files import write_atomically
from indexer.storage.index import SNAPSHOTS_FOLDER, generation_key
from search_api.core.background_saves import SAVES

SHARED_TERM_BYTES = 1 * 2**20
SHARED_TERMS_MAX_BYTES = 2 * 2**30
TERM_PREFIX = "term-"
log = logging.getLogger("ga_search.arrays")


def searcher_key(searcher: Searcher) -> str:
    """The generation key (indexer/storage/index.py) of the snapshot a searcher reads."""
    segments = (leaf.reader().segment() for leaf, _ in searcher.leaf_searchers())
    return generation_key(segment for segment in segments if segment is not None)  # None: an empty index


class GenerationArrays:
    """The derived arrays of one generation: `get(name, compute)` gives the saved value, or
    computes, saves and maps it. A value is an array, a list of Python values (a column's
    distinct values, pickled), or a tuple of those. With no folder, everything stays in memory."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._loaded: dict[str, Any] = {}
        # A lock a value, so that two threads (or processes: `_file_lock`) make two different values
        # at once; computing one value may need another (the owner map needs the doc_id codes),
        # never the other way round, so taking the second's lock inside the first's cannot deadlock.
        self._locks: dict[str, threading.RLock] = {}
        self._locks_lock = threading.Lock()
        self._term_bytes = sum(p.stat().st_size for p in folder.glob(f"{TERM_PREFIX}*")) if folder else 0

    def get(self, name: str, compute: Callable[[], Any]) -> Any:
        found = self._loaded.get(name)
        if found is None:
            with self._lock(name):
                found = self._loaded.get(name)
                if found is None:
                    found = self._loaded[name] = self._load_or_make(name, compute)
        return found

    def shared_term(
        self,
        key: tuple[str, bytes, str],
        decode: Callable[[], Any],
        nbytes: Callable[[Any], int],
        saved: Callable[[Any, int], None] | None = None,
    ) -> Any:
        """A term's decoded postings (`key`: field, term, kind): mapped from the folder if a process
        saved them, else decoded and returned at once; if large, saved meanwhile by the background
        thread (search_api/core/background_saves.py), which then hands the mapped value and its size
        to `saved` (the caller's LRU swaps its private copy for the shared pages). Not kept here:
        the caller's LRU holds what it uses."""
        name = _term_name(key)
        if self.folder is not None and (self.folder / f"{name}.parts").exists():
            return _load(self.folder, name)
        value = decode()
        size = nbytes(value)
        with self._locks_lock:
            if self.folder is None or size < SHARED_TERM_BYTES or self._term_bytes + size > SHARED_TERMS_MAX_BYTES:
                return value
            self._term_bytes += size

        def save() -> None:
            with self._lock(name):
                mapped = self._load_or_make(name, lambda: value)
            if saved is not None and self.folder is not None:  # None: kept in memory, nothing mapped
                saved(mapped, size)

        if not SAVES.submit(save, size):  # too many saves waiting: this one is left to a later decode
            with self._locks_lock:
                self._term_bytes -= size
        return value

    def term_saved(self, key: tuple[str, bytes, str]) -> bool:
        """Whether a term's array (`key` as `shared_term`'s) is saved in the folder."""
        return self.folder is not None and (self.folder / f"{_term_name(key)}.parts").exists()

    def save_term(self, key: tuple[str, bytes, str], decode: Callable[[], np.ndarray]) -> int:
        """Decode and save a term's array now, for every process to map, keeping nothing in memory
        (the warm-up's preparing of the commonest lists, chosen large); the bytes saved, 0 if it was
        saved before, would pass `SHARED_TERMS_MAX_BYTES`, or there is no folder."""
        if self.folder is None or self.term_saved(key):
            return 0
        name = _term_name(key)
        with self._lock(name):
            made: list[int] = []

            def make() -> np.ndarray:
                value = decode()
                size = int(value.nbytes)
                with self._locks_lock:
                    if self._term_bytes + size > SHARED_TERMS_MAX_BYTES:
                        raise _NotSaved
                    self._term_bytes += size
                made.append(size)
                return value

            try:
                self._load_or_make(name, make)
            except _NotSaved:
                return 0
        return made[0] if made else 0

    def _lock(self, name: str) -> threading.RLock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.RLock())

    def names(self) -> set[str]:
        """The values this process has loaded or made."""
        return set(self._loaded)

    def array(self, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        return self.get(name, compute)

    def _load_or_make(self, name: str, compute: Callable[[], Any]) -> Any:
        if self.folder is None:
            return compute()
        index = self.folder / f"{name}.parts"  # written last: the parts before it are whole
        if not index.exists():
            made: list[Any] = []
            try:
                with _file_lock(self.folder, name):
                    if not index.exists():  # another process may have made it meanwhile
                        made.append(compute())
                        _save(self.folder, name, made[0])
            except OSError as error:  # a read-only or full disk: keep it in memory, computed once
                log.warning("cannot save %s (%s): kept in memory", index, error)
                self.folder = None
                return made[0] if made else compute()
        return _load(self.folder, name)


class MemoryLRU:
    """A byte-bounded, thread-safe cache of arrays (decoded postings, filter masks) for one
    generation, shared by the lanes of one process."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def replace(self, key: Any, value: Any, nbytes: int) -> None:
        """Put `value` in place of what `key` holds (its place kept), or in as `put` does: a term's
        mapped postings for the private copy decoded before they were saved (which the search that
        decoded it may not have put here yet)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items[key] = (value, nbytes)
                self.bytes += nbytes - found[1]
                return
        self.put(key, value, nbytes)

    def put(self, key: Any, value: Any, nbytes: int) -> Any:
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, nbytes)
                self.bytes += nbytes
                while self.bytes > self.max_bytes and len(self._items) > 1:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self.bytes -= dropped
        return value


class _NotSaved(Exception):
    """A value `save_term` decoded and found past the generation's bound."""


def _term_name(key: tuple[str, bytes, str]) -> str:
    return TERM_PREFIX + hashlib.sha1(repr(key).encode()).hexdigest()


def generation_folder(index_dir: Path, key: str) -> Path | None:
    """The folder for one generation's arrays, made if missing (None if it cannot be: read-only);
    making one removes those of generations before the previous."""
    root = index_dir / SNAPSHOTS_FOLDER
    folder = root / key
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot make %s (%s): derived arrays kept in memory", folder, error)
        return None
    others = sorted((p for p in root.iterdir() if p.is_dir() and p != folder), key=lambda p: p.stat().st_mtime)
    for stale in others[:-1]:
        shutil.rmtree(stale, ignore_errors=True)
    return folder


@contextmanager
def _file_lock(folder: Path, name: str) -> Iterator[None]:
    """Another process's making of the same value is waited for; of another value, not. A file a
    value (`flock` locks an open file, so a value made inside another's must not share its file)."""
    with open(folder / f".lock-{name}", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# An array is saved as its raw bytes (`.bin`), its dtype and shape in the value's `.parts` list: not
# as `.npy`, whose header NumPy reads with `ast.literal_eval`, and CPython 3.11 before 3.11.8 fails
# ("AST constructor recursion depth mismatch") when two threads build ASTs at once (gh-106905): two
# search lanes loading arrays, or a lane and an import.


def _save(folder: Path, name: str, value: Any) -> None:
    parts = value if isinstance(value, tuple) else (value,)
    described: list[tuple[str, str | None, tuple[int, ...] | None]] = []
    for number, part in enumerate(parts):
        if isinstance(part, np.ndarray):
            array = np.ascontiguousarray(part)
            write_atomically(folder / f"{name}.{number}.bin", array.tofile)
            described.append((".bin", array.dtype.str, array.shape))
        else:
            _write_pickle(folder / f"{name}.{number}.pickle", part)
            described.append((".pickle", None, None))
    _write_pickle(folder / f"{name}.parts", ("tuple" if isinstance(value, tuple) else "one", described))


def _write_pickle(path: Path, value: Any) -> None:
    write_atomically(path, lambda out: pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL))


def _load(folder: Path, name: str) -> Any:
    kind, described = _read_pickle(folder / f"{name}.parts")
    parts = tuple(
        _read_array(folder / f"{name}.{number}{suffix}", dtype, shape)
        if suffix == ".bin"
        else _read_pickle(folder / f"{name}.{number}{suffix}")
        for number, (suffix, dtype, shape) in enumerate(described)
    )
    return parts if kind == "tuple" else parts[0]


def _read_array(path: Path, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if not int(np.prod(shape)):  # nothing to map
        return np.zeros(shape, dtype=dtype)
    # A plain ndarray over the map: np.memmap's own indexing is slower.
    return np.asarray(np.memmap(path, dtype=np.dtype(dtype), mode="r", shape=shape))


def _read_pickle(path: Path) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)  # our own file, written by _write_pickle

"""Work on a new generation done by helper processes: the precedents' arrays beside a build's
warm-up (`SearchEngine.prepare`), and the commonest terms' positions for every warm-up.

A helper is a fresh interpreter, `python -m search_api.core.preparing JOB INDEX_DIR ...`: not a `fork`
(the service has threads, which it would copy half-way), nor a `multiprocessing` child (which
imports the caller's main module again, and a script that embeds the engine without a `__main__`
guard cannot bear that). It saves what it makes under the generation's folder
(search_api/core/shared_arrays.py), each value under its own lock, and the processes that search
map the files; should it fail or run out of time, what it did not save is made by whoever needs it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from indexer.storage.index import INDEX_NAME
from search_api.core import ranking, warming
from search_api.core.docsets import SnapshotCache
from search_api.core.snapshots import Snapshots

# From this many records `prepare` makes the precedents' arrays in a second process: below it, the
# process's start (imports, the index opened: about a second of CPU) costs more than it saves.
PARALLEL_PREPARE_RECORDS = 200_000
PREPARE_HELPER_GRACE_SECONDS = 30.0  # after the warm-up, for the helper to end by itself
# The positions' helper: 2-3 s at 1M clauses (start, 460 MB decoded and saved); past this it is
# stopped, and what it had not saved is decoded by the first search that needs it.
POSITIONS_HELPER_SECONDS = 300.0
log = logging.getLogger("ga_search.preparing")


def prepare_generation(index_dir: Path, warm: Callable[[], None], records: int) -> None:
    """The engine's `warm` after a build (`ga-search index`), so that a service starting on the new generation
    finds its arrays made. With `records` (the index's documents and clauses) from
    `PARALLEL_PREPARE_RECORDS` and a second core, the precedents' arrays (the band keys and the
    shingle index: two fifths of the work) are made at the same time by a helper; this process
    finds them made, or waits for them (each array has its own lock), or makes them itself."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if records < PARALLEL_PREPARE_RECORDS or cores < 2:
        warm()
        return
    helper = _start("precedents", str(index_dir))
    try:
        warm()
    finally:
        # Every array is saved now (made here or mapped from the helper's): the helper has
        # nothing left to add but its own loading, which nobody waits for.
        _end(helper, PREPARE_HELPER_GRACE_SECONDS)


def prepare_positions_in_helper(index_dir: Path, searcher: Searcher, cache: SnapshotCache) -> bool:
    """Have a helper save the positions `warming.positions_to_prepare` lists, and wait for it
    (nothing started if every one is saved already); True if one ran. Decoding them in this process
    had left it holding the segments' pages it read (maximum resident 269 -> 493 MB at 1M clauses)
    and its next first searches slower (a common word's: 40 -> 60 ms)."""
    occurrences, budget = warming.PREPARED_OCCURRENCES, warming.PREPARED_BYTES  # read now: tests lower them
    if not warming.positions_to_prepare(searcher, cache, occurrences, budget):
        return False
    _end(_start("positions", str(index_dir), str(occurrences), str(budget)), POSITIONS_HELPER_SECONDS)
    return True


def _start(*arguments: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", __name__, *arguments], stdin=subprocess.DEVNULL)


def _end(helper: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait up to `seconds` for a helper, then stop it; a failure is logged, not raised."""
    try:
        helper.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()
    if helper.returncode:
        log.warning("a helper ended with %s (its error is above): %s", helper.returncode, helper.args)


def run_helper(arguments: list[str]) -> None:
    """A helper's job: `precedents INDEX_DIR` or `positions INDEX_DIR OCCURRENCES BUDGET`, on the
    latest commit (opened as the engine opens it, one lane)."""
    job, index_dir, *numbers = arguments
    if job not in ("precedents", "positions"):
        raise SystemExit(f"unknown job {job!r}: precedents or positions")
    snapshots = Snapshots(whoosh_index.open_dir(index_dir, INDEX_NAME), Path(index_dir), ranking.weighting(), 1)
    with snapshots.current() as searcher:
        cache = snapshots.cache(searcher)
        if job == "precedents":
            cache.band_keys()
            cache.shingle_index()
        else:
            occurrences, budget = (int(number) for number in numbers)
            warming.prepare_positions(searcher, cache, occurrences, budget)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    run_helper(sys.argv[1:])

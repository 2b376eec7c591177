"""Saves that a search starts and does not wait for: a common term's decoded postings, written to the
generation's folder for other processes (search_api/core/shared_arrays.py `shared_term`).

Such a save writes three files, each flushed to disk (indexer/files.py `write_atomically`): at 1M
clauses 10-45 ms a term on this machine, which had been most of a first query's time. One thread a
process does them in turn, so a search returns as soon as its terms are decoded. The work waiting
is bounded (`MAX_PENDING` saves, `MAX_PENDING_BYTES` of values they hold): past it a save is not
started (the term stays decoded in the process's memory and is saved the next time it is decoded).
The thread is not a daemon: a process that exits finishes the few saves queued (each a temporary
file renamed into place, so a killed one leaves no half-written value) instead of dropping them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

MAX_PENDING = 16
MAX_PENDING_BYTES = 256 * 2**20
log = logging.getLogger("ga_search.arrays")


class BackgroundSaves:
    """One thread that runs save jobs in the order given, with a bound on what waits."""

    def __init__(self, max_pending: int = MAX_PENDING, max_pending_bytes: int = MAX_PENDING_BYTES) -> None:
        self.max_pending, self.max_pending_bytes = max_pending, max_pending_bytes
        self._lock = threading.Lock()
        self._pending = 0
        self._pending_bytes = 0
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None

    def submit(self, job: Callable[[], None], nbytes: int) -> bool:
        """Queue `job` (which holds `nbytes` of values until it ends); False if the bound is reached,
        and then nothing is queued."""
        with self._lock:
            if self._pending >= self.max_pending or self._pending_bytes + nbytes > self.max_pending_bytes:
                return False
            self._pending += 1
            self._pending_bytes += nbytes
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background-saves")
            self._last = self._executor.submit(self._run, job, nbytes)
            return True

    def _run(self, job: Callable[[], None], nbytes: int) -> None:
        try:
            job()
        except Exception:  # a save is an optimisation: its failure must not end the thread's work
            log.exception("a background save failed")
        finally:
            with self._lock:
                self._pending -= 1
                self._pending_bytes -= nbytes

    def wait(self) -> None:
        """Return once every job queued before the call has ended (one thread: the last one's end)."""
        with self._lock:
            last = self._last
        if last is not None:
            last.result()

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending


SAVES = BackgroundSaves()

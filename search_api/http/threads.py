"""The threads the service's searches run on (every endpoint that takes a search lane: a search, a
document, precedents, a draft's check), off the event loop so that `/healthz` and other requests
are answered while they run.

As many threads as the engine has search lanes (search_api/core/snapshots.py): more could only
wait for a lane, and under load they did not wait idle. Each ran its request's parsing, rendering
and JSON outside a lane, so 16 clients kept up to 16 threads contending for the interpreter:
with Starlette's thread pool (anyio's, 40 threads) a search request cost 2.4-2.6 ms of CPU, here
2.0-2.5, the clients' p95 81-89 ms, here 49-62 (bench/load.py, seeds, 16 clients, one worker,
three alternated pairs). A request beyond the lanes waits in this pool's queue, first come first
served, and `waiting` counts it for `/healthz`.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from search_api.core.snapshots import default_lanes

P = ParamSpec("P")
R = TypeVar("R")


class SearchThreads:
    """A fixed pool of threads for searches called from the event loop, counting the calls that
    wait for a thread."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="ga-search-search")
        self._waiting = 0
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """Calls handed to the pool that no thread has started yet."""
        return self._waiting

    async def run(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """`function(*args, **kwargs)` on one of the threads, in this task's context (as
        `asyncio.to_thread` copies it)."""
        context = contextvars.copy_context()

        def started() -> R:
            with self._lock:
                self._waiting -= 1
            return context.run(function, *args, **kwargs)

        with self._lock:
            self._waiting += 1
        future = self._pool.submit(started)
        future.add_done_callback(self._forget_if_cancelled)
        return await asyncio.wrap_future(future)

    def _forget_if_cancelled(self, future: Future[Any]) -> None:
        # A call cancelled before a thread took it (its client went away) waits no more.
        if future.cancelled():
            with self._lock:
                self._waiting -= 1


SEARCH_THREADS = SearchThreads(default_lanes())

"""A request's budget of CPU time, checked where a search's work loops (each query node evaluated,
each hit rendered, each paragraph of a draft checked): a request past it ends with a clear error
(HTTP 503) instead of holding a search lane. Python cannot stop a thread from outside, so the
checks are the work's own; every input is bounded too, so the steps between checks are short."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from indexer.errors import GaSearchError

# CPU seconds one request (a search, a document, precedents, a draft check) may use.
REQUEST_CPU_SECONDS = 10.0
_DEADLINE: ContextVar[float | None] = ContextVar("ga_search_deadline", default=None)


class RequestTooCostly(GaSearchError):
    """The request used its CPU budget."""


@contextmanager
def cpu_budget(seconds: float | None = None) -> Iterator[None]:
    """Give the work inside a budget of CPU seconds (this thread's), unless an outer one is set."""
    if _DEADLINE.get() is not None:
        yield
        return
    token = _DEADLINE.set(time.thread_time() + (REQUEST_CPU_SECONDS if seconds is None else seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_budget() -> None:
    """Raise `RequestTooCostly` once the request's CPU budget is spent."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.thread_time() > deadline:
        raise RequestTooCostly(
            f"this request used its {REQUEST_CPU_SECONDS:g} s of CPU time: narrow the query or the draft"
        )

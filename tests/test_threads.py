"""The service's search threads (search_api/http/threads.py): one a search lane, calls beyond
them wait in order and are counted for /healthz, and each call runs in its task's context."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from pathlib import Path

import pytest

from search_api.core.snapshots import default_lanes
from search_api.engine import SearchEngine
from search_api.http import app as app_module
from search_api.http.threads import SEARCH_THREADS, SearchThreads


def test_the_service_has_one_search_thread_a_search_lane(seed_index: Path) -> None:
    engine = SearchEngine(seed_index)
    assert SEARCH_THREADS.threads == default_lanes() == engine.health()["search_lanes"]["lanes"]


def test_calls_beyond_the_threads_wait_and_are_counted_until_a_thread_takes_them() -> None:
    pool = SearchThreads(1)
    running, release = threading.Event(), threading.Event()
    order: list[str] = []

    def hold() -> str:
        running.set()
        release.wait(30)
        order.append("first")
        return "first"

    def second() -> str:
        order.append("second")
        return "second"

    async def scenario() -> tuple[str, str, int, int]:
        first = asyncio.ensure_future(pool.run(hold))
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 30)
        queued = asyncio.ensure_future(pool.run(second))
        await asyncio.sleep(0)
        waiting_while_held = pool.waiting
        release.set()
        results = await asyncio.gather(first, queued)
        return results[0], results[1], waiting_while_held, pool.waiting

    first, second_result, waiting_while_held, waiting_after = asyncio.run(scenario())
    assert (first, second_result) == ("first", "second") and order == ["first", "second"]
    assert waiting_while_held == 1 and waiting_after == 0


def test_a_call_cancelled_before_a_thread_took_it_is_no_longer_counted() -> None:
    pool = SearchThreads(1)
    running, release = threading.Event(), threading.Event()

    async def scenario() -> tuple[int, int]:
        first = asyncio.ensure_future(pool.run(lambda: (running.set(), release.wait(30))))
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 30)
        queued = asyncio.ensure_future(pool.run(lambda: None))
        await asyncio.sleep(0)
        before = pool.waiting
        queued.cancel()  # its client went away
        with contextlib.suppress(asyncio.CancelledError):
            await queued  # ended: its call was withdrawn from the pool while the thread was held
        release.set()
        await first
        return before, pool.waiting

    assert asyncio.run(scenario()) == (1, 0)


def test_a_call_sees_the_context_of_the_task_that_made_it() -> None:
    variable: contextvars.ContextVar[str] = contextvars.ContextVar("variable", default="unset")

    async def scenario() -> str:
        variable.set("the request's")
        return await SearchThreads(1).run(variable.get)

    assert asyncio.run(scenario()) == "the request's"


def test_healthz_counts_requests_waiting_for_a_thread(seed_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    class Busy:
        waiting = 2

    client = TestClient(app_module.create_app(seed_index))
    original = SearchEngine.health
    lanes = original(SearchEngine(seed_index))["search_lanes"]["lanes"]
    every_lane_busy = {"lanes": lanes, "busy": lanes, "waiting": 0, "longest_busy_s": 0.5}
    monkeypatch.setattr(SearchEngine, "health", lambda self: {**original(self), "search_lanes": dict(every_lane_busy)})
    assert client.get("/healthz").json()["status"] == "ok"  # busy, nobody waiting
    monkeypatch.setattr(app_module, "SEARCH_THREADS", Busy())
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["status"] == "saturated"
    assert answer.json()["search_lanes"]["waiting"] == 2


def test_healthz_says_warming_until_the_first_warm_up_has_ended(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A started service answers /healthz 503 `warming` while its first warm-up runs (a balancer
    sends it no search yet), then 200 `ok` with `warm`; searches are answered meanwhile."""
    from starlette.testclient import TestClient

    warming, release = threading.Event(), threading.Event()
    original = SearchEngine.warm_if_new

    def held_warm_up(self: SearchEngine) -> bool:
        warming.set()
        assert release.wait(60), "the test never released the warm-up"  # only against a hang
        return original(self)

    monkeypatch.setattr(SearchEngine, "warm_if_new", held_warm_up)
    with TestClient(app_module.create_app(seed_index)) as client:  # `with`: the lifespan's warm-up runs
        assert warming.wait(60)
        answer = client.get("/healthz")
        assert answer.status_code == 503 and answer.json()["status"] == "warming"
        assert answer.json()["warm"] is False
        assert client.get("/search", params={"q": "维持和平"}).status_code == 200
        release.set()
        for _ in range(600):  # until the warm-up thread has ended its first round (bounded)
            answer = client.get("/healthz")
            if answer.status_code == 200:
                break
            threading.Event().wait(0.1)
        assert answer.status_code == 200 and answer.json()["status"] == "ok" and answer.json()["warm"] is True

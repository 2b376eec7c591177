"""Issue 29's defects, each kept fixed: bodies bounded while they stream, Retry-After read as ASCII,
symbols bounded, "did you mean" bounded, double negation parsed, no internal error echoed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from indexer.fetch.ods import MAX_RETRY_AFTER, _retry_after
from indexer.fetch.run import MAX_SYMBOL_LENGTH, FetchUsageError, _checked, check_symbol
from search_api.core.query import parse_query
from search_api.engine import SearchEngine
from search_api.errors import QuerySyntaxError
from search_api.http.app import create_app
from search_api.http.bodies import MAX_BODY_BYTES
from search_api.models import SearchRequest


def _post(app: Any, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes, int]:
    """POST /precedents straight through ASGI: the status, the body, and how many chunks the
    service took from the client before answering."""
    taken = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal taken
        if taken < len(chunks):
            taken += 1
            return {"type": "http.request", "body": chunks[taken - 1], "more_body": taken < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/precedents",
        "raw_path": b"/precedents",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, taken


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(seed_index: Path) -> None:
    app = create_app(seed_index)
    chunks = [b"x" * 65536] * 50
    status, body, taken = _post(app, chunks, [(b"content-length", b"314572800")])
    assert status == 413 and b"limit" in body
    assert taken == 0


def test_a_streamed_body_is_cut_off_at_the_limit(seed_index: Path) -> None:
    app = create_app(seed_index)
    chunks = [b"x" * 16384] * 1000  # 16 MB with no Content-Length
    status, _, taken = _post(app, chunks, [])
    assert status == 413
    assert taken * 16384 <= MAX_BODY_BYTES + 16384


@pytest.mark.parametrize(
    ("header", "wait"),
    [("\xb2", None), ("7", 7.0), ("-3", None), ("9" * 40, MAX_RETRY_AFTER), ("٣", None), ("soon", None)],
)
def test_retry_after_takes_ascii_digits_and_http_dates_only(header: str, wait: float | None) -> None:
    assert _retry_after(header) == wait


def test_symbols_are_bounded_wherever_they_come_from() -> None:
    long = "A/" + "L." * 200 + "1"
    with pytest.raises(FetchUsageError, match="at most"):
        check_symbol(long)
    assert _checked((long, "A/73/L.3")) == ["A/73/L.3"]  # a header naming it loses only that symbol
    assert len(check_symbol("A/73/L.35/Add.1")) < MAX_SYMBOL_LENGTH


def test_did_you_mean_never_corrects_a_long_word(engine: SearchEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_api.core import searching

    asked: list[str] = []
    original = searching.corrections

    def spy(reader: Any, word: str, limit: int = 3) -> list[str]:
        asked.append(word)
        return original(reader, word, limit)

    monkeypatch.setattr(searching, "corrections", spy)
    engine.search(SearchRequest(q="peacx " + "q" * 90))
    assert asked == ["peacx"]  # the 90-letter word is not corrected, nor any stem


def test_corrections_are_close_words_with_the_first_letter_kept(engine: SearchEngine) -> None:
    from search_api.core.searching import corrections

    with engine._current() as searcher:
        reader = searcher.reader()
        assert "security" in corrections(reader, "securty")
        assert "security" in corrections(reader, "secuirty")  # two letters swapped: one edit
        assert corrections(reader, "zzzzzzzz") == []


def test_double_negation_is_the_term_itself() -> None:
    assert parse_query("NOT NOT peace") == parse_query("peace")
    assert parse_query("war NOT NOT peace") == parse_query("war AND peace")
    assert "not not peace" in str(parse_query('"NOT NOT peace"'))  # quoted text is literal


def test_a_parser_failure_is_a_message_not_an_internal_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    from search_api.core import query

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IndexError("list index out of range")

    monkeypatch.setattr(query.GaQueryParser, "parse", broken)
    parse_query.cache_clear()  # parsed queries are kept: "peace" may have been parsed before
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query("peace")
    assert "list index" not in str(raised.value) and "AND, OR, NOT" in str(raised.value)


def test_health_reports_lanes_that_are_all_busy_with_searches_waiting(seed_index: Path) -> None:
    import threading

    engine = SearchEngine(seed_index, lanes=1)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with engine._current():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    waiter = threading.Thread(target=lambda: engine.search(SearchRequest(q="peace")))
    waiter.start()
    try:
        deadline = time.monotonic() + 30
        while engine.health()["search_lanes"]["waiting"] < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        lanes = engine.health()["search_lanes"]
        assert lanes["lanes"] == 1 and lanes["busy"] == 1 and lanes["waiting"] == 1
    finally:
        release.set()
        holder.join(30)
        waiter.join(30)
    assert engine.health()["search_lanes"]["busy"] == 0


def test_healthz_is_503_saturated_when_the_lanes_are(seed_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    client = TestClient(create_app(seed_index))
    assert client.get("/healthz").json()["status"] == "ok"
    busy = {"lanes": 2, "busy": 2, "waiting": 3, "longest_busy_s": 0.5}
    original = SearchEngine.health
    monkeypatch.setattr(SearchEngine, "health", lambda self: {**original(self), "search_lanes": busy})
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "saturated"


def test_a_request_past_its_cpu_budget_is_a_503_not_a_held_lane(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    from search_api.core import deadline

    engine = SearchEngine(seed_index)
    client = TestClient(create_app(seed_index), raise_server_exceptions=False)
    assert client.get("/search", params={"q": "集体安全条约组织"}).status_code == 200
    monkeypatch.setattr(deadline, "REQUEST_CPU_SECONDS", -1.0)  # spent before it starts
    with pytest.raises(deadline.RequestTooCostly, match="CPU time"):
        engine.search(SearchRequest(q="集体安全条约组织"))
    response = client.get("/search", params={"q": "集体安全条约组织"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "too_costly"
    monkeypatch.setattr(deadline, "REQUEST_CPU_SECONDS", 10.0)
    assert engine.search(SearchRequest(q="集体安全条约组织")).total > 0

"""Defects found by trying the product as users would (issue 17), each kept fixed by a test."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from search_api.core.query import parse_query
from search_api.engine import SearchEngine
from search_api.errors import QuerySyntaxError
from search_api.http.app import create_app
from search_api.models import SearchRequest


@pytest.fixture(scope="module")
def client(seed_index: Path) -> TestClient:
    return TestClient(create_app(seed_index), raise_server_exceptions=False)


# --- query language ---------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ['"战略):"', '"(联合国"', '"AND 和平"', '"会议)"'])
def test_quoted_text_is_literal_even_with_parentheses_and_operators(engine: SearchEngine, query: str) -> None:
    engine.search(SearchRequest(q=query))  # no QuerySyntaxError


def test_a_quoted_parenthesis_finds_the_clause_that_contains_it(engine: SearchEngine) -> None:
    found = engine.search(SearchRequest(q='"第59/50号决议，其中"', per_page=50))
    assert found.total >= 1


@pytest.mark.parametrize("boost", ["2", "0.5", "10"])
def test_a_boost_reorders_but_never_changes_what_matches(engine: SearchEngine, boost: str) -> None:
    plain = engine.search(SearchRequest(q="维持 和平", per_page=100))
    boosted = engine.search(SearchRequest(q=f"维持^{boost} 和平", per_page=100))
    assert boosted.total == plain.total > 0
    assert {(h.doc_id, h.clause.number) for h in boosted.hits} == {(h.doc_id, h.clause.number) for h in plain.hits}  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["维持^-1", "维持^1e308", "维持^0", "维持^abc", "维持^"])
def test_out_of_range_boosts_are_refused(query: str) -> None:
    with pytest.raises(QuerySyntaxError, match="boost"):
        parse_query(query)


# --- HTTP -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["bands:x", "shingles:*", "ordinal:1", "id:*", "chars:*", "维*", "session:*"])
def test_unsearchable_fields_and_unbounded_wildcards_are_400(client: TestClient, query: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["parameter"] == "q"


def test_deeply_nested_json_and_lone_surrogates_are_400(client: TestClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    assert len(deep) < 256 * 1024
    response = client.post("/precedents", content=deep[: 30 * 1024] + deep[-30 * 1024 :])  # within 64 KB
    assert response.status_code == 400 and response.json()["error"]["parameter"] == "body"
    for body in (b'{"text": "\\ud800 intact"}', b'{"\\udfff": "x", "text": "a"}'):
        response = client.post("/precedents", content=body)
        assert response.status_code == 400, response.text
        assert "error" in response.json()


def test_405_carries_allow_and_openapi_says_min_length(client: TestClient) -> None:
    response = client.get("/precedents")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/precedents"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["text"]["minLength"] == 1
    assert client.post("/precedents", json={"text": "   "}).status_code == 400


@pytest.mark.parametrize("path", ["/documents/", "/documents/%20", "/documents/%09"])
def test_an_empty_document_key_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, response.text


def test_facets_take_commas_as_well_as_repeated_parameters(client: TestClient) -> None:
    commas = client.get("/search", params={"q": "和平", "facets": "session,sponsor", "per_page": 0})
    repeated = client.get("/search", params=[("q", "和平"), ("facets", "session"), ("facets", "sponsor")])
    assert commas.status_code == repeated.status_code == 200
    assert set(commas.json()["facets"]) == set(repeated.json()["facets"]) == {"session", "sponsor"}
    assert client.get("/search", params={"facets": "session,nonsense"}).status_code == 400


@pytest.mark.e2e
def test_healthz_answers_promptly_while_heavy_searches_run(seed_index: Path) -> None:
    """A real server (uvicorn): six clients run broad searches while /healthz is timed."""
    from bench.loadgen import serve

    with serve(seed_index) as (base, _):
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                while not stop.is_set():
                    http.get("/search", params={"q": "联合国 OR 大会 OR 会议 OR the OR of", "per_page": 100})

        clients = [threading.Thread(target=hammer) for _ in range(6)]
        for thread in clients:
            thread.start()
        time.sleep(1.0)
        waits = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(10):
                started = time.perf_counter()
                # It answers at once, busy or not (503 "saturated" when every lane is taken).
                answer = http.get("/healthz")
                assert answer.status_code == 200 or answer.json()["status"] == "saturated"
                waits.append(time.perf_counter() - started)
                time.sleep(0.1)
        stop.set()
        for thread in clients:
            thread.join()
    waits.sort()
    assert waits[len(waits) // 2] < 0.25, waits  # the median: the machine is shared and noisy


def test_json_errors_are_json(client: TestClient) -> None:
    response = client.post("/precedents", content=b"{")
    assert response.status_code == 400 and json.loads(response.text)["error"]["parameter"] == "body"


@pytest.mark.e2e
def test_each_request_is_logged_once(seed_index: Path, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "search_api.cli.main", "serve", "--index", str(seed_index), "--port", str(port)]
    with log.open("wb") as stream:
        server = subprocess.Popen(command, stdout=stream, stderr=stream)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/search", params={"q": "onceonly"}, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        assert response.status_code == 200
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if "onceonly" in line]
    assert len(lines) == 1, lines
    assert "ms" in lines[0]  # with its duration


@pytest.mark.slow
def test_setting_up_is_quiet_and_warns_of_nothing_of_ours() -> None:
    import subprocess

    from tests.conftest import ROOT

    (ROOT / ".venv" / "installed.stamp").unlink(missing_ok=True)  # install for real, not skipped
    done = subprocess.run([str(ROOT / "scripts" / "install"), "test"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert len((done.stdout + done.stderr).splitlines()) == 1  # "installing ... (log: ...)"
    log = (ROOT / ".venv" / "install.log").read_text()
    assert "project.license" not in log and "SetuptoolsDeprecationWarning" not in log


def test_a_search_holding_its_snapshot_does_not_hold_up_another(seed_index: Path) -> None:
    """The engine's lock is held only to take a snapshot: while one search holds its snapshot (a
    slow query), another runs on its own."""
    engine = SearchEngine(seed_index, lanes=2)
    holding, release = threading.Event(), threading.Event()

    def slow_search() -> None:
        with engine._current():
            holding.set()
            release.wait(30)

    slow = threading.Thread(target=slow_search)
    slow.start()
    assert holding.wait(30)
    done: list[int] = []
    other = threading.Thread(target=lambda: done.append(engine.search(SearchRequest(q="维持和平")).total))
    other.start()
    other.join(20)
    finished = not other.is_alive()
    release.set()
    slow.join()
    other.join()
    assert finished and done and done[0] > 0
    # Nested use on one thread reuses its snapshot instead of waiting for a second one.
    single = SearchEngine(seed_index, lanes=1)
    with single._current():
        assert single.search(SearchRequest(q="维持和平")).total == done[0]

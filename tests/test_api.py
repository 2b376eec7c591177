"""The HTTP service through Starlette's TestClient, on the index of the shipped seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from search_api.http.app import create_app
from search_api.params import SEARCH_PARAMS
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def client(seed_index: Path) -> TestClient:
    return TestClient(create_app(seed_index), raise_server_exceptions=False)


def test_search_returns_the_search_layer_json(client: TestClient) -> None:
    response = client.get("/search", params={"q": "集体安全条约组织", "per_page": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"query", "total", "page", "per_page", "hits", "facets", "took_ms"}
    hit = body["hits"][0]
    assert set(hit) >= {
        "symbol",
        "title",
        "session",
        "agenda_items",
        "sponsors",
        "kind",
        "date",
        "clause",
        "highlight",
        "score",
    }
    assert set(hit["clause"]) >= {"number", "type", "verb", "text"}
    assert (hit["session"], hit["agenda_items"], hit["sponsors"]) == (
        73,
        ["128(t)"],
        ["Belarus", "Kazakhstan"],
    )
    assert body["facets"]["sponsor"][0] == {"value": "Belarus", "count": body["total"], "label": "白俄罗斯"}


def test_clause_filters_at_document_level_keep_resolutions_with_such_a_clause(client: TestClient) -> None:
    body = client.get("/search", params={"level": "document", "verb": "邀请", "q": "集体安全条约组织"}).json()
    assert [h["doc_id"] for h in body["hits"]] == ["zh:000_b19792f0abdd90de"]
    assert client.get("/search", params={"level": "document", "verb": "谴责", "session": 73}).json()["total"] == 0
    empty = client.get("/search", params={"year_from": 2020, "year_to": 2010}).json()
    assert empty["total"] == 0


def test_repeatable_filters_are_or_within_a_field(client: TestClient) -> None:
    one = client.get("/search", params={"session": 73, "per_page": 0}).json()["total"]
    other = client.get("/search", params={"session": 55, "per_page": 0}).json()["total"]
    both = client.get("/search?session=73&session=55&per_page=0").json()["total"]
    assert both == one + other


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"agenda": "128(t)"}, lambda h: "128(t)" in h["agenda_items"]),
        ({"sponsor": "白俄罗斯"}, lambda h: "Belarus" in h["sponsors"]),
        ({"kind": "decision"}, lambda h: h["kind"] == "decision"),
        ({"type": "operative"}, lambda h: h["clause"]["type"] == "operative"),
        ({"verb": "欢迎"}, lambda h: h["clause"]["verb"] == "欢迎"),
        ({"language": "zh"}, lambda h: h["language"] == "zh"),
        ({"cites": "A/RES/59/50"}, lambda h: "A/RES/59/50" in h["clause"]["citations"]),
        ({"year_from": 2025, "year_to": 2025}, lambda h: h["date"].startswith("2025")),
        ({"level": "document", "q": "disarmament"}, lambda h: h["clause"] is None),
        ({"sort": "date", "kind": "decision"}, lambda h: h["date"]),
    ],
)
def test_each_parameter(client: TestClient, params: dict, check) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/search", params={**params, "per_page": 50})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert hits and all(check(hit) for hit in hits)


@pytest.mark.needs_shared
def test_paging_parameters(client: TestClient) -> None:
    first = client.get("/search", params={"q": "decides", "per_page": 5, "page": 1}).json()
    second = client.get("/search", params={"q": "decides", "per_page": 5, "page": 2}).json()
    assert first["total"] == second["total"] and (first["page"], second["page"]) == (1, 2)
    ids = [h["doc_id"] + h["clause"]["number"] for h in first["hits"] + second["hits"]]
    assert len(set(ids)) == 10


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"q": '"unclosed'}, "q"),
        ({"q": "session:abc"}, "q"),
        ({"per_page": 1000}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"page": 0}, "page"),
        ({"level": "paragraph"}, "level"),
        ({"sort": "alphabetical"}, "sort"),
        ({"session": "seventy-three"}, "session"),
        ({"kind": "treaty"}, "kind"),
        ({"facets": "colour"}, "facets"),
        ({"q": "x" * 1001}, "q"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_bad_parameters_get_400_with_the_parameter_named(client: TestClient, query: dict, parameter: str) -> None:
    response = client.get("/search", params=query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in ("bad_query", "bad_parameter") and error["message"]
    assert error["parameter"] == parameter


@pytest.mark.needs_shared
@pytest.mark.parametrize("symbol", ["A/RES/55/100", "en:A/RES/55/100", "A/RES/80/1", "000_b19792f0abdd90de"])
def test_documents_by_symbol_with_slashes(client: TestClient, symbol: str) -> None:
    response = client.get("/documents/" + symbol)
    assert response.status_code == 200
    body = response.json()
    assert body["clauses"] and body["title"]
    assert set(body) >= {"citations", "cited_by", "clauses", "took_ms"}


@pytest.mark.needs_shared
@pytest.mark.parametrize("symbol", ["A/DEC/74/544", "A/RES/217(III)"])
def test_document_cited_by(client: TestClient, symbol: str) -> None:
    body = client.get("/documents/" + symbol).json()
    assert body["symbol"] == symbol
    citing = client.get("/search", params={"cites": symbol, "level": "document", "per_page": 50}).json()
    assert len(body["cited_by"]) >= 2
    assert sorted(d["doc_id"] for d in body["cited_by"]) == sorted(h["doc_id"] for h in citing["hits"])


@pytest.mark.parametrize(
    "path",
    [
        "/documents/A/RES/99/999",
        "/documents/S/RES/1631(2005)",
        "/documents/../../etc/passwd",
        "/documents/%2e%2e/%2e%2e/etc/passwd",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/nowhere",
    ],
)
def test_unknown_documents_and_traversal_get_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "root:" not in response.text


def test_facets_without_hits(client: TestClient) -> None:
    body = client.get("/facets", params={"q": "维持和平", "sponsor": "Kazakhstan"}).json()
    assert "hits" not in body and body["total"] == 3
    assert {v["value"] for v in body["facets"]["sponsor"]} == {"Belarus", "Kazakhstan"}


def test_suggest(client: TestClient) -> None:
    body = client.get("/suggest", params={"q": "集体"}).json()
    assert any(c["text"] == "集体安全条约组织" for c in body["completions"])
    assert client.get("/suggest", params={"q": "x", "limit": 0}).status_code == 400


@pytest.mark.needs_shared
def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["documents"] == 1006 and body["clauses"] > 4000
    assert body["analyzer_version"]


def test_openapi_describes_every_route_and_parameter(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    app_routes = {
        r.path.replace("{symbol:path}", "{symbol}")
        for r in client.app.routes
        if isinstance(r, Route) and r.include_in_schema
    }
    assert set(document["paths"]) == app_routes
    documented = {p["name"] for p in document["paths"]["/search"]["get"]["parameters"]}
    assert documented == {p.name for p in SEARCH_PARAMS}
    # Every documented parameter is accepted, every undocumented one refused.
    for name in documented:
        value = {"integer": "1", "string": "zh"}[next(p.type for p in SEARCH_PARAMS if p.name == name)]
        enum = next(p.enum for p in SEARCH_PARAMS if p.name == name)
        answer = client.get("/search", params={name: enum[0] if enum else value})
        status = answer.status_code
        # A typed filter value no record has is refused by name (search_api/core/filter_values.py).
        unknown = status == 400 and "no record in this index has" in answer.json()["error"]["message"]
        assert status != 500 and (status == 200 or unknown or name in ("year_from", "year_to")), name


def test_cors_gzip_and_etag(client: TestClient) -> None:
    response = client.get(
        "/search",
        params={"q": "联合国"},
        headers={"Origin": "https://portal.example", "Accept-Encoding": "gzip"},
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-encoding"] == "gzip"
    # At the level bench/compression.py chose, not Starlette's 9 (a third more CPU, 0.4 % fewer bytes).
    from starlette.middleware.gzip import GZipMiddleware

    from search_api.http.app import GZIP_LEVEL

    app = cast(Any, client.app)
    assert [m.kwargs["compresslevel"] for m in app.user_middleware if m.cls is GZipMiddleware] == [GZIP_LEVEL] != [9]
    etag = response.headers["etag"]
    again = client.get("/search", params={"q": "联合国"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "max-age" in response.headers["cache-control"]
    preflight = client.options(
        "/precedents", headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200  # a portal may POST a paragraph for its precedents
    refused = client.options(
        "/search", headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "DELETE"}
    )
    assert refused.status_code == 400  # GET and POST only


def test_the_etag_names_the_commit_an_answer_was_read_from(tmp_path: Path) -> None:
    """The ETag is made from the generation the search itself read (no second look for a newer
    commit); a new commit changes it, and the old one no longer answers 304."""
    import shutil

    from indexer.writer import build_index

    documents = tmp_path / "documents"
    shutil.copytree(ROOT / "seeds" / "zh_draft_73", documents)
    build_index([documents], tmp_path / "index")
    app_client = TestClient(create_app(tmp_path / "index"))
    first = app_client.get("/search", params={"q": "联合国"})
    assert first.status_code == 200
    unchanged = app_client.get("/search", params={"q": "联合国"}, headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304
    shutil.copytree(ROOT / "seeds" / "udhr", documents / "udhr")
    build_index([documents], tmp_path / "index")  # a second commit
    second = app_client.get("/search", params={"q": "联合国"}, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert second.json()["total"] > first.json()["total"]


def test_the_engine_version_is_the_generation_searched_then_the_latest(seed_index: Path) -> None:
    from search_api.engine import SearchEngine
    from search_api.models import SearchRequest

    engine = SearchEngine(seed_index, lanes=1)
    generation = engine.stats()["generation"]
    engine._snapshots.take_generation()
    engine.search(SearchRequest(q="联合国"))
    assert engine._snapshots._held.generation == generation  # what the search read, kept for the ETag
    assert engine.version == f"{engine.manifest.analyzer_version}.{generation}"
    assert engine._snapshots._held.generation is None  # taken: the next answer must search again
    assert engine.version == f"{engine.manifest.analyzer_version}.{generation}"  # the latest, looked up


def test_configured_origins_only(seed_index: Path) -> None:
    strict = TestClient(create_app(seed_index, allowed_origins=["https://un.example"]))
    allowed = strict.get("/healthz", headers={"Origin": "https://un.example"})
    other = strict.get("/healthz", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://un.example"
    assert "access-control-allow-origin" not in other.headers


def test_page_embed_and_static_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "联合国大会决议检索" in page.text and 'src="static/app.js"' in page.text
    assert 'class="embedded"' in client.get("/embed").text
    script = client.get("/embed.js")
    assert "data-target" in script.text and script.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.js").status_code == 200


@pytest.mark.needs_shared
def test_took_ms_and_server_timing_on_every_answer(client: TestClient) -> None:
    for url in (
        "/search?q=联合国",
        "/facets",
        "/suggest?q=联合",
        "/healthz",
        "/documents/" + quote("A/RES/80/1"),
    ):
        response = client.get(url)
        assert "took_ms" in response.json(), url
        timings = dict(metric.strip().split(";dur=") for metric in response.headers["server-timing"].split(","))
        if url == "/healthz":  # no search: the whole request's time only
            assert set(timings) == {"app"}
            continue
        assert set(timings) == {"engine", "app"}, url  # the engine's time and the whole request's
        assert float(timings["engine"]) == round(response.json()["took_ms"], 1) <= float(timings["app"]) + 0.1


def test_precedents_of_a_clause(client: TestClient) -> None:
    for path in ("/clauses/A/RES/80/20/P9/precedents", f"/clauses/{quote('A/RES/80/20', safe='')}/P9/precedents"):
        response = client.get(path)
        assert response.status_code == 200
        body = response.json()
        assert body["source"]["symbol"] == "A/RES/80/20" and body["source"]["clause"]["number"] == "P9"
        top = body["precedents"][0]
        assert (top["symbol"], top["clause"]["number"], top["similarity"]) == ("A/RES/80/21", "P9", 1.0)
    looser = client.get("/clauses/A/RES/80/20/P9/precedents", params={"min_similarity": 0.3, "limit": 50}).json()
    assert len(looser["precedents"]) >= len(body["precedents"])
    assert all(p["similarity"] >= 0.3 for p in looser["precedents"])
    assert [p["similarity"] for p in looser["precedents"]] == sorted(
        (p["similarity"] for p in looser["precedents"]), reverse=True
    )
    assert client.get("/clauses/A/RES/80/20/P99/precedents").status_code == 404
    assert client.get("/clauses/A/RES/99/1/1/precedents").status_code == 404
    for params in ({"min_similarity": "0"}, {"min_similarity": "nan"}, {"limit": "0"}, {"include_later": "maybe"}):
        response = client.get("/clauses/A/RES/80/20/P9/precedents", params=params)
        assert response.status_code == 400
        assert response.json()["error"]["parameter"] == next(iter(params))


def test_precedents_of_a_pasted_paragraph(client: TestClient) -> None:
    edited = "又提及大会 2004 年 12 月 2 日第 59/50 号决议，其中大会给予集体安全条约组织大会观察员地位，"
    response = client.post("/precedents", json={"text": edited, "limit": 3})
    assert response.status_code == 200
    top = response.json()["precedents"][0]
    assert (top["doc_id"], top["clause"]["number"]) == ("zh:000_b19792f0abdd90de", "P3")
    assert [p for p in top["diff"] if p["op"] != "equal"] == [
        {"op": "delete", "text": "授"},
        {"op": "insert", "text": "给"},
    ]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        (b"{", "body"),
        (b"[]", "body"),
        (b'{"text": 3}', "text"),
        (b'{"text": "x", "colour": 1}', "colour"),
        (b'{"limit": 3}', "text"),
        (b'{"text": "  "}', "text"),
        (b'{"text": "x", "min_similarity": 2}', "min_similarity"),
        (b'{"text": "x", "limit": true}', "limit"),
        (b'{"text": "' + b"a" * 70_000 + b'"}', "body"),
    ],
)
def test_bad_precedent_bodies_are_400_with_the_field(client: TestClient, body: bytes, parameter: str) -> None:
    response = client.post("/precedents", content=body, headers={"content-type": "application/json"})
    # A body over the limit is 413 (refused on its Content-Length, never read); the rest 400.
    assert response.status_code == (413 if len(body) > 64 * 1024 else 400)
    assert response.json()["error"]["parameter"] == parameter


@pytest.mark.needs_shared
def test_lineage_route(client: TestClient) -> None:
    body = client.get("/documents/A/DEC/75/523/lineage").json()
    assert [s["session"] for s in body["steps"]] == list(range(70, 81))
    assert body["steps"][0]["doc_id"] is None  # 70/520: cited, not in the index
    assert body["steps"][2]["summary"]["edited"] >= 1
    assert client.get("/documents/A/RES/99/999/lineage").status_code == 404


def test_openapi_documents_the_agreed_language_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/clauses/{symbol}/{number}/precedents"]
    assert "get" in paths["/documents/{symbol}/lineage"]
    body = paths["/precedents"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["text"] and set(body["properties"]) == {"text", "min_similarity", "limit"}


def test_a_warm_up_that_keeps_failing_is_logged_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import search_api.http.app

    class Broken:
        calls = 0

        def warm_if_new(self) -> bool:
            Broken.calls += 1
            raise OSError("index directory gone")

    monkeypatch.setattr(search_api.http.app, "WARM_CHECK_SECONDS", 0.01)
    stop, first_round = threading.Event(), threading.Event()
    watcher = threading.Thread(target=search_api.http.app._keep_warm, args=(Broken(), stop, first_round))
    with caplog.at_level("ERROR", logger="ga_search.error"):
        watcher.start()
        for _ in range(6000):  # bounded: a thread that died would otherwise be waited for forever
            if Broken.calls >= 5 or not watcher.is_alive():
                break
            stop.wait(0.01)
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive() and Broken.calls >= 5
    assert first_round.is_set()  # a failed first warm-up still ends the service's `warming`
    assert [r.getMessage() for r in caplog.records] == ["warming the index snapshot failed"]


def test_the_service_builds_the_rust_segmenter_at_start(seed_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-shot command cuts with the light build (analyzers/segmenter.py); a service, which
    cuts much text, builds rjieba before its first answer."""
    from analyzers import segmenter

    monkeypatch.setattr(segmenter, "_CUTTER", segmenter._Cutter())
    create_app(seed_index)
    assert segmenter._CUTTER.rust is not None and segmenter._CUTTER.light_characters == 0

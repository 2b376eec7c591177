"""The Starlette service: JSON API, search page, embed script. Built by `create_app(index_dir)`.

Errors are JSON `{"error": {"code", "message", "parameter"?}}` mapped in one place
(`_error_response`): 400 bad query or parameter, 404 unknown document or route, 500 only for our
own bugs (logged, never shown as a traceback). Responses that depend only on the index version
carry an ETag and Cache-Control; CORS allows GET and POST (`/precedents`) from the configured
origins (all by default).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.errors import GaSearchError
from search_api.engine import SearchEngine
from search_api.errors import NotFoundError, ParameterError
from search_api.facets import FACETS
from search_api.features.check import Against
from search_api.features.check_report import check_docx, check_html, paragraphs_csv
from search_api.features.tables import document_csv, lineage_csv, precedents_csv
from search_api.http.allocator import keep_freed_arrays
from search_api.http.bodies import MAX_BODY_BYTES, MAX_CHECK_BYTES, bounded_body, read_posted_draft
from search_api.http.openapi import openapi_document
from search_api.http.responses import DOCX_TYPE, JSON, attachment, error, error_response, safe
from search_api.http.threads import SEARCH_THREADS
from search_api.http.workbench import workbench_routes
from search_api.models import SearchRequest
from search_api.params import (
    CHECK_PARAMS,
    CLAUSE_PRECEDENT_PARAMS,
    DOCUMENT_PARAMS,
    FACET_PARAMS,
    LINEAGE_PARAMS,
    PRECEDENT_OPTIONS,
    PRECEDENT_TEXT,
    SEARCH_PARAMS,
    SUGGEST_PARAMS,
    body_values,
    parse_params,
    search_request,
)

# zlib's level for compressed answers (Starlette's default is 9): level 5 takes a third less CPU a
# search answer for 0.4 % more bytes (bench/compression.py).
GZIP_LEVEL = 5
access_log = logging.getLogger("ga_search.access")
error_log = logging.getLogger("ga_search.error")
STATIC = resources.files("search_api.http").joinpath("static")
# A search holding a lane this long makes /healthz answer 503 "saturated".
SATURATED_AFTER_S = 10.0
WARM_CHECK_SECONDS = 2.0  # how often the service looks for a new commit to warm


def _keep_warm(engine: SearchEngine, stop: threading.Event, started: threading.Event) -> None:
    """Warm the snapshot now and each new commit's as it appears, until `stop` is set; `started`
    is set once the first warm-up has ended, well or not. A failure (an index rebuilt by another
    version, a disk error) is logged once, not every check, and retried: searches report it to
    their callers themselves."""
    last_failure = None
    while True:
        try:
            engine.warm_if_new()
            last_failure = None
        except Exception as error:  # a background thread must not die silently
            if repr(error) != last_failure:
                error_log.exception("warming the index snapshot failed")
            last_failure = repr(error)
        started.set()
        if stop.wait(WARM_CHECK_SECONDS):
            return


class AccessLogMiddleware:
    """One log line per request with its duration; `Server-Timing` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_timing(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                elapsed = (time.perf_counter() - started) * 1000
                message.setdefault("headers", []).append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            query = scope.get("query_string", b"").decode("latin-1")
            access_log.info(
                "%s %s%s %s %.1fms",
                scope["method"],
                scope["path"],
                f"?{query}" if query else "",
                status,
                elapsed,
            )


def _csv(text: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8")


def create_app(index_dir: Path | str, allowed_origins: list[str] | None = None) -> Starlette:
    """The service for one index directory."""
    engine = SearchEngine(index_dir)
    # Load the dictionaries now (rjieba: a service cuts much text), so the first visitor does not
    # wait for them.
    engine.load_dictionaries()
    engine.search(SearchRequest(q="联合国大会", per_page=1))
    warmed_once = threading.Event()  # clear while the service's first warm-up runs (see lifespan)
    warmed_once.set()

    def cached(request: Request, payload: dict[str, Any]) -> Response:
        tag = hashlib.sha1(f"{engine.version}|{request.url.path}?{request.url.query}".encode()).hexdigest()[:20]
        headers = {"ETag": f'"{tag}"', "Cache-Control": "public, max-age=60"}
        if request.headers.get("if-none-match") == f'"{tag}"':
            return Response(status_code=304, headers=headers)
        if "took_ms" in payload:  # the engine's own time, beside the whole request's (`app`)
            headers["Server-Timing"] = f"engine;dur={payload['took_ms']:.1f}"
        return JSON(payload, headers=headers)

    def search(request: Request) -> Response:
        values = parse_params(request.query_params, SEARCH_PARAMS)
        result = engine.search(search_request(values), english=values.get("lang") == "en")
        return cached(request, result.to_dict())

    def facets(request: Request) -> Response:
        values = parse_params(request.query_params, FACET_PARAMS)
        values["per_page"] = 0
        result = engine.search(search_request(values), english=values.get("lang") == "en")
        payload = result.to_dict()
        return cached(request, {k: payload[k] for k in ("query", "total", "facets", "facet_totals", "took_ms")})

    def document(request: Request) -> Response:
        values = parse_params(request.query_params, DOCUMENT_PARAMS)
        started = time.perf_counter()
        view = engine.document(request.path_params["symbol"], values.get("parallel", ()), values.get("lang") == "en")
        if values["format"] == "csv":
            return _csv(document_csv(view))
        payload = view.to_dict()
        with contextlib.suppress(NotFoundError):  # the indexed file, when this server has it
            engine.source_file(view.doc_id)
            payload["links"]["source"] = str(request.url_for("source", symbol=view.doc_id))
        payload["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return cached(request, payload)

    def clause_precedents(request: Request) -> Response:
        values = parse_params(request.query_params, CLAUSE_PRECEDENT_PARAMS)
        result = engine.clause_precedents(
            request.path_params["symbol"],
            request.path_params["number"],
            min_similarity=values["min_similarity"],
            limit=values["limit"],
            include_later=values["include_later"],
            parallel=values.get("parallel", ()),
        )
        if values["format"] == "csv":
            return _csv(precedents_csv(result))
        return cached(request, result.to_dict())

    async def text_precedents(request: Request) -> Response:
        parse_params(request.query_params, ())
        raw = await bounded_body(request, MAX_BODY_BYTES)
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParameterError("body", f"is not JSON: {exc}") from None
        except RecursionError:
            raise ParameterError("body", "is nested too deeply") from None
        values = body_values(body, (PRECEDENT_TEXT, *PRECEDENT_OPTIONS), required=("text",))
        result = await SEARCH_THREADS.run(
            engine.precedents, values["text"], min_similarity=values["min_similarity"], limit=values["limit"]
        )
        return JSON(result.to_dict())

    async def check_draft(request: Request) -> Response:
        """A draft in the body: JSON `{"text": ...}`, or the file (PDF, DOCX, text) by its type."""
        values = parse_params(request.query_params, CHECK_PARAMS)
        raw = await bounded_body(request, MAX_CHECK_BYTES)
        # Reading a draft takes no search lane and may run OCR for a while: Starlette's own pool,
        # so it never holds one of the search threads.
        draft = await run_in_threadpool(read_posted_draft, raw, request.headers.get("content-type", ""))
        result = await SEARCH_THREADS.run(
            engine.check,
            draft,
            parallel=tuple(values.get("parallel", ())),
            against=Against(values.get("session_from"), values.get("session_to"), tuple(values.get("kind", ()))),
        )
        payload, lang = result.to_dict(), values.get("lang", "zh")
        if values.get("format") == "docx":
            return Response(check_docx(payload, lang), media_type=DOCX_TYPE, headers=attachment("check.docx"))
        if values.get("format") == "html":
            return HTMLResponse(check_html(payload, lang))
        if values.get("format") == "csv":
            return Response(paragraphs_csv(payload), media_type="text/csv; charset=utf-8")
        return JSON(payload)

    def lineage(request: Request) -> Response:
        values = parse_params(request.query_params, LINEAGE_PARAMS)
        result = engine.lineage(request.path_params["symbol"])
        return _csv(lineage_csv(result)) if values["format"] == "csv" else cached(request, result.to_dict())

    def suggest(request: Request) -> Response:
        values = parse_params(request.query_params, SUGGEST_PARAMS)
        started = time.perf_counter()
        completions = engine.suggest(values["q"], values["limit"])
        return cached(
            request,
            {
                "q": values["q"],
                "completions": completions,
                "took_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )

    async def healthz(request: Request) -> Response:
        # On the event loop and without the engine's lock: it answers while searches run.
        started = time.perf_counter()
        stats = engine.health()
        lanes = stats["search_lanes"]
        # Requests waiting for a search thread wait for a lane too (one thread a lane).
        lanes["waiting"] += SEARCH_THREADS.waiting
        # Saturated: every lane busy and searches queueing, or one search holding a lane for long
        # (a balancer's health check then sends traffic to another replica).
        saturated = (lanes["busy"] == lanes["lanes"] and lanes["waiting"] > 0) or (
            lanes["longest_busy_s"] > SATURATED_AFTER_S
        )
        # Warming: the service has started and its first warm-up has not ended (a balancer sends
        # it searches once it has; searches sent meanwhile are answered, more slowly).
        status = "warming" if not warmed_once.is_set() else "saturated" if saturated else "ok"
        return JSON(
            {
                "status": status,
                "index_loaded": True,
                **stats,
                "took_ms": round((time.perf_counter() - started) * 1000, 2),
            },
            status_code=200 if status == "ok" else 503,
        )

    async def schema(request: Request) -> Response:
        """What a front end builds its menus from: the facet table and the search parameters."""
        parse_params(request.query_params, ())
        return JSON(
            {
                "facets": [facet.describe() for facet in FACETS],
                "search_parameters": [param.openapi() for param in SEARCH_PARAMS],
            },
            headers={"Cache-Control": "public, max-age=300"},
        )

    async def openapi(request: Request) -> Response:
        return JSON(openapi_document(app.routes))

    # Read once: these endpoints run on the event loop (they take no search lane).
    page_html = STATIC.joinpath("index.html").read_text("utf-8")
    embed_js = STATIC.joinpath("embed.js").read_text("utf-8")

    async def page(request: Request) -> Response:
        return HTMLResponse(page_html)

    async def embed_page(request: Request) -> Response:
        return HTMLResponse(page_html.replace("<body>", '<body class="embedded">', 1))

    async def embed_script(request: Request) -> Response:
        return Response(embed_js, media_type="text/javascript")

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
            response = error(exc.status_code, code, str(exc.detail))
            response.headers.update(exc.headers or {})  # 405 carries `Allow`
            return response
        return error_response(exc)

    async def app_error(request: Request, exc: Exception) -> Response:
        return error_response(exc)

    routes = [
        Route("/search", safe(search), methods=["GET"], name="search"),
        *workbench_routes(engine, cached),
        Route("/facets", safe(facets), methods=["GET"], name="facets"),
        Route("/documents/{symbol:path}/lineage", safe(lineage), methods=["GET"], name="lineage"),
        Route("/documents/{symbol:path}", safe(document), methods=["GET"], name="document"),
        Route(
            "/clauses/{symbol:path}/{number}/precedents",
            safe(clause_precedents),
            methods=["GET"],
            name="clause_precedents",
        ),
        Route("/precedents", safe(text_precedents), methods=["POST"], name="precedents"),
        Route("/check", safe(check_draft), methods=["POST"], name="check"),
        Route("/suggest", safe(suggest), methods=["GET"], name="suggest"),
        Route("/healthz", safe(healthz), methods=["GET"], name="healthz"),
        Route("/schema", safe(schema), methods=["GET"], name="schema"),
        Route("/openapi.json", safe(openapi), methods=["GET"], name="openapi", include_in_schema=False),
        Route("/", safe(page), methods=["GET"], name="page", include_in_schema=False),
        Route("/embed", safe(embed_page), methods=["GET"], name="embed", include_in_schema=False),
        Route("/embed.js", safe(embed_script), methods=["GET"], name="embed_js", include_in_schema=False),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    origins = allowed_origins if allowed_origins is not None else _origins_from_env()
    middleware = [
        Middleware(AccessLogMiddleware),
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=["ETag", "Server-Timing"],
        ),
        Middleware(GZipMiddleware, minimum_size=1000, compresslevel=GZIP_LEVEL),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # In the background: the service answers at once, and early searches wait on the engine's
        # lock for the warm-up instead of each paying part of it; then each new commit's snapshot
        # is warmed the same way when it appears.
        stop = threading.Event()
        warmed_once.clear()
        watcher = threading.Thread(target=_keep_warm, args=(engine, stop, warmed_once), name="warm-up", daemon=True)
        watcher.start()
        yield
        stop.set()

    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, GaSearchError: app_error, Exception: app_error},
    )
    app.state.engine = engine
    return app


def _origins_from_env() -> list[str]:
    raw = os.environ.get("GA_SEARCH_CORS_ORIGINS", "*")
    return [origin.strip() for origin in raw.split(",") if origin.strip()]


def create_app_from_env() -> Starlette:
    """Factory for uvicorn (`ga-search serve` sets GA_SEARCH_INDEX; each worker calls this)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    keep_freed_arrays()
    return create_app(os.environ.get("GA_SEARCH_INDEX", "index"))

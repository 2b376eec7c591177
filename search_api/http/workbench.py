"""The researcher's routes: what is indexed (`/documents`), every hit as CSV or JSON Lines
(`/search.csv`, `/search.jsonl`), a feed of the newest matching resolutions (`/search.atom`),
counts by session or year (`/trend`), a resolution as a reference (`/documents/{id}/cite`) and its
source file (`/documents/{id}/source`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from search_api.engine import SearchEngine
from search_api.features.cite import MEDIA_TYPES
from search_api.features.export import DOCUMENT_COLUMNS, columns, csv_lines, jsonl_lines
from search_api.http.responses import attachment, error, safe
from search_api.params import (
    CITE_PARAMS,
    EXPORT_PARAMS,
    FEED_PARAMS,
    FILTER_PARAMS,
    LIST_PARAMS,
    TREND_PARAMS,
    parse_params,
    search_request,
)

ATOM = "http://www.w3.org/2005/Atom"
EXPORT_LANES = 1  # exports a process runs at once (each holds up to MAX_EXPORT rows in memory)
EXPORT_RETRY_AFTER = "5"
FILTER_NAMES = tuple(p.name for p in FILTER_PARAMS)


def workbench_routes(engine: SearchEngine, cached: Callable[[Request, dict[str, Any]], Response]) -> list[Route]:
    exports = threading.BoundedSemaphore(EXPORT_LANES)

    def documents(request: Request) -> Response:
        values = parse_params(request.query_params, LIST_PARAMS)
        total, rows = engine.documents(search_request(values))
        if values["format"] == "csv":
            body = "".join(csv_lines(rows, DOCUMENT_COLUMNS))
            return Response(body, media_type="text/csv; charset=utf-8", headers=attachment("documents.csv"))
        return cached(
            request, {"total": total, "page": values["page"], "per_page": values["per_page"], "documents": rows}
        )

    def export(fmt: str) -> Callable[[Request], Response]:
        def exporting(request: Request) -> Response:
            values = parse_params(request.query_params, EXPORT_PARAMS)
            search = search_request(values)
            if not exports.acquire(blocking=False):
                answer = error(503, "busy", "another export is running in this process: retry in a few seconds")
                answer.headers["Retry-After"] = EXPORT_RETRY_AFTER
                return answer
            try:
                total, rows = engine.export(search, values["limit"])
            finally:
                exports.release()
            names = columns(search.level)
            lines: Iterator[str] = csv_lines(rows, names) if fmt == "csv" else jsonl_lines(rows, names)
            media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
            headers = {**attachment(f"search.{fmt}"), "X-Total-Hits": str(total), "X-Rows": str(len(rows))}
            return StreamingResponse(lines, media_type=media, headers=headers)

        exporting.__name__ = f"search_{fmt}"
        return exporting

    def feed(request: Request) -> Response:
        values = parse_params(request.query_params, FEED_PARAMS)
        search = search_request({k: v for k, v in values.items() if k != "limit"})
        _, rows = engine.export(replace(search, level="document", sort="date"), values["limit"])  # newest first
        body = atom_feed(str(request.url), values["q"], rows)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def trend(request: Request) -> Response:
        values = parse_params(request.query_params, TREND_PARAMS)
        queries = tuple(values.get("q") or ("",))
        filters = search_request({k: v for k, v in values.items() if k in FILTER_NAMES})
        return cached(request, engine.trend(queries, values["by"], filters).to_dict())

    def cite(request: Request) -> Response:
        values = parse_params(request.query_params, CITE_PARAMS)
        text = engine.cite(request.path_params["symbol"], values["format"])
        extension = {"ris": "ris", "bibtex": "bib", "csl": "json"}[values["format"]]
        return Response(
            text,
            media_type=MEDIA_TYPES[values["format"]] + "; charset=utf-8",
            headers={"Content-Disposition": f'inline; filename="citation.{extension}"'},
        )

    def source(request: Request) -> Response:
        parse_params(request.query_params, ())
        path = engine.source_file(request.path_params["symbol"])
        return FileResponse(path, filename=path.name, content_disposition_type="inline")

    return [
        Route("/documents", safe(documents), methods=["GET"], name="documents"),
        Route("/documents/{symbol:path}/cite", safe(cite), methods=["GET"], name="cite"),
        Route("/documents/{symbol:path}/source", safe(source), methods=["GET"], name="source"),
        Route("/search.csv", safe(export("csv")), methods=["GET"], name="search_csv"),
        Route("/search.jsonl", safe(export("jsonl")), methods=["GET"], name="search_jsonl"),
        Route("/search.atom", safe(feed), methods=["GET"], name="search_atom"),
        Route("/trend", safe(trend), methods=["GET"], name="trend"),
    ]


def atom_feed(self_url: str, query: str, rows: list[dict[str, Any]]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of resolutions, newest first: an entry each, linking to its
    official PDF, dated by its adoption."""
    E = ElementMaker(namespace=ATOM, nsmap={None: ATOM})
    updated = max((row["date"] for row in rows if row.get("date")), default=None)
    entries = []
    for row in rows:
        when = f"{row['date']}T00:00:00Z" if row.get("date") else _now()
        entry = E.entry(
            E.id(f"urn:ga-search:{row['doc_id']}"),
            E.title(f"{row['symbol'] or row['doc_id']}: {row['title']}".strip(": ")),
            E.updated(when),
            E.published(when),
            E.summary(f"Session {row['session']}" if row.get("session") else ""),
        )
        if row.get("url"):
            entry.append(E.link(href=row["url"], rel="alternate"))
        entries.append(entry)
    feed = E.feed(
        E.id(f"urn:ga-search:search:{query}"),
        E.title(f"ga-search: {query}" if query else "ga-search: newest resolutions"),
        E.updated(f"{updated}T00:00:00Z" if updated else _now()),
        E.author(E.name("ga-search")),
        E.link(href=self_url, rel="self"),
        *entries,
    )
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""The service's answers: JSON written as UTF-8, errors as `{"error": {"code", "message",
"parameter"?}}` mapped from exceptions in one place (`error_response`), and `safe`, which wraps
every endpoint so no exception reaches the server."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from indexer.errors import GaSearchError, IndexError_
from search_api.core.deadline import RequestTooCostly
from search_api.errors import BodyTooLarge, NotFoundError, ParameterError, QuerySyntaxError
from search_api.http.threads import SEARCH_THREADS

error_log = logging.getLogger("ga_search.error")


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate echoed back (a parameter's name): escape it
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def error(status: int, code: str, message: str, parameter: str | None = None) -> JSON:
    described: dict[str, Any] = {"code": code, "message": message}
    if parameter:
        described["parameter"] = parameter
    return JSON({"error": described}, status_code=status)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def error_response(exc: Exception) -> JSON:
    if isinstance(exc, BodyTooLarge):
        return error(413, "body_too_large", str(exc), exc.parameter)
    if isinstance(exc, ParameterError):
        return error(400, "bad_parameter", str(exc), exc.parameter)
    if isinstance(exc, QuerySyntaxError):
        return error(400, "bad_query", str(exc), "q")
    if isinstance(exc, NotFoundError):
        return error(404, "not_found", str(exc))
    if isinstance(exc, IndexError_):
        return error(503, "index_unavailable", str(exc))
    if isinstance(exc, RequestTooCostly):
        return error(503, "too_costly", str(exc))
    if isinstance(exc, GaSearchError):
        return error(400, "bad_request", str(exc))
    error_log.exception("unexpected error", exc_info=exc)
    return error(500, "internal_error", "an internal error occurred; it has been logged")


Endpoint = Callable[[Request], Response] | Callable[[Request], Awaitable[Response]]


def safe(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """Every error becomes a JSON answer here, so no exception ever reaches the server. A plain
    `def` endpoint (a search: CPU-bound and synchronous) runs on one of the search threads
    (search_api/http/threads.py), so the event loop keeps answering other requests (`/healthz`
    included) while it works. Endpoints that take no search lane are `async`."""
    if inspect.iscoroutinefunction(endpoint):

        async def wrapped(request: Request) -> Response:
            try:
                return await endpoint(request)
            except Exception as exc:
                return error_response(exc)

    else:

        async def wrapped(request: Request) -> Response:
            try:
                return await SEARCH_THREADS.run(cast(Callable[[Request], Response], endpoint), request)
            except Exception as exc:
                return error_response(exc)

    wrapped.__name__ = endpoint.__name__
    return wrapped

"""The OpenAPI 3 document, generated from the routes and the parameter table (params.py)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from search_api.http.schemas import SCHEMAS
from search_api.params import (
    CHECK_PARAMS,
    CITE_PARAMS,
    CLAUSE_PRECEDENT_PARAMS,
    DOCUMENT_PARAMS,
    EXPORT_PARAMS,
    FACET_PARAMS,
    FEED_PARAMS,
    LINEAGE_PARAMS,
    LIST_PARAMS,
    PRECEDENT_OPTIONS,
    PRECEDENT_TEXT,
    SEARCH_PARAMS,
    SUGGEST_PARAMS,
    TREND_PARAMS,
    Param,
)

_ERROR = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS: dict[str, tuple[str, tuple[Param, ...], str]] = {
    "search": (
        "Search clauses or resolutions: hits, exact total, facet counts, highlights.",
        SEARCH_PARAMS,
        "SearchResult",
    ),
    "facets": (
        "Facet values and counts for a query, without hits (for filter menus).",
        FACET_PARAMS,
        "Facets",
    ),
    "document": (
        "One resolution with its clauses, citations, the documents citing it and, with parallel=, its clauses "
        "side by side with their versions in other languages.",
        DOCUMENT_PARAMS,
        "Document",
    ),
    "lineage": ("The series of a resolution, oldest first, each step with what changed.", LINEAGE_PARAMS, "Lineage"),
    "clause_precedents": (
        "Clauses of other resolutions worded the same or nearly the same, with diffs.",
        CLAUSE_PRECEDENT_PARAMS,
        "Precedents",
    ),
    "precedents": ("Precedents of a pasted paragraph (JSON body), with diffs.", (), "Precedents"),
    "check": (
        'Check a draft (JSON {"text"}, or its PDF, DOCX or text file as the body): each paragraph agreed, '
        "edited or new, with its sources, the shares, the resolutions drawn on and the predecessor beside it.",
        CHECK_PARAMS,
        "DraftCheck",
    ),
    "suggest": ("Completions for a search box: indexed words and titles.", SUGGEST_PARAMS, "Suggestions"),
    "healthz": (
        "Index loaded, document and clause counts, analyzer version, how busy the search lanes are.",
        (),
        "Health",
    ),
    "schema": ("The facets (names, labels, which count only clauses) and the search parameters.", (), "Schema"),
    "documents": (
        "What is indexed: the resolutions passing the query and filters, sorted by symbol, date or session, "
        "paged; format=csv for a table.",
        LIST_PARAMS,
        "DocumentList",
    ),
    "cite": ("A resolution as a reference: RIS, BibTeX or CSL-JSON.", CITE_PARAMS, "text"),
    "source": ("The file the document was indexed from, when this server has it.", (), "file"),
    "search_csv": (
        "Every hit (up to limit, at most 100,000) as CSV, one row a clause or resolution.",
        EXPORT_PARAMS,
        "text",
    ),
    "search_jsonl": ("Every hit (up to limit, at most 100,000) as JSON Lines.", EXPORT_PARAMS, "text"),
    "search_atom": ("An Atom feed of the newest matching resolutions.", FEED_PARAMS, "text"),
    "trend": (
        "Matching clauses and resolutions per session or year, for one query or several (q=a&q=b).",
        TREND_PARAMS,
        "Trend",
    ),
}
# Routes whose answer is not JSON: their media type.
_MEDIA_TYPES = {
    "cite": "text/plain",
    "source": "application/octet-stream",
    "search_csv": "text/csv",
    "search_jsonl": "application/x-ndjson",
    "search_atom": "application/atom+xml",
}
_PATH_PARAMS = {
    "symbol": "A symbol (A/RES/73/12, S/RES/1631(2005)), document id or file name.",
    "number": "A clause number as the document prints it: P3 (preambular), 4, 4(a).",
}


def _operation(name: str, path_params: list[str]) -> dict[str, Any]:
    summary, params, schema = _DESCRIPTIONS[name]
    parameters = [p.openapi() for p in params]
    parameters += [
        {
            "name": p,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": _PATH_PARAMS[p],
        }
        for p in path_params
    ]
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        },
        "400": {"description": "Bad query or parameter", "content": {"application/json": {"schema": _ERROR}}},
    }
    if "symbol" in path_params:
        responses["404"] = {
            "description": "Unknown document",
            "content": {"application/json": {"schema": _ERROR}},
        }
    if name == "healthz":
        responses["503"] = {
            "description": "Saturated: every search lane busy with searches waiting, or one held for long",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    if name in ("precedents", "check"):
        responses["413"] = {"description": "Body over the limit", "content": {"application/json": {"schema": _ERROR}}}
    if name not in ("healthz", "precedents", "check", "schema", *_MEDIA_TYPES):
        responses["304"] = {"description": "Not modified (ETag matched)"}
    if name in ("document", "clause_precedents", "lineage"):  # format=csv
        responses["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    if name in _MEDIA_TYPES:
        responses["200"]["content"] = {_MEDIA_TYPES[name]: {"schema": {"type": "string"}}}
    if name == "search_csv" or name == "search_jsonl":
        responses["503"] = {
            "description": "Another export is running: retry",
            "content": {"application/json": {"schema": _ERROR}},
        }
    operation = {"operationId": name, "summary": summary, "parameters": parameters, "responses": responses}
    if name == "precedents":
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _PRECEDENT_BODY}}}
    if name == "check":
        # format=csv|html|docx answer the same check as a CSV table, a printable page, the draft as DOCX.
        responses["200"]["content"].update(
            {
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}
                },
            }
        )
        draft = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": draft},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    return operation


def _body_schema(params: tuple[Param, ...], required: list[str]) -> dict[str, Any]:
    properties = {}
    for param in params:
        schema = param.openapi()["schema"]
        properties[param.name] = {**schema, "description": param.description}
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


_PRECEDENT_BODY = _body_schema((PRECEDENT_TEXT, *PRECEDENT_OPTIONS), ["text"])


def openapi_document(routes: list[BaseRoute]) -> dict[str, Any]:
    """OpenAPI 3.1 for every JSON route of the app (read from the app's own route list)."""
    paths: dict[str, Any] = {}
    for route in routes:
        if not isinstance(route, Route) or not route.include_in_schema or route.name not in _DESCRIPTIONS:
            continue
        path = route.path.replace("{symbol:path}", "{symbol}")
        path_params = [name for name in route.param_convertors]
        method = "post" if "POST" in (route.methods or ()) else "get"
        paths[path] = {method: _operation(route.name, path_params)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ga-search",
            "version": "0.1.0",
            "description": "Full-text search over UN General Assembly resolutions, Chinese first.",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }

"""The JSON shapes of the API's answers, as OpenAPI schemas (search_api/http/openapi.py puts them
in `/openapi.json`)."""

from __future__ import annotations

from typing import Any

_OBJECT = {"type": "object"}


def _array_of(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An array of objects with these properties."""
    return {"type": "array", "items": {"type": "object", "required": required, "properties": properties}}


SCHEMAS: dict[str, Any] = {
    "DocumentList": {
        "type": "object",
        "required": ["total", "page", "per_page", "documents"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "documents": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Trend": {
        "type": "object",
        "required": ["by", "series"],
        "properties": {
            "by": {"type": "string"},
            "series": {"type": "array", "items": {"type": "object"}},
            "took_ms": {"type": "number"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            }
        },
    },
    "Hit": {
        "type": "object",
        "required": [
            "doc_id",
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
        ],
        "properties": {
            "doc_id": {"type": "string"},
            "symbol": {"type": ["string", "null"]},
            "title": {"type": "string"},
            "session": {"type": ["integer", "null"]},
            "agenda_items": {"type": "array", "items": {"type": "string"}},
            "sponsors": {"type": "array", "items": {"type": "string"}},
            "sponsors_from": {"type": ["string", "null"], "description": "the draft the sponsors come from"},
            "origin": {"type": "array", "items": {"type": "string"}},
            "kind": {"type": "string"},
            "date": {"type": ["string", "null"]},
            "language": {"type": "string"},
            "clause": {"type": ["object", "null"]},
            "highlight": {"type": "string"},
            "highlight_spans": {"type": "array"},
            "score": {"type": "number"},
            "snippets": {"type": "array"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "hits", "facets", "took_ms"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "level": {"type": "string"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": _OBJECT,
            "facet_totals": _OBJECT,
            "took_ms": {"type": "number"},
            "did_you_mean": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Facets": {
        "type": "object",
        "required": ["query", "total", "facets", "took_ms"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "facets": _OBJECT,
            "facet_totals": _OBJECT,
            "took_ms": {"type": "number"},
        },
    },
    "Document": {
        "type": "object",
        "required": ["doc_id", "title", "clauses", "citations", "cited_by"],
        "properties": {
            "doc_id": {"type": "string"},
            "symbol": {"type": ["string", "null"]},
            "title": {"type": "string"},
            "clauses": {"type": "array"},
            "citations": {"type": "array"},
            "cited_by": {"type": "array"},
            "other_languages": {"type": "array", "items": {"type": "string"}},
            "parallel": {
                "type": "object",
                "description": "with parallel=LANG: each version found, {doc_id, aligned: number|order}",
            },
            "took_ms": {"type": "number"},
        },
    },
    "Precedents": {
        "type": "object",
        "required": ["text", "min_similarity", "precedents", "candidates", "took_ms"],
        "properties": {
            "text": {"type": "string"},
            "source": {"type": ["object", "null"]},
            "min_similarity": {"type": "number"},
            "precedents": _array_of(
                {
                    "doc_id": {"type": "string"},
                    "symbol": {"type": ["string", "null"]},
                    "clause": _OBJECT,
                    "similarity": {"type": "number"},
                    "relation": {"type": "string"},
                    "diff": {"type": "array", "items": {"$ref": "#/components/schemas/DiffPart"}},
                },
                ["doc_id", "symbol", "clause", "similarity", "relation", "diff"],
            ),
            "candidates": {"type": "integer"},
            "took_ms": {"type": "number"},
        },
    },
    "DiffPart": {
        "type": "object",
        "required": ["op", "text"],
        "properties": {"op": {"enum": ["equal", "delete", "insert"]}, "text": {"type": "string"}},
    },
    "Lineage": {
        "type": "object",
        "required": ["symbol", "title", "steps", "took_ms"],
        "properties": {
            "symbol": {"type": "string"},
            "title": {"type": "string"},
            "steps": {"type": "array", "items": _OBJECT},
            "took_ms": {"type": "number"},
        },
    },
    "Suggestions": {
        "type": "object",
        "required": ["q", "completions"],
        "properties": {
            "q": {"type": "string"},
            "completions": {"type": "array"},
            "took_ms": {"type": "number"},
        },
    },
    "Schema": {
        "type": "object",
        "required": ["facets", "search_parameters"],
        "properties": {
            "facets": _array_of(
                {
                    "name": {"type": "string"},
                    "label": {"type": "object", "additionalProperties": {"type": "string"}},
                    "multi_valued": {"type": "boolean"},
                    "numeric": {"type": "boolean"},
                    "clause_only": {"type": "boolean"},
                    "default": {"type": "boolean"},
                },
                ["name", "label", "multi_valued", "numeric", "clause_only", "default"],
            ),
            "search_parameters": {"type": "array", "items": _OBJECT},
        },
    },
    "DraftCheck": {
        "type": "object",
        "required": ["paragraphs", "shares", "drawn_on", "predecessor", "took_ms"],
        "properties": {
            "paragraphs": _array_of(
                {"number": {"type": "string"}, "verdict": {"enum": ["agreed", "edited", "new"]}},
                ["number", "verdict", "text", "sources"],
            ),
            "shares": _OBJECT,
            "drawn_on": {"type": "array", "items": _OBJECT},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "documents", "clauses", "analyzer_version"],
        "properties": {
            "status": {"type": "string"},
            "documents": {"type": "integer"},
            "clauses": {"type": "integer"},
            "analyzer_version": {"type": "string"},
        },
    },
}

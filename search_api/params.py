"""The HTTP parameters of each route: one table that both parses requests and writes the OpenAPI.

Keeping parsing and documentation in one table is what keeps `/openapi.json` truthful.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from indexer.model import CLAUSE_TYPES, KINDS
from search_api.errors import ParameterError
from search_api.facets import FACETS_BY_NAME
from search_api.models import (
    CITE_FORMATS,
    DEFAULT_PRECEDENTS,
    LEVELS,
    MAX_EXPORT,
    MAX_PER_PAGE,
    MAX_PRECEDENT_TEXT,
    MAX_PRECEDENTS,
    MAX_QUERY_LENGTH,
    MAX_TREND_QUERIES,
    MIN_SIMILARITY,
    PARALLEL_LANGUAGES,
    SIMILARITY_THRESHOLD,
    SORTS,
    TREND_BY,
    SearchRequest,
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "string" | "integer" | "number" | "boolean"
    description: str
    repeatable: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    max_length: int | None = None
    min_length: int | None = None
    comma_separated: bool = False  # a repeatable value may also be `a,b` in one parameter

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type}
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.min_length is not None:
            schema["minLength"] = self.min_length
        if self.default is not None:
            schema["default"] = self.default
        if self.repeatable:
            schema = {"type": "array", "items": schema}
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": schema,
            **({"style": "form", "explode": True} if self.repeatable else {}),
        }


FILTER_PARAMS: tuple[Param, ...] = (
    Param("session", "integer", "Session number; repeat for several (OR).", True, minimum=1, maximum=999),
    Param("agenda", "string", "Agenda item as written, e.g. 128(t); repeatable.", True, max_length=40),
    Param(
        "sponsor",
        "string",
        "Sponsor: English or Chinese name or ISO alpha-3 code; repeatable.",
        True,
        max_length=100,
    ),
    Param(
        "kind",
        "string",
        "Document kind; repeatable.",
        True,
        enum=KINDS,
    ),
    Param(
        "type",
        "string",
        "Clause type; at document level, resolutions with such a clause; repeatable.",
        True,
        enum=CLAUSE_TYPES,
    ),
    Param(
        "verb",
        "string",
        "Leading verb, e.g. 欢迎; at document level, resolutions with such a clause; repeatable.",
        True,
        max_length=40,
    ),
    Param("language", "string", "Language of the text: zh, zh-Hant, en; repeatable.", True, max_length=10),
    Param("cites", "string", "Cited resolution symbol, e.g. A/RES/59/50; repeatable.", True, max_length=60),
    Param("year_from", "integer", "First year (inclusive).", minimum=1945, maximum=2100),
    Param("year_to", "integer", "Last year (inclusive).", minimum=1945, maximum=2100),
)
PARALLEL_PARAM = Param(
    "parallel",
    "string",
    "Add each clause's counterpart in the resolution's version in this language (aligned by clause "
    "number, or by order where the versions' clauses differ); repeatable or comma-separated.",
    True,
    enum=PARALLEL_LANGUAGES,
    comma_separated=True,
)
LANG_PARAM = Param(
    "lang", "string", "Language of labels (facet values, kinds, verbs, sponsors).", enum=("zh", "en"), default="zh"
)
# A resolution, its precedents or its lineage as a CSV table instead of JSON (features/tables.py).
TABLE_FORMAT_PARAM = Param(
    "format", "string", "json, or csv: a row a clause (precedent, change).", enum=("json", "csv"), default="json"
)
DOCUMENT_PARAMS: tuple[Param, ...] = (PARALLEL_PARAM, LANG_PARAM, TABLE_FORMAT_PARAM)
LINEAGE_PARAMS: tuple[Param, ...] = (TABLE_FORMAT_PARAM,)
QUERY_PARAM = Param(
    "q",
    "string",
    'Query: words, "exact phrases", AND/OR/NOT, -word, field:value.',
    max_length=MAX_QUERY_LENGTH,
    default="",
)
SEARCH_PARAMS: tuple[Param, ...] = (
    QUERY_PARAM,
    *FILTER_PARAMS,
    Param(
        "level",
        "string",
        "clause: one hit per clause; document: one per resolution.",
        enum=LEVELS,
        default="clause",
    ),
    Param(
        "sort",
        "string",
        "relevance (BM25F), date or session (newest first).",
        enum=SORTS,
        default="relevance",
    ),
    Param("page", "integer", "Page number.", minimum=1, maximum=10_000, default=1),
    Param("per_page", "integer", "Hits per page.", minimum=0, maximum=MAX_PER_PAGE, default=20),
    Param(
        "facets",
        "string",
        "Facets to count (default: all but cites); repeatable or comma-separated.",
        True,
        enum=tuple(FACETS_BY_NAME),
        comma_separated=True,
    ),
    Param("facet_limit", "integer", "Values per facet.", minimum=1, maximum=200, default=10),
    LANG_PARAM,
    PARALLEL_PARAM,
)
FACET_PARAMS = tuple(p for p in SEARCH_PARAMS if p.name not in ("page", "per_page", "sort", "parallel"))
SUGGEST_PARAMS = (
    Param("q", "string", "The beginning of a word or title.", max_length=100, default=""),
    Param("limit", "integer", "Completions of each kind.", minimum=1, maximum=50, default=10),
)


# The researcher's workbench (search_api/http/workbench.py, the CLI's list, cite, trend, --all).
LIST_PARAMS: tuple[Param, ...] = (
    QUERY_PARAM,
    *FILTER_PARAMS,
    Param(
        "sort", "string", "symbol (natural order), date or session (newest first).", enum=SORTS[1:], default="symbol"
    ),
    Param("page", "integer", "Page number.", minimum=1, maximum=10_000, default=1),
    Param("per_page", "integer", "Documents per page.", minimum=1, maximum=MAX_PER_PAGE, default=50),
    Param("format", "string", "json or csv.", enum=("json", "csv"), default="json"),
    LANG_PARAM,
)
EXPORT_PARAMS: tuple[Param, ...] = (
    QUERY_PARAM,
    *FILTER_PARAMS,
    *(p for p in SEARCH_PARAMS if p.name in ("level", "sort")),
    Param(
        "limit", "integer", "Rows at most (every hit up to this).", minimum=1, maximum=MAX_EXPORT, default=MAX_EXPORT
    ),
)
FEED_PARAMS: tuple[Param, ...] = (
    QUERY_PARAM,
    *FILTER_PARAMS,
    Param("limit", "integer", "Entries, newest first.", minimum=1, maximum=MAX_PER_PAGE, default=20),
)
TREND_PARAMS: tuple[Param, ...] = (
    Param(
        "q",
        "string",
        f"A query; repeat for several side by side (at most {MAX_TREND_QUERIES}).",
        True,
        max_length=MAX_QUERY_LENGTH,
    ),
    *FILTER_PARAMS,
    Param("by", "string", "Count by session or by year.", enum=TREND_BY, default="session"),
)
CITE_PARAMS: tuple[Param, ...] = (
    Param("format", "string", "ris, bibtex or csl (CSL-JSON).", enum=CITE_FORMATS, default="ris"),
)


PRECEDENT_OPTIONS: tuple[Param, ...] = (
    Param(
        "min_similarity",
        "number",
        "Lowest similarity returned (Jaccard of 4-unit shingles; 1 is the same wording).",
        minimum=MIN_SIMILARITY,
        maximum=1.0,
        default=SIMILARITY_THRESHOLD,
    ),
    Param(
        "limit",
        "integer",
        "Precedents returned, best first.",
        minimum=1,
        maximum=MAX_PRECEDENTS,
        default=DEFAULT_PRECEDENTS,
    ),
)
CLAUSE_PRECEDENT_PARAMS: tuple[Param, ...] = (
    *PRECEDENT_OPTIONS,
    PARALLEL_PARAM,
    Param("include_later", "boolean", "Also later uses of the wording, not only precedents.", default=False),
    TABLE_FORMAT_PARAM,
)
# POST /check: the draft is the body (JSON {"text": ...}, or the file itself: PDF, DOCX, text).
CHECK_PARAMS: tuple[Param, ...] = (
    PARALLEL_PARAM,
    Param("session_from", "integer", "Only precedents of this session or later.", minimum=1, maximum=999),
    Param("session_to", "integer", "Only precedents of this session or earlier.", minimum=1, maximum=999),
    Param("kind", "string", "Only precedents of this kind; repeatable.", True, enum=KINDS),
    Param(
        "format",
        "string",
        "The answer: json, csv (a row a paragraph), html (a printable page) or docx (the draft with a "
        "comment on each paragraph and the changes against the nearest precedent tracked).",
        enum=("json", "csv", "html", "docx"),
        default="json",
    ),
    LANG_PARAM,
)
PRECEDENT_TEXT = Param(
    "text", "string", "The paragraph to find precedents of.", max_length=MAX_PRECEDENT_TEXT, min_length=1
)


def _convert(param: Param, raw: str) -> Any:
    if param.type == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ParameterError(param.name, f"{raw!r} is not true or false")
        return raw.lower() in ("true", "1")
    if param.type in ("integer", "number"):
        try:
            value = int(raw) if param.type == "integer" else float(raw)
        except ValueError:
            kind = "a whole number" if param.type == "integer" else "a number"
            raise ParameterError(param.name, f"{raw!r} is not {kind}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ParameterError(param.name, f"{raw!r} is not a finite number")
        if param.minimum is not None and value < param.minimum:
            raise ParameterError(param.name, f"must be at least {param.minimum}")
        if param.maximum is not None and value > param.maximum:
            raise ParameterError(param.name, f"must be at most {param.maximum}")
        return value
    if not _is_unicode(raw):
        raise ParameterError(param.name, "holds a lone surrogate (\\ud800-\\udfff), which is not text")
    if param.min_length is not None and len(raw.strip()) < param.min_length:
        raise ParameterError(param.name, f"must hold at least {param.min_length} character(s)")
    if param.max_length is not None and len(raw) > param.max_length:
        raise ParameterError(param.name, f"is {len(raw)} characters long; the limit is {param.max_length}")
    if param.enum and raw not in param.enum:
        what = param.name[:-1] if param.repeatable and param.name.endswith("s") else param.name
        raise ParameterError(param.name, f"unknown {what} {raw!r}; known: {', '.join(param.enum)}")
    return raw


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class QueryValues(Protocol):
    """What `parse_params` reads of a query string: its names, and each name's values (Starlette's
    `QueryParams` has both; the CLI hands in its options without importing Starlette)."""

    def __iter__(self) -> Iterator[str]: ...

    def getlist(self, key: str) -> list[str]: ...


class OptionValues:
    """A list of (name, value) pairs as `QueryValues`: the command line's options."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for name, _ in self._pairs))

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self._pairs if name == key]


def parse_params(query: QueryValues, params: tuple[Param, ...]) -> dict[str, Any]:
    """Validated values of the known parameters; unknown ones are refused, not ignored."""
    known = {p.name: p for p in params}
    for name in query:
        if name not in known:
            raise ParameterError(name, f"unknown parameter; this route takes {', '.join(known)}")
    values: dict[str, Any] = {}
    for param in params:
        raw_values = query.getlist(param.name)
        if param.comma_separated:
            raw_values = [piece.strip() for raw in raw_values for piece in raw.split(",")]
        if not raw_values:
            if param.default is not None:
                values[param.name] = () if param.repeatable else param.default
            continue
        if param.repeatable:
            values[param.name] = tuple(_convert(param, raw) for raw in raw_values if raw != "")
        else:
            if len(raw_values) > 1:
                raise ParameterError(param.name, "given more than once")
            values[param.name] = _convert(param, raw_values[0])
    return values


JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def body_values(body: object, params: tuple[Param, ...], required: tuple[str, ...]) -> dict[str, Any]:
    """Validated values of a JSON object body, by the same table as query parameters."""
    if not isinstance(body, dict):
        raise ParameterError("body", "must be a JSON object")
    known = {p.name: p for p in params}
    for name in body:
        if name not in known:
            raise ParameterError(str(name), f"unknown field; this route takes {', '.join(known)}")
    values: dict[str, Any] = {}
    for param in params:
        if param.name not in body:
            if param.name in required:
                raise ParameterError(param.name, "is required")
            if param.default is not None:
                values[param.name] = param.default
            continue
        raw = body[param.name]
        expected = JSON_TYPES[param.type]
        if not isinstance(raw, expected) or (param.type != "boolean" and isinstance(raw, bool)):
            raise ParameterError(param.name, f"must be a JSON {param.type}")
        values[param.name] = raw if param.type == "boolean" else _convert(param, str(raw))
    return values


def validate_request(request: SearchRequest) -> None:
    """Hold a request built in code (the CLI, an embedder, the tests) to the same table, with the
    same messages, as one that came over HTTP."""
    for param in SEARCH_PARAMS:
        value = getattr(request, param.name, None)
        if value is None:
            continue
        for item in value if param.repeatable else (value,):
            _convert(param, str(item))


def search_request(values: dict[str, Any]) -> SearchRequest:
    fields = {k: v for k, v in values.items() if k in SearchRequest.__dataclass_fields__}
    if "facets" in fields and not fields["facets"]:
        del fields["facets"]
    return SearchRequest(**fields)

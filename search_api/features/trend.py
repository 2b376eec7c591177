"""How often, and since when, the Assembly used a wording: matching clauses and resolutions per
session or year, for one query or several side by side (`q=a&q=b`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from search_api.core.docsets import SnapshotCache
from search_api.core.searching import SnapshotSearch
from search_api.facets import FACETS_BY_NAME
from search_api.models import SearchRequest, plain


@dataclass
class TrendSeries:
    query: str
    clauses: int  # matching clauses in all
    resolutions: int
    # One point a session (or year) with a match, in order: {"value", "clauses", "resolutions"}.
    points: list[dict[str, int]] = field(default_factory=list)


@dataclass
class TrendResult:
    by: str
    series: list[TrendSeries]
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def trend_series(searcher: Searcher, cache: SnapshotCache, request: SearchRequest, by: str) -> TrendSeries:
    """The matching clauses and their resolutions, counted by `by` ("session" or "year")."""
    clauses = SnapshotSearch(searcher, cache).matching(request)
    column = FACETS_BY_NAME[by].field
    by_clause = cache.count(column, clauses, False)
    records, _ = cache.resolution_tally(cache.resolution_counts(clauses))
    _, codes, table = cache.value_codes(column, False)
    tally = np.bincount(codes[records], minlength=len(table)) if len(records) else np.zeros(len(table), int)
    by_resolution = {table[code]: int(tally[code]) for code in np.flatnonzero(tally)}
    values = sorted(v for v in by_clause if FACETS_BY_NAME[by].real(v))
    points = [{"value": int(v), "clauses": by_clause[v], "resolutions": by_resolution.get(v, 0)} for v in values]
    return TrendSeries(request.q, len(clauses), len(records), points)

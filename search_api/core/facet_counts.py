"""A facet's counts as arrays: each value's code in its column's table and how many matching
documents have it. A search counts eight facets, and a facet such as `cites` has thousands of
values, of which ten are shown: the shown ones are chosen on the arrays, and only they become
Python objects (a dict of every value, then a pass over it, was a sixth of a search at 1M)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from search_api.facets import FacetDefinition


class FacetCounts(Mapping[Any, int]):
    """Counts by value, read as a mapping (value -> count, values with a count only) or as arrays."""

    def __init__(self, table: list[Any], tally: np.ndarray) -> None:
        self.table = table  # the column's distinct values, by code
        self.codes = np.flatnonzero(tally)
        self.counts = np.asarray(tally)[self.codes].astype(np.int64)
        self._by_value: dict[Any, int] | None = None

    def _mapping(self) -> dict[Any, int]:
        if self._by_value is None:
            table = self.table
            self._by_value = {table[c]: n for c, n in zip(self.codes.tolist(), self.counts.tolist(), strict=True)}
        return self._by_value

    def __getitem__(self, value: Any) -> int:
        return self._mapping()[value]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self.codes)

    def top(self, facet: FacetDefinition, limit: int) -> tuple[list[tuple[Any, int]], int]:
        """The values that can be among the `limit` commonest real ones (every value whose count
        reaches the limit-th largest: ties at the cut are the caller's to order), and how many
        real values there are (`facet.real`: not a missing value)."""
        codes, counts = self.codes, self.counts
        unreal = _unreal_codes(facet, self.table)
        if len(unreal):
            keep = ~np.isin(codes, unreal)
            codes, counts = codes[keep], counts[keep]
        total = len(codes)
        if 0 < limit < total:
            lowest = np.partition(counts, total - limit)[total - limit]
            chosen = counts >= lowest
            codes, counts = codes[chosen], counts[chosen]
        table = self.table
        return [(table[c], n) for c, n in zip(codes.tolist(), counts.tolist(), strict=True)], total


# The codes of a table's values that are not real for a facet, worked out once a table (a table
# belongs to one index generation and is the same object for every search on it).
_UNREAL: dict[tuple[str, int], tuple[list[Any], np.ndarray]] = {}
_UNREAL_TABLES = 64


def _unreal_codes(facet: FacetDefinition, table: list[Any]) -> np.ndarray:
    key = (facet.name, id(table))
    found = _UNREAL.get(key)
    if found is not None and found[0] is table:
        return found[1]
    codes = np.array([code for code, value in enumerate(table) if not facet.real(value)], dtype=np.int64)
    if len(_UNREAL) >= _UNREAL_TABLES:
        _UNREAL.clear()
    _UNREAL[key] = (table, codes)
    return codes

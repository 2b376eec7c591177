"""The facet table: one place that the engine, the OpenAPI document and the page all read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacetDefinition:
    name: str  # name in requests and responses
    field: str  # index field
    label_zh: str
    label_en: str
    multi_valued: bool = False
    numeric: bool = False
    sort_by_value: bool = False  # sessions and years read better in order than by count
    # Values that differ between the clauses of one resolution: a resolution counts once for each
    # value any of its matching clauses has.
    varies_by_clause: bool = False


FACETS: tuple[FacetDefinition, ...] = (
    FacetDefinition("session", "session", "届会", "Session", numeric=True),
    FacetDefinition("agenda", "agenda", "议程项目", "Agenda item", multi_valued=True),
    FacetDefinition("sponsor", "sponsor", "提案国", "Sponsor", multi_valued=True),
    FacetDefinition("kind", "kind", "文件类型", "Kind"),
    FacetDefinition("type", "clause_type", "段落类型", "Clause type"),
    FacetDefinition("verb", "verb", "引导动词", "Leading verb"),
    FacetDefinition("year", "year", "年份", "Year", numeric=True),
    FacetDefinition("language", "language", "语言", "Language"),
    FacetDefinition("cites", "cites", "引用的决议", "Cites", multi_valued=True, varies_by_clause=True),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
DEFAULT_FACETS = ("session", "agenda", "sponsor", "kind", "type", "verb", "year", "language")

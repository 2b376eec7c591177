"""The facet table: one place that the search, the HTTP parameters, the CLI, the OpenAPI document
and the page (through `GET /schema`) all read.

It is also the one map between names: a facet's `name` is its request parameter, its facet key in
responses and its CLI option; `field` is the index field it reads (`type` -> `clause_type`).
Hits name these fields in the plural where they hold lists (`sponsors`, `agenda_items`).
"""

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
    # A property of single clauses (not of resolutions): not counted at the document level.
    clause_only: bool = False
    # A filter parameter of its own (year has year_from/year_to instead).
    filtered: bool = True

    def real(self, value: object) -> bool:
        """Whether a counted value is one: not missing (None, "", 0), and a number in range for a
        numeric facet (a missing number is stored as the numeric column's largest value)."""
        if value in (None, "", 0, b""):
            return False
        return not self.numeric or (isinstance(value, int) and 0 < value < 100_000)

    def describe(self) -> dict[str, object]:
        """What a front end needs to draw this facet's menu (`GET /schema`)."""
        return {
            "name": self.name,
            "label": {"zh": self.label_zh, "en": self.label_en},
            "multi_valued": self.multi_valued,
            "numeric": self.numeric,
            "clause_only": self.clause_only,
            "default": self.name in DEFAULT_FACETS,
        }


FACETS: tuple[FacetDefinition, ...] = (
    FacetDefinition("session", "session", "届会", "Session", numeric=True),
    FacetDefinition("agenda", "agenda", "议程项目", "Agenda item", multi_valued=True),
    FacetDefinition("sponsor", "sponsor", "提案国", "Sponsor", multi_valued=True),
    FacetDefinition("kind", "kind", "文件类型", "Kind"),
    FacetDefinition("type", "clause_type", "段落类型", "Clause type", clause_only=True),
    FacetDefinition("verb", "verb", "引导动词", "Leading verb", clause_only=True),
    FacetDefinition("year", "year", "年份", "Year", numeric=True, filtered=False),
    FacetDefinition("language", "language", "语言", "Language"),
    FacetDefinition("cites", "cites", "引用的决议", "Cites", multi_valued=True, varies_by_clause=True),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
DEFAULT_FACETS = ("session", "agenda", "sponsor", "kind", "type", "verb", "year", "language")
CLAUSE_ONLY_FACETS = tuple(facet.name for facet in FACETS if facet.clause_only)
FILTERED_FACETS = tuple(facet.name for facet in FACETS if facet.filtered)

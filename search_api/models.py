"""The search layer's request and result types, and their one JSON shape (API, CLI, page)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any


def plain(value: Any) -> Any:
    """A result as JSON-ready dicts and lists, what `dataclasses.asdict` gives, without its deep
    copy of every value (a third of a small search's time on the seeds): the values are strings,
    numbers and containers the result owns."""
    kind: type = type(value)
    if kind in _SCALARS:  # most values: answered before any other test
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return kind(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names; None for any other type (a dataclass itself included)."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


LEVELS = ("clause", "document")
SORTS = ("relevance", "date", "session", "symbol")
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 1000
DEFAULT_PRECEDENTS = 10
MAX_PRECEDENTS = 100
MAX_PRECEDENT_TEXT = 5000
MIN_SIMILARITY = 0.1
# The default bar for a precedent: a clause with its session, date or a few words updated scores
# 0.6 to 0.9, clauses sharing only a formula 0.2 to 0.45 (bench/precedents.py).
SIMILARITY_THRESHOLD = 0.5
MAX_EXPORT = 100_000  # rows an export (CSV, JSON Lines) gives at most
TREND_BY = ("session", "year")
MAX_TREND_QUERIES = 5
CITE_FORMATS = ("ris", "bibtex", "csl")
# The languages a resolution's version can be asked for in (`parallel=`): the six, and traditional Chinese.
PARALLEL_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh", "zh-Hant")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    session: tuple[int, ...] = ()
    agenda: tuple[str, ...] = ()
    sponsor: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    verb: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    level: str = "clause"
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] | None = None  # None: the default facets
    facet_limit: int = 10
    highlight: bool = True
    parallel: tuple[str, ...] = ()  # languages whose version of each clause hit to add


@dataclass
class ClauseView:
    number: str
    type: str
    verb: str | None
    text: str
    verb_phrase: str | None = None
    citations: list[str] = field(default_factory=list)
    # The clause's footnotes, their text (the marks are not in `text`).
    notes: list[str] = field(default_factory=list)
    # With `parallel=LANG`: this clause in that language's version ({"number", "text"}).
    parallel: dict[str, dict[str, str]] = field(default_factory=dict)
    # `type` and `verb` in the interface language (search_api/labels.py).
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class ResolutionFields:
    """What every hit and document view says about its resolution (the JSON keys come first)."""

    doc_id: str
    symbol: str | None
    title: str
    session: int | None
    agenda_items: list[str]
    sponsors: list[str]
    sponsors_from: str | None  # the draft the sponsors were taken from, when the text names none
    origin: list[str]  # the drafts or committee report the resolution was adopted from
    kind: str
    date: str | None
    language: str


@dataclass
class Hit(ResolutionFields):
    clause: ClauseView | None
    highlight: str
    highlight_spans: list[tuple[int, int]]
    score: float
    snippets: list[dict[str, Any]] = field(default_factory=list)
    # `kind`, `language` and `sponsors` in the interface language (search_api/labels.py).
    labels: dict[str, Any] = field(default_factory=dict)
    # In a partial match (`SearchResult.match`): the words of the query this hit lacks.
    missing: list[str] = field(default_factory=list)


@dataclass
class FacetValue:
    value: str | int  # what a filter takes
    count: int
    label: str = ""  # the value in the interface language (search_api/labels.py)


@dataclass
class FacetResult:
    label: str
    values: list[FacetValue]
    total_values: int


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    level: str
    hits: list[Hit]
    facets: dict[str, FacetResult]
    took_ms: float
    did_you_mean: list[str] = field(default_factory=list)
    # "all": every hit has every word; "partial": none had, and the hits lack one word each (`missing`).
    match: str = "all"

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        data["facets"] = {
            name: [{"value": v.value, "count": v.count, "label": v.label} for v in facet.values]
            for name, facet in self.facets.items()
        }
        data["facet_totals"] = {name: facet.total_values for name, facet in self.facets.items()}
        return data


@dataclass
class DocumentView(ResolutionFields):
    source: str
    clauses: list[ClauseView]
    citations: list[str]
    cited_by: list[dict[str, Any]]
    other_languages: list[str]
    # With `parallel=LANG`: {LANG: {"doc_id", "aligned": "number" | "order"}} for each found.
    parallel: dict[str, dict[str, str]] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)  # as a hit's
    # A scan's text read by OCR: how (`tesseract (rus), mean word confidence 71.2`); None otherwise.
    ocr: str | None = None
    # The official versions (search_api/links.py): `official`, `ods` by language, `digital_library`;
    # the service adds `source` (the indexed file) when it has it.
    links: dict[str, Any] = field(default_factory=dict)
    # Each citation: {"symbol", "indexed", "doc_id" (None when not indexed), "url" (its ODS PDF)}.
    citation_links: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass
class Precedent(ResolutionFields):
    """A clause of another resolution with the same or nearly the same wording."""

    clause: ClauseView
    # Jaccard of the two shingle sets (indexer/similarity.py); for a pasted text, or the share
    # of the text's shingles the clause contains, if higher (search_api/features/precedents.py)
    similarity: float
    relation: str  # "earlier", "same day", "later" or "undated", seen from the clause asked about
    diff: list[dict[str, str]]  # from this precedent's wording to the clause asked about


@dataclass
class PrecedentResult:
    text: str
    source: dict[str, Any] | None  # the clause asked about, when it is an indexed one
    min_similarity: float
    precedents: list[Precedent]
    candidates: int  # clauses the band keys proposed; `precedents` are those that passed
    took_ms: float

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass
class ClauseChange:
    number: str  # in the later resolution ("" for a removed clause)
    previous_number: str  # in the earlier one ("" for an added clause)
    change: str  # "unchanged", "edited", "added", "removed" or (a draft beside its predecessor) "moved"
    similarity: float
    diff: list[dict[str, str]]


@dataclass
class LineageStep:
    symbol: str
    doc_id: str | None  # None: cited by the series but not in the index
    title: str
    session: int | None
    date: str | None
    link: str  # why it belongs to the series: "this resolution", "same title", "cited by A/RES/..."
    sponsors_added: list[str] = field(default_factory=list)
    sponsors_removed: list[str] = field(default_factory=list)
    changes: list[ClauseChange] = field(default_factory=list)  # against the previous indexed step
    summary: dict[str, int] = field(default_factory=dict)
    url: str | None = None  # its official PDF (search_api/links.py): where to read a step not indexed


@dataclass
class LineageResult:
    symbol: str
    title: str
    steps: list[LineageStep]  # oldest first
    took_ms: float

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

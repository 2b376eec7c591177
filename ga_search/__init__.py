"""ga-search from Python, for notebooks and scripts: open an index and ask it what the service and
the command line answer, as typed results.

    from ga_search import Index

    index = Index("index")
    result = index.search("维持和平", session=73, limit=5)
    for hit in result.hits:
        print(hit.symbol, hit.clause.number if hit.clause else "", hit.clause.text if hit.clause else "")
    frame = index.to_pandas('"outer space"', language="en")   # every hit, a row each (needs pandas)

Keyword filters are the search parameters (session, agenda, sponsor, kind, type, verb, language,
cites, year_from, year_to, level, sort, page); a filter may be one value or a list.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.model import Resolution
from search_api.engine import SearchEngine
from search_api.features.check import DraftCheck
from search_api.features.trend import TrendResult
from search_api.models import (
    MAX_EXPORT,
    DocumentView,
    Hit,
    LineageResult,
    PrecedentResult,
    SearchRequest,
    SearchResult,
)
from search_api.params import SEARCH_PARAMS, search_request

if TYPE_CHECKING:
    import pandas

__all__ = ["DocumentView", "DraftCheck", "Hit", "Index", "LineageResult", "PrecedentResult", "SearchResult"]
_REPEATABLE = {p.name for p in SEARCH_PARAMS if p.repeatable}


class Index:
    """One ga-search index directory (what `ga-search index` builds)."""

    def __init__(self, path: str | Path = "index") -> None:
        self.engine = SearchEngine(path)

    def search(self, q: str = "", *, limit: int = 10, english: bool = False, **filters: Any) -> SearchResult:
        """A page of hits (`limit` of them), the exact total and facet counts."""
        return self.engine.search(self._request(q, per_page=limit, **filters), english=english)

    def show(self, symbol: str, *, parallel: Iterable[str] = ()) -> DocumentView:
        """One resolution by symbol, document id or file name, its clauses numbered."""
        return self.engine.document(symbol, tuple(parallel))

    def precedents(self, text: str, *, min_similarity: float = 0.5, limit: int = 10) -> PrecedentResult:
        """Clauses worded the same or nearly the same as `text`, best first, with diffs."""
        return self.engine.precedents(text, min_similarity=min_similarity, limit=limit)

    def lineage(self, symbol: str) -> LineageResult:
        """The series of a resolution across sessions, oldest first, with what changed."""
        return self.engine.lineage(symbol)

    def trend(self, *queries: str, by: str = "session", **filters: Any) -> TrendResult:
        """Matching clauses and resolutions a session (or year) for each query."""
        return self.engine.trend(tuple(queries) or ("",), by, self._request("", **filters))

    def check(self, draft: str | Path) -> DraftCheck:
        """A draft (a file, or its text) checked paragraph by paragraph: agreed, edited or new."""
        from indexer.readers import read_document
        from indexer.structure import parse_text

        resolution: Resolution = read_document(draft) if isinstance(draft, Path) else parse_text(draft, "<text>")
        return self.engine.check(resolution)

    def rows(self, q: str = "", *, limit: int = MAX_EXPORT, **filters: Any) -> list[dict[str, Any]]:
        """Every hit (at most `limit`) as a row: symbol, title, date, session, agenda, sponsors,
        language, kind, clause, type, verb, text, url (what `GET /search.csv` gives)."""
        return self.engine.export(self._request(q, **filters), limit)[1]

    def to_pandas(self, q: str = "", *, limit: int = MAX_EXPORT, **filters: Any) -> pandas.DataFrame:
        """`rows` as a pandas DataFrame (pandas must be installed: pip install pandas)."""
        try:
            import pandas
        except ImportError as error:
            raise ImportError("to_pandas needs pandas: pip install pandas (or use .rows())") from error
        return pandas.DataFrame(self.rows(q, limit=limit, **filters))

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @staticmethod
    def _request(q: str, **filters: Any) -> SearchRequest:
        values: dict[str, Any] = {"q": q}
        for name, value in filters.items():
            if name in _REPEATABLE and not isinstance(value, (list, tuple)):
                value = (value,)
            values[name] = tuple(value) if isinstance(value, list) else value
        return search_request(values)

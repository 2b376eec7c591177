"""A filter value that no record has (`sponsor=Narnia`, `language=xx`) is a mistake to say, not a
search to answer with 0 hits in silence: the answer names the closest values this index has."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from whoosh.searching import Searcher

from search_api.core.docsets import SnapshotCache
from search_api.core.query import normalise_value
from search_api.errors import ParameterError
from search_api.facets import FACETS_BY_NAME
from search_api.labels import facet_label
from search_api.models import SearchRequest

# Facets whose values are words a person types (numbers and the kind's fixed list are checked by
# the parameter table; a session with no resolution is a true 0).
CHECKED_FACETS = ("sponsor", "agenda", "verb", "language", "cites")
SUGGESTIONS = 3
MIN_SCORE = 60  # RapidFuzz WRatio, 0-100: below it a value is no suggestion


def check_filter_values(searcher: Searcher, cache: SnapshotCache, request: SearchRequest) -> None:
    """Raise `ParameterError` for the first filter value no record of the index has."""
    reader = searcher.reader()
    for name in CHECKED_FACETS:
        facet = FACETS_BY_NAME[name]
        for value in getattr(request, name, ()):
            term = normalise_value(facet.field, str(value))
            if term and reader.doc_frequency(facet.field, term):
                continue
            table = [v for v in cache.value_codes(facet.field, facet.multi_valued)[2] if facet.real(v)]
            labels = {facet_label(name, v, "en"): v for v in table} | {facet_label(name, v, "zh"): v for v in table}
            close = process.extract(str(value), list(labels), scorer=fuzz.WRatio, limit=SUGGESTIONS * 2)
            named = list(dict.fromkeys(str(labels[label]) for label, score, _ in close if score >= MIN_SCORE))
            hint = f"; did you mean: {', '.join(named[:SUGGESTIONS])}" if named else ""
            raise ParameterError(name, f"no record in this index has {name} {value!r}{hint}")

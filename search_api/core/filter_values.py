"""A filter value that names nothing (`sponsor=Narnia`, `language=xx`) is a mistake to say, not a
search to answer with 0 hits in silence: the answer names the closest values this index has.

Only values outside the vocabulary are refused: a member state, a verb concept or an official
language that no record of this index has is a true 0 (as a session without resolutions is), and
agenda items and cited symbols are free-form, where "no record" is the answer asked for."""

from __future__ import annotations

from whoosh.searching import Searcher

from analyzers.dictionaries import member_states
from indexer.verbs import ZH_VERBS, concept_for, verb_table
from search_api.core.docsets import SnapshotCache
from search_api.core.query import normalise_value
from search_api.errors import ParameterError
from search_api.facets import FACETS_BY_NAME
from search_api.labels import LANGUAGE_NAMES, facet_label
from search_api.models import SearchRequest

CHECKED_FACETS = ("sponsor", "verb", "language")
SUGGESTIONS = 3
MIN_SCORE = 60  # RapidFuzz WRatio, 0-100: below it a value is no suggestion


def check_filter_values(searcher: Searcher, cache: SnapshotCache, request: SearchRequest) -> None:
    """Raise `ParameterError` for the first filter value that is in neither the vocabulary nor
    the index, naming the index's closest values."""
    reader = searcher.reader()
    for name in CHECKED_FACETS:
        facet = FACETS_BY_NAME[name]
        for value in getattr(request, name, ()):
            term = normalise_value(facet.field, str(value))
            if known(name, str(value)) or (term and reader.doc_frequency(facet.field, term)):
                continue
            table = [v for v in cache.value_codes(facet.field, facet.multi_valued)[2] if facet.real(v)]
            labels = {facet_label(name, v, "en"): v for v in table} | {facet_label(name, v, "zh"): v for v in table}
            from rapidfuzz import fuzz, process  # here: only an unknown filter value needs it

            close = process.extract(str(value), list(labels), scorer=fuzz.WRatio, limit=SUGGESTIONS * 2)
            named = list(dict.fromkeys(str(labels[label]) for label, score, _ in close if score >= MIN_SCORE))
            hint = f"; did you mean: {', '.join(named[:SUGGESTIONS])}" if named else ""
            raise ParameterError(name, f"unknown {name} {value!r}: no record in this index has it{hint}")


def known(name: str, value: str) -> bool:
    """Whether `value` is in the vocabulary of facet `name` (member states, verb concepts in any
    language, the languages the index reads), whether or not this index has it."""
    if name == "sponsor":
        return member_states.lookup(value) is not None
    if name == "verb":
        concept = concept_for(value)
        return concept in verb_table().labels or concept in ZH_VERBS
    if name == "language":
        return value.strip().lower() in {code.lower() for code in LANGUAGE_NAMES}
    return True

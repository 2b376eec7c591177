"""One search over one index snapshot: match, filter, count facets, order, page, render.

Matching: the query is evaluated once, over the whole snapshot, into arrays of every matching
clause and its BM25F score (search_api/core/evaluate.py, on postings decoded once per snapshot); the
exact total, the page (a partial sort) and the facet counts all come from those arrays.

Facet counts are disjunctive: a facet's own selection does not shrink its own counts. Filters
are per-snapshot cached masks, and counts `bincount` each facet's column, read once per snapshot
as value codes (search_api/core/docsets.py); every value of a multi-valued field counts (every
sponsor of a clause). The document level collapses matching clauses to the best one per
resolution and counts resolutions.
"""

from __future__ import annotations

import time
from itertools import combinations, islice
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from analyzers.languages import STEMMED_LANGUAGES
from search_api.core.deadline import check_budget
from search_api.core.docsets import SnapshotCache
from search_api.core.evaluate import Evaluator, Scored
from search_api.core.facet_counts import FacetCounts
from search_api.core.filter_values import check_filter_values
from search_api.core.hits import StoredHit, facet_result, render_hit
from search_api.core.masks import kept_pair
from search_api.core.parallel import add_parallels
from search_api.core.query import highlight_terms, normalise_value, parse_query
from search_api.facets import CLAUSE_ONLY_FACETS, DEFAULT_FACETS, FACETS_BY_NAME, FILTERED_FACETS, FacetDefinition
from search_api.labels import label_view
from search_api.models import SearchRequest, SearchResult
from search_api.params import validate_request

SNIPPETS_PER_DOCUMENT = 3


def _filter_values(request: SearchRequest, facet: FacetDefinition) -> list[wq.Query]:
    values: tuple[Any, ...] = getattr(request, facet.name, ())
    if facet.numeric:  # one term a value (shift_step=0: indexer/schema.py), read as postings
        return [wq.Term(facet.field, int(v)) for v in values]
    return [wq.Term(facet.field, normalise_value(facet.field, str(v))) for v in values]


def filter_parts(request: SearchRequest, exclude: str | None = None) -> list[list[wq.Query]]:
    """Clause records, then one group of alternatives per filtered field (OR within a group, AND
    across groups); `exclude` leaves one field out, for its own disjunctive facet counts.

    Both levels search clause records (which inherit their resolution's fields:
    search_api/core/docsets.py); the document level then collapses them by resolution."""
    parts: list[list[wq.Query]] = [[wq.Term("level", "clause")]]
    for name in FILTERED_FACETS:
        if name != exclude:
            alternatives = _filter_values(request, FACETS_BY_NAME[name])
            if alternatives:
                parts.append(alternatives)
    if exclude != "year" and (request.year_from or request.year_to):
        parts.append([wq.NumericRange("year", request.year_from, request.year_to)])
    return parts


def parsed(request: SearchRequest) -> wq.Query | None:
    """The request's query, checked against the parameter table first; stems only in the
    languages it is limited to."""
    validate_request(request)
    stemmed = [language for language in request.language if language in STEMMED_LANGUAGES]
    languages = tuple(stemmed) if request.language else STEMMED_LANGUAGES
    return parse_query(request.q, with_titles=request.level == "document", languages=languages)


def _best_of_each(docs: np.ndarray, keys: np.ndarray, groups: np.ndarray, group_count: int) -> np.ndarray:
    """The best match of each group (the least key, ties by document number), the groups in the
    order of their best: what sorting every match and keeping each group's first gives, without
    that sort (one pass for the least key, one for the least document, then a sort of the groups
    alone), and once a search, not once for each facet as well (1M clauses, bench/profile_search.py
    --kind document: first run median / slowest 22.8 / 48.5 -> 16.5 / 26 ms, p95 41.6 -> 16.6)."""
    least = np.full(group_count, np.inf)
    np.minimum.at(least, groups, keys)
    tied = keys == least[groups]
    none = np.iinfo(np.int64).max
    first = np.full(group_count, none, dtype=np.int64)
    np.minimum.at(first, *kept_pair(groups, docs, tied))
    present = np.flatnonzero(first != none)
    best = first[present]
    return best[np.lexsort((best, least[present]))]


class SnapshotSearch:
    """A search request run against one snapshot (a searcher and its cache)."""

    def __init__(self, searcher: Searcher, cache: SnapshotCache) -> None:
        self.searcher = searcher
        self.cache = cache

    def run(self, request: SearchRequest, english: bool = False) -> SearchResult:
        """Hits for the page, exact total, facet counts, highlights."""
        started = time.perf_counter()
        q = self._query(request)
        facet_names = [
            name
            for name in (request.facets if request.facets is not None else DEFAULT_FACETS)
            if not (request.level == "document" and name in CLAUSE_ONLY_FACETS)
        ]
        selected = {
            name
            for name in facet_names
            if getattr(request, name, ()) or (name == "year" and (request.year_from or request.year_to))
        }
        search = self._clause_search if request.level == "clause" else self._document_search
        total, page_hits, counts = search(q, request, facet_names, selected)
        match, shown_q, found_all = "all", q, total
        fallback = partial_query(q) if total == 0 else None
        if fallback is not None:
            # Nothing has every word: the clauses with all but one of them, marked as partial
            # matches, each saying which word it lacks.
            total, page_hits, counts = search(fallback, request, facet_names, selected)
            match, shown_q = ("partial", fallback) if total else ("all", q)
        terms = highlight_terms(shown_q)
        hits = []
        for hit in page_hits:
            check_budget()
            hits.append(render_hit(self.searcher, hit, shown_q, terms, request))
        if match == "partial" and isinstance(q, wq.And):
            self._mark_missing(q, page_hits, hits)
        for hit in hits:
            label_view(hit, "en" if english else "zh")
        if request.parallel:
            add_parallels(self.searcher, hits, request.parallel)
        did_you_mean = self._did_you_mean(q) if found_all == 0 and q is not None else []
        facets = {
            name: facet_result(FACETS_BY_NAME[name], counts[name], request.facet_limit, english) for name in facet_names
        }
        return SearchResult(
            query=request.q,
            total=total,
            page=request.page,
            per_page=request.per_page,
            level=request.level,
            hits=hits,
            facets=facets,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            did_you_mean=did_you_mean,
            match=match,
        )

    def _query(self, request: SearchRequest) -> wq.Query | None:
        """The request's query, once its filter values are known to name something."""
        q = parsed(request)
        check_filter_values(self.searcher, self.cache, request)
        return q

    def ordered_records(self, request: SearchRequest, limit: int) -> tuple[int, np.ndarray]:
        """(total, the first `limit` hits' record numbers in result order): clause records, or at
        the document level the best clause of each resolution. What an export walks, without
        facets, highlights or a partial fallback."""
        q = self._query(request)
        passing = self._passing(self._matches(q), request, None)
        if request.level == "clause":
            return len(passing.docs), passing.docs[self._order(passing, request, limit)]
        best = self._best(passing, request)
        return len(best), best[:limit]

    def matching(self, request: SearchRequest) -> np.ndarray:
        """Every clause record matching the request's query and filters (for counts by session)."""
        q = self._query(request)
        return self._passing(self._matches(q), request, None).docs

    def _mark_missing(self, q: wq.And, page_hits: list[Any], hits: list[Any]) -> None:
        """Each partial hit's `missing`: the words of the query its record does not match."""
        for part in q.subqueries:
            found = self._matches(part)
            matched = set(found.docs.tolist()) if found is not None else set()
            for stored, hit in zip(page_hits, hits, strict=True):
                # A resolution (document level) has the word when one of its shown clauses does.
                records = [stored.docnum, *(docnum for docnum, _ in stored.best_clauses)]
                if not any(docnum in matched for docnum in records):
                    hit.missing.append(query_label(part))

    def _matches(self, q: wq.Query | None) -> Scored | None:
        """Every match of `q` with its score (None: no query, every clause matches)."""
        if q is None:
            return None
        cache = self.cache
        return Evaluator(self.searcher, cache.postings, cache.spread).run(q)

    def _passing(self, found: Scored | None, request: SearchRequest, exclude: str | None) -> Scored:
        """The matches that pass the request's filters (all but `exclude`'s)."""
        mask = self.cache.filter_mask(filter_parts(request, exclude=exclude))
        if found is None:
            docs = np.flatnonzero(mask & self.cache.postings.live).astype(np.int64)
            return Scored(docs, np.ones(len(docs), dtype=np.float64))
        keep = mask[found.docs]
        return Scored(*kept_pair(found.docs, found.scores, keep))

    def _sort_keys(self, found: Scored, request: SearchRequest) -> np.ndarray:
        """Each match's key in result order, least first: its score negated, or its date's or
        session's rank (newest first)."""
        if request.sort == "relevance":
            return -found.scores
        return self.cache.sort_rank(sort_fields(request.sort))[found.docs].astype(np.float64)

    def _order(self, found: Scored, request: SearchRequest, limit: int | None) -> np.ndarray:
        """Indexes into `found` of its first `limit` hits in result order: by key (`_sort_keys`),
        ties by document number, as Whoosh breaks them."""
        docs = found.docs
        keys = self._sort_keys(found, request)
        candidates = np.arange(len(docs))
        if limit is not None and limit < len(docs):
            cut = np.partition(keys, limit - 1)[limit - 1]
            candidates = np.flatnonzero(keys <= cut)
        ordered = candidates[np.lexsort((docs[candidates], keys[candidates]))]
        return ordered if limit is None else ordered[:limit]

    def _clause_search(
        self, q: wq.Query | None, request: SearchRequest, facet_names: list[str], selected: set[str]
    ) -> tuple[int, list[Any], dict[str, FacetCounts]]:
        cache = self.cache
        found = self._matches(q)
        passing = self._passing(found, request, None)
        counts: dict[str, FacetCounts] = {}
        shared = cache.resolution_counts(passing.docs)  # for every facet its own filter leaves as is
        for name in facet_names:
            facet = FACETS_BY_NAME[name]
            if name in selected:
                counts[name] = cache.count(facet.field, self._passing(found, request, name).docs, facet.multi_valued)
            else:
                counts[name] = cache.count(facet.field, passing.docs, facet.multi_valued, shared)
        start = (request.page - 1) * request.per_page
        shown = self._order(passing, request, request.page * request.per_page)[start:]
        scored = request.sort == "relevance"
        page = [StoredHit(cache, int(passing.docs[i]), float(passing.scores[i]) if scored else None) for i in shown]
        return len(passing), page, counts

    def _resolution_codes(self, docs: np.ndarray) -> tuple[np.ndarray, int]:
        """The resolution (a `doc_id` code) of each record, and how many codes there are."""
        _, doc_codes, table = self.cache.value_codes("doc_id", False)
        return doc_codes[docs], len(table)

    def _best(self, found: Scored, request: SearchRequest) -> np.ndarray:
        """The best matching clause of each resolution, in result order (`_best_of_each`)."""
        groups, group_count = self._resolution_codes(found.docs)
        return _best_of_each(found.docs, self._sort_keys(found, request), groups, group_count)

    def _document_search(
        self, q: wq.Query | None, request: SearchRequest, facet_names: list[str], selected: set[str]
    ) -> tuple[int, list[Any], dict[str, FacetCounts]]:
        cache = self.cache
        found = self._matches(q)
        passing = self._passing(found, request, None)
        best = self._best(passing, request)
        counts: dict[str, FacetCounts] = {}
        for name in facet_names:
            facet = FACETS_BY_NAME[name]
            clauses = self._passing(found, request, name) if name in selected else passing
            if facet.varies_by_clause:
                # A resolution counts once for each value any of its matching clauses has: the
                # same clauses a filter on that value would keep.
                resolutions, _ = self._resolution_codes(clauses.docs)
                owners, values = cache.document_codes(facet.field, clauses.docs, facet.multi_valued)
                table = cache.value_codes(facet.field, facet.multi_valued)[2]
                pairs = np.unique(resolutions[owners].astype(np.int64) * len(table) + values)
                tally = np.bincount(pairs % len(table), minlength=len(table)) if len(table) else np.zeros(0, int)
                counts[name] = FacetCounts(table, tally)
            else:  # the resolution's own value: any one clause of each stands for it
                counted = self._best(clauses, request) if name in selected else best
                counts[name] = cache.count(facet.field, counted, facet.multi_valued)
        start = (request.page - 1) * request.per_page
        shown = best[start : start + request.per_page]
        page = []
        for docnum, best_clauses in zip(shown, self._best_clauses(found, shown), strict=True):
            page.append(StoredHit(cache, int(docnum), None))
            page[-1].best_clauses = best_clauses
        return len(best), page, counts

    def _best_clauses(self, found: Scored | None, shown: np.ndarray) -> list[list[tuple[int, float]]]:
        """For each shown resolution, its clauses that match the query, best first (at most
        `SNIPPETS_PER_DOCUMENT`), from the matches already evaluated: whatever the filters and
        the sort, a resolution's snippets are its best-scoring clauses."""
        if found is None:
            return [[] for _ in shown]
        cache = self.cache
        _, doc_codes, _ = cache.value_codes("doc_id", False)
        wanted = doc_codes[shown]
        keep = cache.mask(wq.Term("level", "clause"))[found.docs] & np.isin(doc_codes[found.docs], wanted)
        docs, scores = kept_pair(found.docs, found.scores, keep)
        per_resolution: dict[int, list[int]] = {int(code): [] for code in wanted}
        for index in np.lexsort((docs, -scores)).tolist():
            clauses = per_resolution[int(doc_codes[docs[index]])]
            if len(clauses) < SNIPPETS_PER_DOCUMENT:
                clauses.append(index)
        return [[(int(docs[i]), float(scores[i])) for i in per_resolution[int(code)]] for code in wanted]

    def _did_you_mean(self, q: wq.Query) -> list[str]:
        words, _ = highlight_terms(q)
        reader = self.searcher.reader()
        # Only words the index lacks are misspelt, and only the words as typed (not their stems);
        # a long "word" is never corrected and at most a few words a query are.
        unknown = sorted(
            w for w in words if ":" not in w and len(w) <= MAX_CORRECTED_LENGTH and not reader.doc_frequency("text", w)
        )
        suggestions: list[str] = []
        for word in unknown[:MAX_CORRECTED_WORDS]:
            suggestions.extend(corrections(reader, word))
        return list(dict.fromkeys(suggestions))[:5]


# A query of 2 to this many words that finds nothing falls back to the records with all but one.
MAX_PARTIAL_WORDS = 6


def partial_query(q: wq.Query | None) -> wq.Query | None:
    """For a conjunction of words (`destroy stockpiled anti-personnel mine`), the records with all
    of them but one; None for anything else (a phrase, a NOT, one word, more than six)."""
    if not isinstance(q, wq.And):
        return None
    parts = list(q.subqueries)
    if not 2 <= len(parts) <= MAX_PARTIAL_WORDS or any(isinstance(part, wq.Not) for part in parts):
        return None
    return wq.Or([wq.And(list(group)) if len(group) > 1 else group[0] for group in combinations(parts, len(parts) - 1)])


def query_label(q: wq.Query) -> str:
    """A word of the query as the user typed it (its term in the text field, not its stems)."""
    for node in [q, *q.leaves()]:
        if isinstance(node, wq.Term) and node.fieldname != "stems":
            return str(node.text)
    return str(q)


MAX_CORRECTION_TERMS = 200_000  # terms read as candidates for one word, at most


def corrections(reader: Any, word: str, limit: int = 3) -> list[str]:
    """Indexed words within an edit distance of `word` (1 below 4 characters, else 2; a swap of two
    letters counts one), sharing its first character, the closest and then the commonest first.
    The distance is RapidFuzz's (C, with the cut-off): Whoosh's pure-Python one took 9-18 s for a
    1,000-character word over every term with its first letter."""
    from rapidfuzz import process  # here: a search that finds something never needs it (11 ms to import)
    from rapidfuzz.distance import DamerauLevenshtein

    cutoff = 1 if len(word) < 4 else 2
    candidates = [
        term.decode("utf-8") if isinstance(term, bytes) else term
        for term in islice(reader.expand_prefix("text", word[:1]), MAX_CORRECTION_TERMS)
    ]
    close = process.extract(word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=cutoff, limit=limit * 4)
    ranked = sorted(
        ((distance, -reader.doc_frequency("text", term), term) for term, distance, _ in close if term != word)
    )
    return [term for _, _, term in ranked[:limit]]


MAX_CORRECTED_LENGTH = 24
MAX_CORRECTED_WORDS = 4


def sort_fields(sort: str) -> tuple[str, ...]:
    """The fields a non-relevance order sorts by: its own (dates and sessions newest first,
    symbols in their natural order), then a resolution's clauses in order."""
    return (sort if sort in ("date", "symbol") else "session", "doc_id", "ordinal")

"""The one search layer: a `SearchRequest` in, a `SearchResult` out. No HTTP here.

The Starlette service, the web page (through the service) and the command line all call
`SearchEngine`, so the three give the same hits for the same request.

Matching: the query is evaluated once, over the whole snapshot, into arrays of every matching
clause and its BM25F score (search_api/evaluate.py, on postings decoded once per snapshot); the
exact total, the page (a partial sort) and the facet counts all come from those arrays.

Facet counts are disjunctive: a facet's own selection does not shrink its own counts. Filters
are per-snapshot cached masks, and counts `bincount` each facet's column, read once per snapshot
as value codes (search_api/docsets.py); every value of a multi-valued field counts (every
sponsor of a clause). The document level collapses matching clauses to the best one per
resolution and counts resolutions.

Freshness: each call checks whether the index has a newer commit (a cheap directory listing) and,
if so, opens a new searcher; a search in flight keeps the snapshot it started with.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from indexer.manifest import Manifest, check_manifest, read_manifest
from indexer.storage.index import INDEX_NAME, count_level
from search_api import ranking
from search_api.docsets import SnapshotCache
from search_api.documents import document_view, find_document, stored_clause, suggestions
from search_api.errors import ParameterError
from search_api.evaluate import Evaluator, Scored
from search_api.facets import DEFAULT_FACETS, FACETS_BY_NAME, FacetDefinition
from search_api.highlight import match_spans, snippet
from search_api.lineage import lineage_steps
from search_api.models import (
    DEFAULT_PRECEDENTS,
    LEVELS,
    MAX_PER_PAGE,
    MAX_PRECEDENT_TEXT,
    MAX_PRECEDENTS,
    MAX_QUERY_LENGTH,
    MIN_SIMILARITY,
    SIMILARITY_THRESHOLD,
    SORTS,
    DocumentView,
    FacetResult,
    FacetValue,
    Hit,
    LineageResult,
    PrecedentResult,
    SearchRequest,
    SearchResult,
)
from search_api.precedents import find_precedents
from search_api.query import highlight_terms, normalise_value, parse_query
from search_api.snapshots import Snapshots
from search_api.stored import clause_view, resolution_fields

CLAUSE_ONLY_FACETS = ("type", "verb")
SNIPPETS_PER_DOCUMENT = 3


def validate(request: SearchRequest) -> None:
    """Raise `ParameterError` naming the first parameter that is out of bounds."""
    if len(request.q) > MAX_QUERY_LENGTH:
        raise ParameterError("q", f"the query is {len(request.q)} characters; the limit is {MAX_QUERY_LENGTH}")
    if request.level not in LEVELS:
        raise ParameterError("level", f"must be one of {', '.join(LEVELS)}")
    if request.sort not in SORTS:
        raise ParameterError("sort", f"must be one of {', '.join(SORTS)}")
    if request.page < 1:
        raise ParameterError("page", "must be 1 or more")
    if not 0 <= request.per_page <= MAX_PER_PAGE:
        raise ParameterError("per_page", f"must be between 0 and {MAX_PER_PAGE}")
    if not 1 <= request.facet_limit <= 200:
        raise ParameterError("facet_limit", "must be between 1 and 200")
    for name in request.facets or ():
        if name not in FACETS_BY_NAME:
            raise ParameterError("facets", f"unknown facet {name!r}; known: {', '.join(FACETS_BY_NAME)}")


def _filter_values(request: SearchRequest, facet: FacetDefinition) -> list[wq.Query]:
    values: tuple[Any, ...] = getattr(request, facet.name, ())
    if facet.numeric:
        return [wq.NumericRange(facet.field, int(v), int(v)) for v in values]
    return [wq.Term(facet.field, normalise_value(facet.field, str(v))) for v in values]


def filter_parts(request: SearchRequest, exclude: str | None = None) -> list[list[wq.Query]]:
    """Clause records, then one group of alternatives per filtered field (OR within a group, AND
    across groups); `exclude` leaves one field out, for its own disjunctive facet counts.

    Both levels search clause records (which inherit their resolution's fields:
    search_api/docsets.py); the document level then collapses them by resolution."""
    parts: list[list[wq.Query]] = [[wq.Term("level", "clause")]]
    for name in ("session", "agenda", "sponsor", "kind", "type", "verb", "language", "cites"):
        if name != exclude:
            alternatives = _filter_values(request, FACETS_BY_NAME[name])
            if alternatives:
                parts.append(alternatives)
    if exclude != "year" and (request.year_from or request.year_to):
        parts.append([wq.NumericRange("year", request.year_from, request.year_to)])
    return parts


class _StoredHit:
    """The few things `_hit` reads from a Whoosh hit: stored fields (with the resolution's) and
    score (None if sorted)."""

    def __init__(self, cache: SnapshotCache, docnum: int, score: float | None) -> None:
        self._fields = cache.stored(docnum)
        self.score = score
        self.best_clauses: list[tuple[int, float]] = []  # (docnum, score): a resolution's snippets

    def fields(self) -> dict[str, Any]:
        return self._fields


def _first_of_each(ordered: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The first of `ordered` in each group, in order: the best clause of each resolution."""
    _, first = np.unique(groups, return_index=True)
    return ordered[np.sort(first)]


def _facet_result(facet: FacetDefinition, counts: dict[Any, int], limit: int, english: bool) -> FacetResult:
    values = [
        FacetValue(value.decode("utf-8") if isinstance(value, bytes) else value, count)
        for value, count in counts.items()
        if value not in (None, "", 0, b"") and count > 0 and not (facet.numeric and not 0 < value < 100_000)
    ]
    values.sort(key=lambda v: (-v.count, str(v.value)))
    return FacetResult(facet.label_en if english else facet.label_zh, values[:limit], len(values))


class SearchEngine:
    """Searches one ga-search index directory. Safe to share between threads."""

    def __init__(self, index_dir: Path | str, weighting: scoring.BM25F | None = None, lanes: int | None = None) -> None:
        self.index_dir = Path(index_dir)
        check_manifest(self.index_dir)  # a missing or foreign index: a message that says what to do
        ix = whoosh_index.open_dir(str(self.index_dir), INDEX_NAME)
        # Searches run in parallel, one a lane; the lock is only for taking the latest snapshot.
        self._snapshots = Snapshots(ix, self.index_dir, weighting or ranking.weighting(), lanes)

    # -- snapshot management -------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._snapshots.manifest

    def _current(self) -> AbstractContextManager[Searcher]:
        return self._snapshots.current()

    @property
    def version(self) -> str:
        """Changes whenever the index commits: the basis of HTTP ETags."""
        with self._current() as searcher:
            return f"{self.manifest.analyzer_version}.{searcher.reader().generation()}"

    def stats(self) -> dict[str, Any]:
        with self._current() as searcher:
            return {
                "documents": count_level(searcher, "document"),
                "clauses": count_level(searcher, "clause"),
                "analyzer_version": self.manifest.analyzer_version,
                "schema_version": self.manifest.schema_version,
                "built_at": self.manifest.built_at,
                "generation": searcher.reader().generation(),
            }

    def health(self) -> dict[str, Any]:
        """What `/healthz` says, from the index's manifest (rewritten at each commit, a small
        file): no lock, no index read, so it answers at once while searches hold the engine."""
        manifest = read_manifest(self.index_dir) or self.manifest
        return {
            "documents": manifest.documents,
            "clauses": manifest.clauses,
            "analyzer_version": manifest.analyzer_version,
            "schema_version": manifest.schema_version,
            "built_at": manifest.built_at,
            "generation": manifest.generation,
        }

    def warm(self) -> None:
        """Load what a first search would otherwise wait for: jieba's dictionary, and this
        snapshot's clause filter, record-to-resolution map, facet columns, field lengths and band
        keys (about a second on 100k clauses). The service calls it in the background when it
        starts and for each new commit."""
        self.warm_if_new()

    def warm_if_new(self) -> bool:
        """Warm each lane's snapshot of the latest commit that is not warm yet (lanes are taken
        in turn, so a busy one waits for its search to end); True if any was. The service calls
        it every few seconds, so the first search after a re-index does not pay for the new
        snapshot's columns (1.4 s on 100k clauses)."""
        parse_query("联合国")
        warmed = False
        for _ in self._snapshots.lanes:
            with self._current() as searcher:
                lane = self._snapshots.held()
                if lane.warm_for is searcher:
                    continue
                cache = self._snapshot(searcher)
                cache.filter_mask(filter_parts(SearchRequest()))
                for facet in FACETS_BY_NAME.values():
                    cache.value_codes(facet.field, facet.multi_valued)
                cache.value_codes("doc_id", False)  # the document level groups clauses by it
                cache.band_keys()  # precedents of a clause
                cache.shingle_index()  # precedents of a pasted text
                for fieldname in ("text", "title", "chars"):
                    cache.postings.lengths(fieldname)
                lane.warm_for = searcher
                warmed = True
        return warmed

    def close(self) -> None:
        self._snapshots.close()

    # -- search ----------------------------------------------------------------------------------
    def search(self, request: SearchRequest, english: bool = False) -> SearchResult:
        """Run a search: hits for the page, exact total, facet counts, highlights."""
        started = time.perf_counter()
        validate(request)
        q = parse_query(request.q, with_titles=request.level == "document")
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
        with self._current() as searcher:
            search = self._clause_search if request.level == "clause" else self._document_search
            total, page_hits, counts = search(searcher, q, request, facet_names, selected)
            terms = highlight_terms(q)
            hits = [self._hit(searcher, hit, q, terms, request) for hit in page_hits]
            did_you_mean = self._did_you_mean(searcher, q) if total == 0 and q is not None else []
        facets = {
            name: _facet_result(FACETS_BY_NAME[name], counts[name], request.facet_limit, english)
            for name in facet_names
        }
        return SearchResult(
            query=request.q,
            total=total,
            page=request.page,
            per_page=request.per_page,
            level=request.level,
            hits=hits,
            facets=facets,
            took_ms=_ms(started),
            did_you_mean=did_you_mean,
        )

    def _snapshot(self, searcher: Searcher) -> SnapshotCache:
        return self._snapshots.cache(searcher)

    def _matches(self, searcher: Searcher, q: wq.Query | None) -> Scored | None:
        """Every match of `q` with its score (None: no query, every clause matches)."""
        if q is None:
            return None
        cache = self._snapshot(searcher)
        return Evaluator(searcher, cache.postings, cache.spread).run(q)

    def _passing(self, searcher: Searcher, found: Scored | None, request: SearchRequest, exclude: str | None) -> Scored:
        """The matches that pass the request's filters (all but `exclude`'s)."""
        mask = self._snapshot(searcher).filter_mask(filter_parts(request, exclude=exclude))
        if found is None:
            docs = np.flatnonzero(mask & self._snapshot(searcher).postings.live).astype(np.int64)
            return Scored(docs, np.ones(len(docs), dtype=np.float64))
        keep = mask[found.docs]
        return Scored(found.docs[keep], found.scores[keep])

    def _order(self, searcher: Searcher, found: Scored, request: SearchRequest, limit: int | None) -> np.ndarray:
        """Indexes into `found` of its first `limit` hits in result order: by score (ties by
        document number, as Whoosh breaks them) or by date or session, newest first."""
        docs = found.docs
        if request.sort == "relevance":
            keys = -found.scores
        else:
            fields = ("date" if request.sort == "date" else "session", "doc_id", "ordinal")
            keys = self._snapshot(searcher).sort_rank(fields)[docs].astype(np.float64)
        candidates = np.arange(len(docs))
        if limit is not None and limit < len(docs):
            cut = np.partition(keys, limit - 1)[limit - 1]
            candidates = np.flatnonzero(keys <= cut)
        ordered = candidates[np.lexsort((docs[candidates], keys[candidates]))]
        return ordered if limit is None else ordered[:limit]

    def _clause_search(
        self, searcher: Searcher, q: wq.Query | None, request: SearchRequest, facet_names: list[str], selected: set[str]
    ) -> tuple[int, list[Any], dict[str, dict[Any, int]]]:
        cache = self._snapshot(searcher)
        found = self._matches(searcher, q)
        passing = self._passing(searcher, found, request, None)
        counts: dict[str, dict[Any, int]] = {}
        for name in facet_names:
            facet = FACETS_BY_NAME[name]
            counted = self._passing(searcher, found, request, name) if name in selected else passing
            counts[name] = cache.count(facet.field, counted.docs, facet.multi_valued)
        start = (request.page - 1) * request.per_page
        shown = self._order(searcher, passing, request, request.page * request.per_page)[start:]
        scored = request.sort == "relevance"
        page = [_StoredHit(cache, int(passing.docs[i]), float(passing.scores[i]) if scored else None) for i in shown]
        return len(passing), page, counts

    def _collapsed(self, searcher: Searcher, found: Scored, request: SearchRequest) -> tuple[np.ndarray, np.ndarray]:
        """The matching clauses in result order, and the resolution (a code) of each."""
        ordered = found.docs[self._order(searcher, found, request, None)]
        _, doc_codes, _ = self._snapshot(searcher).value_codes("doc_id", False)
        return ordered, doc_codes[ordered]

    def _document_search(
        self, searcher: Searcher, q: wq.Query | None, request: SearchRequest, facet_names: list[str], selected: set[str]
    ) -> tuple[int, list[Any], dict[str, dict[Any, int]]]:
        cache = self._snapshot(searcher)
        found = self._matches(searcher, q)
        ordered, groups = self._collapsed(searcher, self._passing(searcher, found, request, None), request)
        best = _first_of_each(ordered, groups)
        counts = {}
        for name in facet_names:
            facet = FACETS_BY_NAME[name]
            clauses, resolutions = (
                self._collapsed(searcher, self._passing(searcher, found, request, name), request)
                if name in selected
                else (ordered, groups)
            )
            if facet.varies_by_clause:
                # A resolution counts once for each value any of its matching clauses has: the
                # same clauses a filter on that value would keep.
                owners, values = cache.document_codes(facet.field, clauses, facet.multi_valued)
                table = cache.value_codes(facet.field, facet.multi_valued)[2]
                pairs = np.unique(resolutions[owners] * len(table) + values)
                tally = np.bincount(pairs % len(table), minlength=len(table)) if len(table) else np.zeros(0, int)
                counts[name] = {table[code]: int(tally[code]) for code in np.flatnonzero(tally)}
            else:
                counts[name] = cache.count(facet.field, _first_of_each(clauses, resolutions), facet.multi_valued)
        start = (request.page - 1) * request.per_page
        shown = best[start : start + request.per_page]
        page = []
        for docnum, clauses in zip(shown, self._best_clauses(searcher, found, shown), strict=True):
            page.append(_StoredHit(cache, int(docnum), None))
            page[-1].best_clauses = clauses
        return len(best), page, counts

    def _hit(
        self,
        searcher: Searcher,
        hit: Any,
        q: wq.Query | None,
        terms: tuple[set[str], list[list[str]]],
        request: SearchRequest,
    ) -> Hit:
        fields = hit.fields()
        words, phrases = terms
        text = fields.get("text", "")
        clause = None
        snippets: list[dict[str, Any]] = []
        if request.level == "clause":
            clause = clause_view(fields)
            spans = match_spans(text, words, phrases) if request.highlight else []
            highlight = snippet(text, spans)
        else:
            spans = []
            snippets = self._snippets(searcher, hit.best_clauses, words, phrases)
            highlight = snippets[0]["highlight"] if snippets else snippet(text.replace("\u2029", " "), [])
        return Hit(
            **resolution_fields(fields),
            clause=clause,
            highlight=highlight,
            highlight_spans=spans,
            score=_score(hit.score),
            snippets=snippets,
        )

    def _best_clauses(
        self, searcher: Searcher, found: Scored | None, shown: np.ndarray
    ) -> list[list[tuple[int, float]]]:
        """For each shown resolution, its clauses that match the query, best first (at most
        `SNIPPETS_PER_DOCUMENT`), from the matches already evaluated: whatever the filters and
        the sort, a resolution's snippets are its best-scoring clauses."""
        if found is None:
            return [[] for _ in shown]
        cache = self._snapshot(searcher)
        _, doc_codes, _ = cache.value_codes("doc_id", False)
        wanted = doc_codes[shown]
        keep = cache.mask(wq.Term("level", "clause"))[found.docs] & np.isin(doc_codes[found.docs], wanted)
        docs, scores = found.docs[keep], found.scores[keep]
        per_resolution: dict[int, list[int]] = {int(code): [] for code in wanted}
        for index in np.lexsort((docs, -scores)).tolist():
            clauses = per_resolution[int(doc_codes[docs[index]])]
            if len(clauses) < SNIPPETS_PER_DOCUMENT:
                clauses.append(index)
        return [[(int(docs[i]), float(scores[i])) for i in per_resolution[int(code)]] for code in wanted]

    @staticmethod
    def _snippets(
        searcher: Searcher, clauses: list[tuple[int, float]], words: set[str], phrases: list[tuple[str, list[str]]]
    ) -> list[dict[str, Any]]:
        out = []
        for docnum, score in clauses:
            fields = searcher.stored_fields(docnum)
            text = fields.get("text", "")
            out.append(
                {
                    "number": fields.get("number"),
                    "type": fields.get("clause_type"),
                    "highlight": snippet(text, match_spans(text, words, phrases)),
                    "score": round(score, 4),
                }
            )
        return out

    def _did_you_mean(self, searcher: Searcher, q: wq.Query) -> list[str]:
        words, _ = highlight_terms(q)
        corrector = searcher.corrector("text")
        reader = searcher.reader()
        suggestions: list[str] = []
        # Only words the index lacks are misspelt; the first character is kept (prefix=1), which
        # spares a Levenshtein walk over every term (1.2 s on 100k clauses, against 10 ms).
        for word in sorted(w for w in words if not reader.doc_frequency("text", w)):
            suggestions.extend(
                s for s in corrector.suggest(word, limit=3, maxdist=1 if len(word) < 4 else 2, prefix=1) if s != word
            )
        return list(dict.fromkeys(suggestions))[:5]

    # -- documents, agreed language, suggestions (search_api/documents.py, precedents.py) --------
    def document(self, key: str) -> DocumentView:
        """One resolution by symbol (`A/RES/73/12`), document id (`zh:A/RES/55/100`) or file name."""
        with self._current() as searcher:
            return document_view(searcher, key)

    def precedents(
        self,
        text: str,
        *,
        min_similarity: float = SIMILARITY_THRESHOLD,
        limit: int = DEFAULT_PRECEDENTS,
    ) -> PrecedentResult:
        """Clauses worded the same or nearly the same as a pasted `text`, best first."""
        started = time.perf_counter()
        _validate_precedents(min_similarity, limit)
        if not text.strip():
            raise ParameterError("text", "is empty: paste the paragraph to look for")
        if len(text) > MAX_PRECEDENT_TEXT:
            raise ParameterError("text", f"is {len(text)} characters; the limit is {MAX_PRECEDENT_TEXT}")
        with self._current() as searcher:
            found, candidates = find_precedents(
                searcher,
                self._snapshot(searcher),
                text,
                source=None,
                min_similarity=min_similarity,
                limit=limit,
                include_later=True,
            )
        return PrecedentResult(text, None, min_similarity, found, candidates, _ms(started))

    def clause_precedents(
        self,
        key: str,
        number: str,
        *,
        min_similarity: float = SIMILARITY_THRESHOLD,
        limit: int = DEFAULT_PRECEDENTS,
        include_later: bool = False,
    ) -> PrecedentResult:
        """Earlier clauses of other resolutions worded like clause `number` of `key` (symbol or id);
        with `include_later`, its later uses too."""
        started = time.perf_counter()
        _validate_precedents(min_similarity, limit)
        with self._current() as searcher:
            clause = stored_clause(searcher, key, number)
            found, candidates = find_precedents(
                searcher,
                self._snapshot(searcher),
                clause["text"],
                source=clause,
                min_similarity=min_similarity,
                limit=limit,
                include_later=include_later,
            )
        source = {**resolution_fields(clause), "clause": asdict(clause_view(clause))}
        return PrecedentResult(clause["text"], source, min_similarity, found, candidates, _ms(started))

    def lineage(self, key: str) -> LineageResult:
        """The series of a resolution (by symbol, id or file name), oldest first, with changes."""
        started = time.perf_counter()
        with self._current() as searcher:
            document = find_document(searcher, key)
            steps = lineage_steps(searcher, document)
        symbol = document.get("symbol") or document["doc_id"]
        return LineageResult(symbol, document.get("title", ""), steps, _ms(started))

    def suggest(self, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
        """Completions for a search box: indexed words starting with `prefix`, then titles."""
        with self._current() as searcher:
            return suggestions(searcher, self._snapshot(searcher), prefix, limit)


def _validate_precedents(min_similarity: float, limit: int) -> None:
    if not MIN_SIMILARITY <= min_similarity <= 1.0:
        raise ParameterError("min_similarity", f"must be between {MIN_SIMILARITY} and 1")
    if not 1 <= limit <= MAX_PRECEDENTS:
        raise ParameterError("limit", f"must be between 1 and {MAX_PRECEDENTS}")


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _score(value: object) -> float:
    # Sorted (not ranked) results carry their sort key in `score`: no relevance to report.
    return round(float(value), 4) if isinstance(value, (int, float)) else 0.0

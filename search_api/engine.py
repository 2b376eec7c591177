"""The one search layer: a `SearchRequest` in, a `SearchResult` out. No HTTP here.

The Starlette service, the web page (through the service) and the command line all call
`SearchEngine`, so the three give the same hits for the same request. It holds the index's
snapshots (search_api/core/snapshots.py) and hands each call to the module that does it: searching
(search_api/core/searching.py), document views and completions (documents.py), precedents
(precedents.py), lineage (lineage.py).

Freshness: each call checks whether the index has a newer commit (a cheap directory listing) and,
if so, opens a new searcher; a search in flight keeps the snapshot it started with.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.searching import Searcher

from analyzers import segmenter
from indexer.manifest import Manifest, check_manifest, read_manifest
from indexer.model import Resolution
from indexer.storage.index import INDEX_NAME, count_level
from search_api.core import ranking
from search_api.core.deadline import REQUEST_CPU_SECONDS, cpu_budget
from search_api.core.docsets import SnapshotCache
from search_api.core.documents import document_view, find_document, stored_clause, suggestions
from search_api.core.parallel import add_parallels
from search_api.core.preload import generation_files, preload
from search_api.core.preparing import prepare_generation, prepare_positions_in_helper
from search_api.core.query import parse_query
from search_api.core.searching import SnapshotSearch
from search_api.core.snapshots import Snapshots
from search_api.core.stored import clause_view, resolution_fields
from search_api.core.warming import warm_arrays
from search_api.errors import NotFoundError, ParameterError
from search_api.facets import FACETS_BY_NAME
from search_api.features.check import EVERYTHING, MAX_DRAFT_PARAGRAPHS, Against, DraftCheck, check_draft
from search_api.features.cite import citation
from search_api.features.export import export_rows
from search_api.features.lineage import lineage_steps
from search_api.features.precedents import find_precedents
from search_api.features.trend import TrendResult, trend_series
from search_api.labels import label_view
from search_api.models import (
    CITE_FORMATS,
    DEFAULT_PRECEDENTS,
    MAX_EXPORT,
    MAX_PRECEDENT_TEXT,
    MAX_PRECEDENTS,
    MAX_TREND_QUERIES,
    MIN_SIMILARITY,
    PARALLEL_LANGUAGES,
    SIMILARITY_THRESHOLD,
    TREND_BY,
    DocumentView,
    LineageResult,
    PrecedentResult,
    SearchRequest,
    SearchResult,
)

EXPORT_CPU_SECONDS = 60.0  # an export's budget: 100,000 rows read in about 5 s on this machine
# The warm-up's search: a Chinese word in most resolutions, every facet, highlights (a page's worth).
WARM_UP_SEARCH = SearchRequest(q="联合国", facets=tuple(FACETS_BY_NAME))


class SearchEngine:
    """Searches one ga-search index directory. Safe to share between threads."""

    def __init__(self, index_dir: Path | str, weighting: scoring.BM25F | None = None, lanes: int | None = None) -> None:
        self.index_dir = Path(index_dir)
        check_manifest(self.index_dir)  # a missing or foreign index: a message that says what to do
        ix = whoosh_index.open_dir(str(self.index_dir), INDEX_NAME)
        # Searches run in parallel, one a lane; the lock is only for taking the latest snapshot.
        self._snapshots = Snapshots(ix, self.index_dir, weighting or ranking.weighting(), lanes)
        self._warm_generation: int | None = None  # the last generation `warm_if_new` finished

    # -- snapshot management -------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._snapshots.manifest

    def _current(self) -> AbstractContextManager[Searcher]:
        return self._snapshots.current()

    @property
    def version(self) -> str:
        """Changes whenever the index commits: the basis of HTTP ETags. The version of the commit
        this thread's last search read, when it has searched since it last asked (an answer's
        ETag names the commit it came from, and costs no second look for a newer commit);
        otherwise the latest commit's."""
        generation = self._snapshots.take_generation()
        if generation is None:
            with self._current() as searcher:
                generation = searcher.reader().generation()
            self._snapshots.take_generation()
        return f"{self.manifest.analyzer_version}.{generation}"

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
            # False until the warm-up of the latest commit has ended (a first search meanwhile
            # makes what it needs itself): a balancer or a script can wait for it.
            "warm": self._warm_generation == manifest.generation,
            "search_lanes": self._snapshots.load(),
        }

    def warm(self) -> None:
        """Load what a first search would otherwise wait for: jieba's dictionary, and this
        snapshot's clause filter, record-to-resolution map, facet columns, sort orders, field
        lengths, band keys and shingle index. Those are made once a generation and saved
        (search_api/core/shared_arrays.py: `ga-search index` makes them), so on a prepared index this
        only maps them. The service calls it in the background when it starts and for each new
        commit."""
        self.warm_if_new()

    def prepare(self, records: int) -> None:
        """`warm` after a build (`ga-search index`), the precedents' arrays in a second process
        for a large index (search_api/core/preparing.py)."""
        prepare_generation(self.index_dir, self.warm, records)

    @contextmanager
    def current_snapshot(self) -> Iterator[tuple[Searcher, SnapshotCache]]:
        """The latest commit's searcher and its derived arrays, held while in the block."""
        with self._current() as searcher:
            yield searcher, self._snapshot(searcher)

    def load_dictionaries(self) -> None:
        """Build the Rust segmenter now: a process that serves or indexes cuts much text, and the
        light build a one-shot command cuts with (analyzers/segmenter.py) would hand over to it
        within its first few searches anyway."""
        segmenter.warm_up()

    def warm_if_new(self) -> bool:
        """Warm each lane's snapshot of the latest commit that is not warm yet (lanes are taken
        in turn, so a busy one waits for its search to end); True if any was. The service calls
        it every few seconds, so the first search after a re-index does not pay for the new
        snapshot's columns (1.4 s on 100k clauses)."""
        self.load_dictionaries()
        parse_query("联合国")
        warmed = False
        generation = None
        for _ in self._snapshots.lanes:
            with self._current() as searcher:
                lane = self._snapshots.held()
                if lane.warm_for is searcher:
                    continue
                cache = self._snapshot(searcher)
                if generation is None:  # once a generation: its files into the page cache
                    preload(generation_files(searcher, self.index_dir, cache.arrays.folder))
                warm_arrays(searcher, cache)
                if generation is None:  # saved for every lane and process
                    prepare_positions_in_helper(self.index_dir, searcher, cache)
                lane.warm_for = searcher
                warmed = True
                generation = searcher.reader().generation()
        if warmed:
            # One search through the whole path (parsing, evaluation, facets, highlights): what is
            # made once a process (the code's first run, the segmenter's first words) is not left
            # to the first user's search, which had taken 20-50 ms more than the next at 1M clauses.
            self.search(WARM_UP_SEARCH)
            self._warm_generation = generation
        return warmed

    def close(self) -> None:
        self._snapshots.close()

    # -- search ----------------------------------------------------------------------------------
    def search(self, request: SearchRequest, english: bool = False) -> SearchResult:
        """Run a search: hits for the page, exact total, facet counts, highlights."""
        with cpu_budget(), self._current() as searcher:
            return SnapshotSearch(searcher, self._snapshot(searcher)).run(request, english)

    def _snapshot(self, searcher: Searcher) -> SnapshotCache:
        return self._snapshots.cache(searcher)

    # -- documents, agreed language, suggestions (search_api/core/documents.py, precedents.py) --------
    def document(self, key: str, parallel: tuple[str, ...] = (), english: bool = False) -> DocumentView:
        """One resolution by symbol (`A/RES/73/12`), document id (`zh:A/RES/55/100`) or file name;
        with `parallel`, each clause with its counterpart in those languages' versions."""
        with self._current() as searcher:
            view = document_view(searcher, key, parallel)
        label_view(view, "en" if english else "zh")
        return view

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
        with cpu_budget(), self._current() as searcher:
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
        parallel: tuple[str, ...] = (),
    ) -> PrecedentResult:
        """Earlier clauses of other resolutions worded like clause `number` of `key` (symbol or id);
        with `include_later`, its later uses too; with `parallel`, each precedent's clause in those
        languages' versions."""
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
            if parallel:
                add_parallels(searcher, found, parallel)
        source = {**resolution_fields(clause), "clause": asdict(clause_view(clause))}
        return PrecedentResult(clause["text"], source, min_similarity, found, candidates, _ms(started))

    def check(
        self,
        draft: Resolution,
        *,
        parallel: tuple[str, ...] = (),
        against: Against = EVERYTHING,
    ) -> DraftCheck:
        """A draft's paragraphs marked agreed, edited or new, with their sources (features/check.py)."""
        started = time.perf_counter()
        if not draft.clauses:
            raise ParameterError("draft", "has no paragraphs to check (an empty file, or a scan without text?)")
        if len(draft.clauses) > MAX_DRAFT_PARAGRAPHS:
            raise ParameterError("draft", f"has {len(draft.clauses)} paragraphs; the limit is {MAX_DRAFT_PARAGRAPHS}")
        for language in parallel:
            if language not in PARALLEL_LANGUAGES:
                raise ParameterError("parallel", f"{language!r} is not one of {', '.join(PARALLEL_LANGUAGES)}")
        # A draft's budget grows with its paragraphs (a paragraph costs ~10-20 ms at 1M clauses).
        with cpu_budget(REQUEST_CPU_SECONDS + 0.2 * len(draft.clauses)), self._current() as searcher:
            result = check_draft(searcher, self._snapshot(searcher), draft, parallel=parallel, against=against)
        result.took_ms = _ms(started)
        return result

    def lineage(self, key: str) -> LineageResult:
        """The series of a resolution (by symbol, id or file name), oldest first, with changes."""
        started = time.perf_counter()
        with self._current() as searcher:
            document = find_document(searcher, key)
            steps = lineage_steps(searcher, document)
        symbol = document.get("symbol") or document["doc_id"]
        return LineageResult(symbol, document.get("title", ""), steps, _ms(started))

    def export(self, request: SearchRequest, limit: int = MAX_EXPORT) -> tuple[int, list[dict[str, Any]]]:
        """(how many hits, the rows of the first `limit`, at most `MAX_EXPORT`) for CSV or JSON
        Lines (features/export.py). Read under a budget of its own: a big export is expected work."""
        if not 1 <= limit <= MAX_EXPORT:
            raise ParameterError("limit", f"must be between 1 and {MAX_EXPORT}")
        with cpu_budget(EXPORT_CPU_SECONDS), self._current() as searcher:
            return export_rows(searcher, self._snapshot(searcher), request, limit)

    def documents(self, request: SearchRequest) -> tuple[int, list[dict[str, Any]]]:
        """What is indexed: (how many resolutions pass `request`'s query and filters, one row
        each for its page), sorted by `request.sort` (symbol, date or session)."""
        listing = replace(request, level="document", sort=request.sort if request.sort != "relevance" else "symbol")
        start = (listing.page - 1) * listing.per_page
        with cpu_budget(), self._current() as searcher:
            return export_rows(searcher, self._snapshot(searcher), listing, listing.per_page, offset=start)

    def source_file(self, key: str) -> Path:
        """The file a document was indexed from, if this machine still has it."""
        with self._current() as searcher:
            stored = find_document(searcher, key)
        path = Path(stored.get("source", ""))
        if not stored.get("source") or not path.is_file():
            raise NotFoundError(f"the source file of {stored['doc_id']} is not on this server")
        return path

    def trend(self, queries: tuple[str, ...], by: str = "session", request: SearchRequest | None = None) -> TrendResult:
        """Matching clauses and resolutions a session (or year) for each query, with `request`'s
        filters (features/trend.py)."""
        started = time.perf_counter()
        if by not in TREND_BY:
            raise ParameterError("by", f"must be one of {', '.join(TREND_BY)}")
        if not 1 <= len(queries) <= MAX_TREND_QUERIES:
            raise ParameterError("q", f"give 1 to {MAX_TREND_QUERIES} queries")
        base = request or SearchRequest()
        with cpu_budget(), self._current() as searcher:
            cache = self._snapshot(searcher)
            series = [trend_series(searcher, cache, replace(base, q=q), by) for q in queries]
        return TrendResult(by, series, _ms(started))

    def cite(self, key: str, fmt: str) -> str:
        """A resolution as RIS, BibTeX or CSL-JSON (features/cite.py)."""
        if fmt not in CITE_FORMATS:
            raise ParameterError("format", f"must be one of {', '.join(CITE_FORMATS)}")
        return citation(self.document(key, english=True), fmt)

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

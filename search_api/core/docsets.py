"""Per-snapshot caches that keep filters and facet counts off Whoosh's slow paths.

Whoosh turns a filter into a set of document numbers on every search, by walking the postings
(100 ms for `level:clause` on 100k clauses), and counts facets through a categorizer object per
document. Both depend only on the index snapshot, so this module computes them once per searcher:
- `filter_mask`: the documents that pass a request's filters, a NumPy boolean mask built from
  cached masks for each filter value (AND across fields, OR within a field), for the array
  evaluation of queries (search_api/core/evaluate.py, whose decoded postings `postings` also live here);
- `value_codes`: a facet field's values for every document as codes into a table of its distinct
  values, read once from its column; `count` counts the matching documents with `bincount` (every
  value of a multi-valued field counting);
- `sort_rank`: each document's rank in a date or session ordering;
- `band_matches`: how many MinHash band keys each clause shares with a text (precedents).

Clauses inherit their resolution's fields (indexer/schema.py `RESOLUTION_FIELDS`), which only the
document record holds: `owner` maps every record to its resolution's document record, and the
masks, columns, matches (`spread`) and stored fields (`stored`) of those fields go through it.
A new commit means a new searcher, hence a new cache: nothing here can go stale. What depends
only on the generation (codes, ranks, the owner map, band keys, the shingle index) is computed once
and memory-mapped, shared by every lane and worker (search_api/core/shared_arrays.py); filter masks and
decoded postings, which depend on the queries asked, are shared by the lanes of one process in
byte-bounded caches.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.schema import RESOLUTION_FIELDS
from indexer.storage.blocks import field_documents
from search_api.core.column_codes import record_codes, spread_codes
from search_api.core.facet_counts import FacetCounts
from search_api.core.masks import kept
from search_api.core.postings import PostingCache
from search_api.core.shared_arrays import GenerationArrays, MemoryLRU
from search_api.core.similar import SimilarityColumns
from search_api.core.stored import with_resolution

MASK_BYTES = 64 * 2**20  # filter masks a process keeps per generation (a byte a record each)
MAX_CACHED_RESOLUTIONS = 4096


class ColumnValues(Sequence[Any]):
    """A single-valued column read through its codes: `values[docnum]` (None where absent)."""

    def __init__(self, codes: tuple[np.ndarray, np.ndarray, list[Any]]) -> None:
        _, self._codes, self._table = codes  # a plain column: no starts

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, docnum: Any) -> Any:
        return self._table[int(self._codes[docnum])]  # one code a record, None's included


class LeafColumns:
    """One column over every segment of a snapshot, by global document number: None for the
    documents of a segment that lacks the column. (Whoosh's multi-segment column reader leaves such
    segments out, which shifts every later document's value onto another document.)"""

    def __init__(self, searcher: Searcher, field: str) -> None:
        self._offsets: list[int] = []
        self._sizes: list[int] = []
        self._readers: list[Any] = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            self._offsets.append(offset)
            self._sizes.append(reader.doc_count_all())
            self._readers.append(reader.column_reader(field) if reader.has_column(field) else None)

    def __getitem__(self, docnum: int) -> Any:
        leaf = bisect.bisect_right(self._offsets, docnum) - 1
        reader = self._readers[leaf]
        return None if reader is None else reader[docnum - self._offsets[leaf]]

    def __iter__(self) -> Iterator[Any]:
        for reader, size in zip(self._readers, self._sizes, strict=True):
            yield from (reader if reader is not None else itertools.repeat(None, size))

    def segments(self) -> list[tuple[Any, int]]:
        """Each segment's column reader (None where it lacks the column) and its document count,
        in document order: for reading a column a segment at a time."""
        return list(zip(self._readers, self._sizes, strict=True))


# A resolution's field is counted by one pass over every resolution's codes once more than one
# resolution in this many has a match (`SnapshotCache.count`).
RESOLUTION_PASS_SHARE = 8


class SnapshotCache(SimilarityColumns):
    """Filter sets and column values for one searcher (one index snapshot)."""

    def __init__(
        self,
        searcher: Searcher,
        arrays: GenerationArrays | None = None,
        postings: MemoryLRU | None = None,
        masks: MemoryLRU | None = None,
    ) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.arrays = arrays or GenerationArrays(None)
        self._masks = masks or MemoryLRU(MASK_BYTES)
        self._readers: dict[str, Any] = {}
        self._resolutions: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.postings = PostingCache(searcher, self.arrays, postings)

    @property
    def owner(self) -> np.ndarray:
        """Each record's resolution: the document number of the live document record with its
        `doc_id` (a document record's own number), -1 for none."""
        return self.arrays.array(
            "owner", lambda: self.resolution_records[self.value_codes("doc_id", False)[1]].astype(_numbers(self.size))
        )

    @property
    def resolution_records(self) -> np.ndarray:
        """For each `doc_id` code, the live document record of that resolution (-1: none)."""
        return self.arrays.array("resolution-records", self._resolution_records)

    def _resolution_records(self) -> np.ndarray:
        _, codes, table = self.value_codes("doc_id", False)
        record_of = np.full(len(table), -1, dtype=np.int64)
        documents = self.postings.term("level", b"document").docs  # live ones
        record_of[codes[documents]] = documents
        return record_of

    def inherited(self, found: np.ndarray) -> np.ndarray:
        """A mask over document records made a mask over every record of those resolutions."""
        owner = self.owner
        return (owner >= 0) & found[owner]

    def spread(self, docs: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Matches of document records (a resolution-level query) as matches of every live record
        of their resolutions, each with its resolution's score."""
        owner = self.owner
        present = np.zeros(self.size, dtype=bool)
        present[docs] = True
        by_record = np.zeros(self.size, dtype=np.float64)
        by_record[docs] = scores
        matching = np.flatnonzero(self.inherited(present) & self.postings.live)
        return matching.astype(np.int64), by_record[owner[matching]]

    def stored(self, docnum: int) -> dict[str, Any]:
        """A record's stored fields with its resolution's (`RESOLUTION_FIELDS`) filled in."""
        fields = self.searcher.stored_fields(docnum)
        owner = int(self.owner[docnum])
        if owner < 0 or owner == docnum:
            return fields
        resolution = self._resolutions.get(owner)
        if resolution is None:
            resolution = self._resolutions[owner] = with_resolution({}, self.searcher.stored_fields(owner))
            if len(self._resolutions) > MAX_CACHED_RESOLUTIONS:
                self._resolutions.popitem(last=False)
        return {**resolution, **fields}

    def mask(self, q: wq.Query) -> np.ndarray:
        """Documents matching `q` (deleted ones excluded), a boolean mask cached by the query's
        text; a query on a resolution's field matches all of its records. Read only."""
        return self.any_of([q])

    def any_of(self, alternatives: list[wq.Query]) -> np.ndarray:
        """Documents matching any of `alternatives` (queries on one field), as `mask`: cached by
        the group, and a resolution's field spread to its records once for the whole group (a
        session range of twenty values was twenty masks, each spread over every record)."""
        key = " | ".join(sorted(map(repr, alternatives)))
        found = self._masks.get(key)
        if found is None:
            found = np.zeros(self.size, dtype=bool)
            for q in alternatives:
                if isinstance(q, wq.Term) and q.fieldname in self.searcher.schema:  # most filters
                    field = self.searcher.schema[q.fieldname]
                    found[self.postings.term(q.fieldname, field.to_bytes(q.text)).docs] = True
                else:
                    found[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
            if all(getattr(q, "fieldname", None) in RESOLUTION_FIELDS for q in alternatives):
                found = self.inherited(found)
            found.flags.writeable = False  # shared by the lanes
            self._masks.put(key, found, found.nbytes)
        return found

    def filter_mask(self, parts: Iterable[list[wq.Query]]) -> np.ndarray:
        """The documents that pass a request's filters: AND over the groups, OR within each
        group of alternative queries."""
        result: np.ndarray | None = None
        for alternatives in parts:
            if alternatives:
                group = self.any_of(alternatives)
                result = group if result is None else result & group
        return result if result is not None else np.ones(self.size, dtype=bool)

    def column_values(self, field: str) -> ColumnValues:
        """A single-valued column's value for every record (a resolution's field: its document
        record's), read through its codes."""
        return ColumnValues(self.value_codes(field, False))

    def column_reader(self, field: str) -> Any:
        """Random access to one column (for the few documents a lookup touches)."""
        reader = self._readers.get(field)
        if reader is None:
            reader = self._readers[field] = LeafColumns(self.searcher, field)
        return reader

    def value_codes(self, field: str, multi_valued: bool) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """A column as codes: (start of each document's codes, the codes, the distinct values).
        A document's values are `values[codes[starts[d]:starts[d + 1]]]`; a plain field has one
        code a record, `values[codes[d]]`, and no starts (an empty array: saving theirs, 0, 1, 2,
        ..., took 8 MB a field at 1M clauses). Both as narrow as their largest value allows."""

        def make() -> tuple[np.ndarray, np.ndarray, list[Any]]:
            starts, codes, table = self._value_codes(field, multi_valued)
            starts = starts.astype(_numbers(len(codes))) if multi_valued else np.zeros(0, dtype=np.int64)
            return starts, codes.astype(_numbers(len(table))), table

        return self.arrays.get(f"codes-{field}", make)

    def _value_codes(self, field: str, multi_valued: bool) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        reader = LeafColumns(self.searcher, field)
        if field in RESOLUTION_FIELDS:
            # Only document records carry these (a twentieth of the records at 1M clauses): read
            # theirs and give each record its owner's.
            owners = self.owner
            documents = np.unique(owners[owners >= 0])
            return spread_codes(documents, [reader[d] for d in documents.tolist()], owners, multi_valued)
        return record_codes(reader.segments(), self.searcher.schema[field].from_column_value, multi_valued)

    def document_codes(self, field: str, docnums: np.ndarray, multi_valued: bool) -> tuple[np.ndarray, np.ndarray]:
        """(index into `docnums`, value code) for every value of every given document."""
        starts, codes, _ = self.value_codes(field, multi_valued)
        if not multi_valued:  # one code a document, at its own number
            return np.arange(len(docnums)), codes[docnums]
        begin, end = starts[docnums], starts[docnums + 1]
        sizes = end - begin
        owners = np.repeat(np.arange(len(docnums)), sizes)
        offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return owners, codes[np.repeat(begin, sizes) + offsets]

    def code_owners(self, field: str) -> np.ndarray:
        """The document each code of a multi-valued column belongs to."""
        starts = self.value_codes(field, True)[0]
        return self.arrays.array(
            f"owners-{field}", lambda: np.repeat(np.arange(self.size, dtype=np.int32), np.diff(starts))
        )

    def resolution_counts(self, docnums: np.ndarray) -> np.ndarray:
        """How many of `docnums` belong to each resolution (by `doc_id` code)."""
        _, doc_codes, table = self.value_codes("doc_id", False)
        return np.bincount(doc_codes[docnums], minlength=len(table))

    def resolution_tally(self, per_resolution: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the document record of each resolution with a count, its count), of `resolution_counts`."""
        present = np.flatnonzero(per_resolution)
        records = self.resolution_records[present]
        keep = records >= 0
        return records[keep], per_resolution[present][keep]

    def resolution_value_codes(self, field: str, multi_valued: bool) -> tuple[np.ndarray, np.ndarray]:
        """(the resolution, by `doc_id` code, of each value code, the code) of a resolution's
        field, over every resolution with a live document record, in their order."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            resolutions = np.flatnonzero(self.resolution_records >= 0)
            owners, values = self.document_codes(field, self.resolution_records[resolutions], multi_valued)
            return resolutions[owners], np.asarray(values)

        return self.arrays.get(f"resolution-codes-{field}", make)

    def count(
        self,
        field: str,
        docnums: Iterable[int] | np.ndarray,
        multi_valued: bool,
        by_resolution: np.ndarray | None = None,
    ) -> FacetCounts:
        """How many of `docnums` have each value of `field`. A resolution's field is counted once a
        resolution, weighted by its number of documents (`by_resolution`, `resolution_counts`
        made here if not given: several facets of one search share it), instead of once a record:
        a few thousand resolutions rather than every matching clause and each of its sponsors."""
        docs = np.asarray(docnums if isinstance(docnums, np.ndarray) else list(docnums), dtype=np.int64)
        _, codes, table = self.value_codes(field, multi_valued)
        if field in RESOLUTION_FIELDS:
            per_resolution = by_resolution if by_resolution is not None else self.resolution_counts(docs)
            if np.count_nonzero(per_resolution) * RESOLUTION_PASS_SHARE > len(per_resolution):
                # Many resolutions: one pass over every resolution's codes (in their order) beats
                # gathering theirs from the records' columns (1M clauses, 33k of 50k resolutions:
                # the sponsors 3.8 -> 0.6 ms).
                owners, values = self.resolution_value_codes(field, multi_valued)
                counted = per_resolution[owners]
            else:
                records, weights = self.resolution_tally(per_resolution)
                owners, values = self.document_codes(field, records, multi_valued)
                counted = weights[owners]
            counts = np.bincount(values, weights=counted, minlength=len(table)).astype(np.int64)
        else:
            if not multi_valued:
                values = codes[docs]
            elif len(docs) * 8 > self.size:  # many documents: one pass over the column beats gathering
                chosen = np.zeros(self.size, dtype=bool)
                chosen[docs] = True
                values = kept(codes, chosen[self.code_owners(field)])
            else:
                values = self.document_codes(field, docs, multi_valued)[1]
            counts = np.bincount(values, minlength=len(table))
        return FacetCounts(table, counts)

    def sort_rank(self, fields: tuple[str, ...]) -> np.ndarray:
        """Each document's rank when ordered by the first field descending, then the others
        ascending (how the search layer sorts by date or session)."""
        return self.arrays.array("rank-" + "-".join(fields), lambda: self._sort_rank(fields))

    def _sort_rank(self, fields: tuple[str, ...]) -> np.ndarray:
        # The first field descending (newest first), except a symbol: ascending, in natural order.
        keys: list[np.ndarray] = []
        for position, field in enumerate(fields):
            codes, table = self._symbol_codes() if field == "symbol" else self.value_codes(field, False)[1:]
            key = _natural if field == "symbol" else _sortable
            order = sorted(range(len(table)), key=lambda c: key(table[c]))
            rank_of_code = np.empty(len(table), dtype=np.int64)
            rank_of_code[order] = np.arange(len(table))
            ranks = rank_of_code[codes]
            keys.append(-ranks if position == 0 and field != "symbol" else ranks)
        in_order = np.lexsort(tuple(reversed(keys)))
        found = np.empty(self.size, dtype=_numbers(self.size))
        found[in_order] = np.arange(self.size)
        return found

    def _symbol_codes(self) -> tuple[np.ndarray, list[Any]]:
        """(each record's code, the symbols): the symbol is not a column, so each live document
        record's is read from the field's terms (one pass over them a segment; reading the
        records' stored fields, whole resolutions, took 2 s at 1M clauses), numbered in document
        order (the rank is saved)."""
        documents = self.postings.term("level", b"document").docs  # live ones
        is_document = np.zeros(self.size, dtype=bool)
        is_document[documents] = True
        symbol_of: dict[int, str] = {}
        for leaf, offset in self.searcher.leaf_searchers():
            for btext, docs in field_documents(leaf.reader(), "symbol"):
                docs = docs + offset
                symbol = btext.decode("utf-8")
                symbol_of.update((doc, symbol) for doc in docs[is_document[docs]].tolist())
        table: dict[Any, int] = {None: 0}
        of_resolution = np.zeros(self.size, dtype=np.int64)
        for docnum in documents.tolist():
            of_resolution[docnum] = table.setdefault(symbol_of.get(docnum) or None, len(table))
        owner = self.owner
        codes = np.where(owner >= 0, of_resolution[np.maximum(owner, 0)], 0)
        return codes, list(table)


def _numbers(size: int) -> type[np.signedinteger[Any]]:
    """The narrowest type that holds a number below `size` (or -1), a document's or a code's:
    four bytes instead of eight for the arrays saved a record each. Arithmetic on them that can
    pass 2**31 widens first (NumPy keeps int32 * a Python int in int32)."""
    return np.int32 if size < 2**31 else np.int64


def _sortable(value: Any) -> tuple[int, Any]:
    # Missing values first in ascending order, so last when the order is reversed.
    if value is None or value == "":
        return (0, 0)
    return (1, value) if isinstance(value, (int, float)) else (2, str(value))


def _natural(value: Any) -> tuple[int, tuple[tuple[int, str], ...]]:
    """A symbol's natural order (A/RES/80/2 before A/RES/80/10); records without one last."""
    if not value:
        return (1, ())
    return (
        0,
        tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", str(value)) if part),
    )

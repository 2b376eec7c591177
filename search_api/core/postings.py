"""Posting lists as NumPy arrays, decoded once per index snapshot.

Whoosh evaluates a query one posting at a time in Python (about a microsecond each, several for
a scored intersection), which for a word in half of 100k clauses is tens of milliseconds per
term, every time. Here a term's postings are decoded once, a block at a time, into arrays of
global document numbers and weights (and, for phrases, positions); `search_api/core/evaluate.py`
then intersects, unites and scores them with array operations.

The cache belongs to one generation: a commit means a new searcher and a new cache, so nothing
can go stale. Decoded lists go into the generation's `MemoryLRU` (at most `CACHE_BYTES`, least
recently used first out), shared by the lanes of a process; each lane decodes with its own
searcher's readers. The live-document mask and field lengths are the generation's shared arrays
(search_api/core/shared_arrays.py). Deleted documents are left out when a list is decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.formats import PackedPositions
from indexer.storage.blocks import BYTE_TO_LENGTH, posting_blocks, segment_length_codes
from indexer.storage.packed_values import PackedValues
from search_api.core.masks import kept, kept_pair
from search_api.core.shared_arrays import GenerationArrays, MemoryLRU

CACHE_BYTES = 256 * 2**20
STATISTICS_BYTES = 100  # a tuple of four floats and its key, roughly
# Phrase keys pack a document number and a position into one integer: doc << POSITION_BITS | pos.
POSITION_BITS = 24
KEY_BYTES = 8  # one such key an occurrence, an int64

_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class TermPostings:
    """One term's live postings: sorted global document numbers and their weights."""

    docs: np.ndarray
    weights: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.weights.nbytes)


EMPTY = TermPostings(_EMPTY_DOCS, _EMPTY_WEIGHTS)


class PostingCache:
    """Decoded postings, field lengths and the live-document mask of one searcher's generation."""

    def __init__(
        self, searcher: Searcher, arrays: GenerationArrays | None = None, store: MemoryLRU | None = None
    ) -> None:
        self.searcher = searcher
        self.size = searcher.doc_count_all()
        self.arrays = arrays or GenerationArrays(None)
        self._store = store or MemoryLRU(CACHE_BYTES)
        self.live = self.arrays.array("live", self._live)
        self._leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]

    def _live(self) -> np.ndarray:
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(self.searcher.reader().all_doc_ids(), dtype=np.int64)] = True
        return live

    def _remember(self, key: tuple[str, bytes, str], value: Any, nbytes: int) -> Any:
        return self._store.put(key, value, nbytes)

    def _mapped(self, key: tuple[str, bytes, str]) -> Callable[[Any, int], None]:
        """What `shared_term` calls once an array is saved: the LRU takes the mapped one."""
        return lambda mapped, size: self._store.replace(key, mapped, size)

    def _cached(self, key: tuple[str, bytes, str]) -> Any:
        return self._store.get(key)

    def term(self, fieldname: str, btext: bytes) -> TermPostings:
        """The live postings of one term (empty if the index lacks it)."""
        key = (fieldname, btext, "docs")
        found = self._cached(key)
        if found is not None:
            return found
        parts = self.arrays.shared_term(
            key,
            lambda: _as_tuple(self._decode_term(fieldname, btext)),
            lambda pair: int(pair[0].nbytes + pair[1].nbytes),
            lambda mapped, size: self._store.replace(key, TermPostings(*mapped), size),
        )
        postings = TermPostings(*parts) if len(parts[0]) else EMPTY
        return self._remember(key, postings, postings.nbytes)

    def _decode_term(self, fieldname: str, btext: bytes) -> TermPostings:
        docs_parts: list[np.ndarray] = []
        weight_parts: list[Any] = []
        deletions = False
        for reader, offset in self._leaves:
            blocks = posting_blocks(reader, fieldname, btext, values=False)
            if blocks is None:
                continue
            block_ids, block_weights, _ = blocks
            docs_parts.append(np.concatenate(block_ids) + offset)
            weight_parts += block_weights  # arrays of whichever type the block has (term_blocks.py)
            deletions = deletions or reader.has_deletions()
        if not docs_parts:
            return EMPTY
        docs = np.concatenate(docs_parts)
        weights = np.concatenate(weight_parts).astype(np.float64)
        if deletions:
            keep = self.live[docs]
            docs, weights = kept_pair(docs, weights, keep)
        return TermPostings(docs, weights)

    def doc_frequency(self, fieldname: str, btext: bytes) -> int:
        """How many documents have the term, deleted ones included (Whoosh's `doc_frequency`: a
        look-up in every segment), once a generation."""
        key = (fieldname, btext, "doc-frequency")
        found = self._cached(key)
        if found is None:
            found = self._remember(key, self.searcher.reader().doc_frequency(fieldname, btext), STATISTICS_BYTES)
        return int(found)

    def statistics(
        self, term: tuple[str, bytes], compute: Callable[[], tuple[float, float, float, float]]
    ) -> tuple[float, float, float, float]:
        """A term's scoring statistics (see evaluate.py), computed once a generation."""
        key = (*term, "statistics")
        found = self._cached(key)
        if found is not None:
            return found
        return self._remember(key, compute(), STATISTICS_BYTES)

    def scores(self, key: tuple[str, bytes, str], compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A term's BM25 score in each of its documents (see evaluate.py): like its postings, made
        once a generation (shared by the processes as they are) instead of once a query. Read-only."""
        found = self._cached(key)
        if found is not None:
            return found

        def make() -> np.ndarray:
            scores = compute()
            scores.flags.writeable = False
            return scores

        scores = self.arrays.shared_term(key, make, lambda a: int(a.nbytes), self._mapped(key))
        return self._remember(key, scores, scores.nbytes)

    def prefix(self, fieldname: str, prefix: str) -> TermPostings:
        """The live postings of every term starting with `prefix`, merged as one term's: a
        document's weight is the sum of its terms' (a one-character query on the bigram field)."""
        key = (fieldname, prefix.encode("utf-8"), "prefix")
        found = self._cached(key)
        if found is not None:
            return found
        grams = self.searcher.reader().expand_prefix(fieldname, prefix)
        parts = [
            p
            for p in (self.term(fieldname, g if isinstance(g, bytes) else g.encode("utf-8")) for g in grams)
            if len(p.docs)
        ]
        postings = EMPTY
        if parts:
            docs, owners = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
            postings = TermPostings(docs, np.bincount(owners, weights=np.concatenate([p.weights for p in parts])))
        return self._remember(key, postings, postings.nbytes)

    def positions(self, fieldname: str, btext: bytes) -> np.ndarray:
        """Every live occurrence of a term as a sorted key `doc << POSITION_BITS | position`."""
        key = (fieldname, btext, "positions")
        found = self._cached(key)
        if found is not None:
            return found
        if not isinstance(self.searcher.schema[fieldname].format, PackedPositions):
            raise TypeError(f"{fieldname!r} does not store packed positions (indexer/formats.py)")
        keys = self.arrays.shared_term(
            key,
            lambda: self._decode_positions(fieldname, btext),
            lambda a: int(a.nbytes),
            self._mapped(key),
        )
        return self._remember(key, keys, keys.nbytes)

    def prepare_positions(self, fieldname: str, btext: bytes) -> int:
        """Save a term's positions for every process to map (`positions` then maps them instead
        of decoding), keeping them out of this process's memory; the bytes saved."""
        return self.arrays.save_term((fieldname, btext, "positions"), lambda: self._decode_positions(fieldname, btext))

    def positions_saved(self, fieldname: str, btext: bytes) -> bool:
        """Whether a process has saved this term's positions for the others to map."""
        return self.arrays.term_saved((fieldname, btext, "positions"))

    def commonest(self, fieldname: str, occurrences: int) -> list[tuple[bytes, int]]:
        """The field's terms with at least `occurrences` occurrences (deleted documents' included),
        commonest first, once a generation: one pass over each segment's term list."""

        def find() -> list[tuple[bytes, int]]:
            # A term under this in every segment is under `occurrences` in all of them together.
            least = occurrences // max(1, len(self._leaves))
            totals: dict[bytes, int] = {}
            for reader, _ in self._leaves:
                if fieldname in reader.indexed_field_names():
                    for btext, info in reader.iter_field(fieldname):
                        if info.weight() >= least:
                            totals[btext] = totals.get(btext, 0) + int(info.weight())
            return sorted(((t, n) for t, n in totals.items() if n >= occurrences), key=lambda item: (-item[1], item[0]))

        return list(self.arrays.get(f"commonest-{fieldname}-{occurrences}", find))

    def _decode_positions(self, fieldname: str, btext: bytes) -> np.ndarray:
        parts: list[np.ndarray] = []
        for reader, offset in self._leaves:
            blocks = posting_blocks(reader, fieldname, btext, values=True)
            if blocks is None:
                continue
            ids, _, values = blocks
            # A segment's blocks at once: each value is a posting's uint32 positions end to end.
            lengths: list[np.ndarray] = []
            blobs: list[bytes] = []
            for block_values in values:
                if isinstance(block_values, PackedValues):  # as our writer packs them: no object a posting
                    lengths.append(block_values.length_array())
                    blobs.append(block_values.blob)
                else:  # a tuple of bytes, as Whoosh's own writer leaves them (merged segments)
                    lengths.append(np.fromiter(map(len, block_values), dtype=np.int64, count=len(block_values)))
                    blobs.append(b"".join(block_values))
            docs = np.concatenate(ids) + offset
            counts = np.concatenate(lengths) // 4
            keys = np.repeat(docs << POSITION_BITS, counts)
            keys += np.frombuffer(b"".join(blobs), dtype="<u4")
            # The live mask only where the segment has deletions: most have none, and it was a
            # fifth of a rare term's decoding.
            parts.append(kept(keys, self.live[keys >> POSITION_BITS]) if reader.has_deletions() else keys)
        return np.concatenate(parts) if parts else _EMPTY_DOCS

    def length_codes(self, fieldname: str) -> np.ndarray:
        """Each document's length in `fieldname` as Whoosh stores it, a one-byte code, saved for
        the generation (a float a document had been 8 MB a field at 1M clauses)."""
        return self.arrays.array(f"length-codes-{fieldname}", lambda: self._length_codes(fieldname))

    def lengths(self, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """The length in `fieldname` of each of `docs`, as Whoosh's scorers read it (1 where absent)."""
        return _LENGTH_OF_CODE[self.length_codes(fieldname)[docs]]

    def _length_codes(self, fieldname: str) -> np.ndarray:
        codes = np.zeros(self.size, dtype=np.uint8)
        for reader, offset in self._leaves:
            stored = segment_length_codes(reader, fieldname)
            if stored is not None:
                codes[offset : offset + len(stored)] = stored
        return codes


# A length code's length as a float, as BM25F reads it; 0 (no length stored) reads as 1.
_LENGTH_OF_CODE = np.where(np.arange(256) > 0, BYTE_TO_LENGTH, 1).astype(np.float64)


def _as_tuple(postings: TermPostings) -> tuple[np.ndarray, np.ndarray]:
    return postings.docs, postings.weights

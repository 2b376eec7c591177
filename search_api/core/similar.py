"""A snapshot's similarity columns as arrays: every clause's MinHash band keys (precedents of a
clause) and the inverted index of its shingle hashes (precedents of a pasted text, the draft
checker), with the lookups on them. `SnapshotCache` (docsets.py) has these methods."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from indexer.similarity import BANDS, KEY_DTYPE
from indexer.storage.columns import fixed_bytes_values, var_bytes_values
from search_api.core.postings import PostingCache
from search_api.core.shared_arrays import GenerationArrays

PROBE_READS = 2  # shared_shingles: postings counted whole, up to this multiple of the fewest it must read


class SimilarityColumns:
    """What these lookups need of the snapshot's cache (docsets.py `SnapshotCache` provides it)."""

    size: int
    arrays: GenerationArrays
    postings: PostingCache

    def column_reader(self, field: str) -> Any:
        raise NotImplementedError

    def band_keys(self) -> np.ndarray:
        """Every document's band keys, one row a band (`BANDS` x documents; zeros: no keys)."""
        return self.arrays.array("bands", self._band_keys)

    def _band_keys(self) -> np.ndarray:
        none = bytes(BANDS * np.dtype(KEY_DTYPE).itemsize)  # a segment without the column: no keys
        pieces = []
        for column, size in self.column_reader("bands").segments():
            whole = fixed_bytes_values(column) if column is not None else None
            if whole is None or len(whole) != size * len(none):  # another layout: value by value
                whole = b"".join(
                    value or none for value in (column if column is not None else itertools.repeat(None, size))
                )
            pieces.append(whole)
        keys = np.frombuffer(b"".join(pieces), dtype=KEY_DTYPE).reshape(self.size, BANDS)
        return np.ascontiguousarray(keys.T)  # a band's keys contiguous: one pass each

    def shingle_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """An inverted index of every clause's shingle hashes, made once a snapshot (about 30 hashes
        a clause): the distinct hashes, sorted; where each one's records start in the next array
        (one more entry, the end); the records holding each hash, ascending within a hash; each
        record's number of shingles. The clauses sharing shingles with a text are found with one
        binary search per shingle of the text."""
        return self.arrays.get("shingles", self._shingle_index)

    def _shingle_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        data: list[bytes] = []
        lengths: list[np.ndarray] = []
        for column, size in self.column_reader("shingles").segments():
            whole = var_bytes_values(column) if column is not None else None
            if whole is None:  # another layout, or no column: value by value
                values = [raw or b"" for raw in (column if column is not None else itertools.repeat(None, size))]
                whole = b"".join(values), np.array([len(value) for value in values], dtype=np.int64)
            data.append(whole[0])
            lengths.append(whole[1])
        hashes = np.frombuffer(b"".join(data), dtype=np.uint64)
        sizes = (np.concatenate(lengths) // hashes.itemsize).astype(np.int32) if lengths else np.zeros(0, np.int32)
        owners = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        # Stable: within one hash, records stay in ascending order (`shared_shingles` relies on it).
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        # Each distinct hash once, with where its records start: formulas repeat ("请 秘书长 ..."),
        # and a hash stored for every record that holds it took 8 bytes of the 12 a shingle.
        firsts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
        bounds = np.concatenate(([0], firsts, [len(ordered)])) if len(ordered) else np.zeros(1, dtype=np.int64)
        starts = bounds.astype(np.uint32 if len(ordered) < 2**32 else np.int64)
        return ordered[bounds[:-1]], starts, owners[order], sizes

    def shared_shingles(self, hashes: bytes, min_shared: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(live records, shingles each shares with `hashes`, each record's shingle count) for
        every record sharing at least `min_shared` of them: the exact overlap, no sampling.

        Prefix filtering: a record sharing `min_shared` of the text's `p` shingles holds one of
        any `p - min_shared + 1` of them, so candidates come from the rarest that many (short
        postings); the common shingles' postings are then searched for the candidates alone
        (binary search: a posting lists its records in ascending order, see `_shingle_index`),
        shortest first, and a candidate is dropped as soon as the postings left cannot bring it
        to `min_shared`. The long postings of formulas ("请 秘书长 ...") are never walked whole:
        on SYNTHETIC 1M clauses, 0.2-0.7M postings read a paragraph instead of 2-9M."""
        distinct, starts, owners, sizes = self.shingle_index()
        wanted = np.frombuffer(hashes, dtype=np.uint64)
        min_shared = max(1, min_shared)
        empty = np.zeros(0, dtype=np.int64)
        if min_shared > len(wanted) or not len(distinct):
            return empty, empty, empty
        at = np.minimum(np.searchsorted(distinct, wanted), len(distinct) - 1)
        present = distinct[at] == wanted
        left = np.where(present, starts[at], 0).astype(np.int64)
        runs = np.where(present, starts[at + 1].astype(np.int64) - left, 0)
        if not runs.any():
            return empty, empty, empty
        by_length = np.argsort(runs, kind="stable")
        # Counting a posting's entries costs about a tenth of searching a candidate in one, so the
        # probe takes the rarest postings up to twice the entries it must read (measured on
        # SYNTHETIC 1M: 0.26 s a draft against 0.35-0.45 s with the fewest), and a candidate
        # must already hold what the postings left cannot make up.
        reads = np.cumsum(runs[by_length])
        needed = len(wanted) - min_shared + 1
        probe = max(needed, int(np.searchsorted(reads, PROBE_READS * reads[needed - 1], side="right")))
        probed, looked_up = by_length[:probe], by_length[probe:]
        probed_owners = np.concatenate([owners[left[i] : left[i] + runs[i]] for i in probed.tolist()])
        counts = np.bincount(probed_owners, minlength=self.size)
        candidates = np.flatnonzero(counts >= min_shared - len(looked_up))
        candidates = candidates[self.postings.live[candidates]]
        counts = counts[candidates]
        marks = np.zeros(0, dtype=bool)  # made when first needed: 1 byte a record
        for step, i in enumerate(looked_up.tolist()):
            left_over = len(looked_up) - step - 1  # postings still to search after this one
            posting = owners[left[i] : left[i] + runs[i]]
            if len(posting) > 16 * len(candidates):  # few candidates: binary search in the posting
                at = np.searchsorted(posting, candidates)
                counts += posting[np.minimum(at, len(posting) - 1)] == candidates
            else:  # many: mark the posting's records, one pass each
                marks = marks if len(marks) else np.zeros(self.size, dtype=bool)
                marks[posting] = True
                counts += marks[candidates]
                marks[posting] = False
            reachable = counts + left_over >= min_shared
            candidates, counts = candidates[reachable], counts[reachable]
            if not len(candidates):
                return empty, empty, empty
        return candidates, counts, sizes[candidates].astype(np.int64)

    def band_matches(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(documents, number of `keys` each shares in the same band), live documents sharing
        at least one. A zero key is the column's "no key" (a 2**-32 chance otherwise): skipped."""
        stored = self.band_keys()
        shared = np.zeros(self.size, dtype=np.uint8)
        for band, key in enumerate(keys.tolist()):
            if key:
                shared += stored[band] == key
        docs = np.flatnonzero((shared > 0) & self.postings.live)
        return docs, shared[docs]

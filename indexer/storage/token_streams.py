"""The text fields' postings kept as token streams until a segment is written.

The word and character fields hold nine tenths of the index's postings. Grouping each document's
tokens by term in Python (a dict of position lists, a packed value, a term lookup and a weight a
posting) and later cutting the pool's byte buffer back into one bytes object a posting was a
third of a build's CPU. Here a document's field is kept as it comes from its analysis: the
number of each token's term (one dict lookup a token, in C) and its position. When the segment is
written, one stable sort by term of all of a field's tokens puts them in posting order (documents
ascending, positions ascending within each: the order they came in), a posting is a run of one
term in one document, and its value, the positions packed, is a slice of the sorted positions:
no Python object a posting or a position (`stream_terms`). The word fields' tokens are kept so
(`FieldStream`); the character field's, the most of all, as the texts they are cut from
(char_streams.py), grouped by the same `stream_terms`.

Positions are kept as unsigned 32-bit integers, the values of `PackedPositions`
(indexer/formats.py), which is the only format a stream field may have (`STREAM_VALUE_DTYPE`).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from itertools import chain

import numpy as np

# A stream field's posting value: its positions as little-endian uint32 (PackedPositions).
STREAM_VALUE_DTYPE = np.dtype("<u4")
# One term's postings: (term, documents, weights, frequencies, positions end to end).
StreamTerm = tuple[bytes, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
# Below this many terms a field's term ranks sort as uint16, which NumPy sorts by radix.
_RADIX_TERMS = 1 << 16


class FieldStream:
    """One field's tokens across the segment's documents."""

    __slots__ = ("boosts", "counts", "docs", "field_boost", "numbers", "positions", "postings", "vocabulary")

    def __init__(self, field_boost: float) -> None:
        self.field_boost = field_boost
        self.vocabulary: dict[str, int] = {}  # term -> its number, in order of first appearance
        self.numbers = array("i")  # each token's term number
        self.positions = array("I")  # each token's position
        self.docs = array("i")  # each document added, with its token count and boost
        self.counts = array("i")
        self.boosts = array("d")
        self.postings = 0  # distinct terms of each document, added up

    def __len__(self) -> int:
        """The postings these tokens make (what bounds a segment: shards.py)."""
        return self.postings

    def add(self, docnum: int, texts: Sequence[str], positions: Sequence[int], boost: float) -> None:
        """One document's tokens (each token's term and position, in the analyzer's order)."""
        vocabulary = self.vocabulary
        numbers = list(map(vocabulary.get, texts))
        if None in numbers:  # new terms: number them as they first appear
            setdefault = vocabulary.setdefault
            numbers = [setdefault(t, len(vocabulary)) if n is None else n for t, n in zip(texts, numbers, strict=True)]
        self.numbers.extend(numbers)  # type: ignore[arg-type]  # no None is left
        self.postings += len(set(numbers))
        self.positions.extend(positions)
        self.docs.append(docnum)
        self.counts.append(len(numbers))
        self.boosts.append(boost)

    def documents(self) -> Iterator[tuple[int, list[str], list[int], float]]:
        """Each document's tokens back as they were added: (document, terms, positions, boost)."""
        terms = list(self.vocabulary)
        start = 0
        for docnum, count, boost in zip(self.docs, self.counts, self.boosts, strict=True):
            numbers = self.numbers[start : start + count]
            yield docnum, [terms[n] for n in numbers], self.positions[start : start + count].tolist(), boost
            start += count

    def terms(self) -> Iterator[StreamTerm]:
        """Each term's postings, terms in byte order (`stream_terms`)."""
        if not self.numbers:
            return
        terms = list(self.vocabulary)
        by_text = sorted(range(len(terms)), key=terms.__getitem__)  # code point order is UTF-8's
        rank = np.empty(len(terms), dtype=np.uint16 if len(terms) <= _RADIX_TERMS else np.int64)
        rank[by_text] = np.arange(len(terms))
        counts = np.frombuffer(self.counts, dtype=np.intc)
        boosts = np.frombuffer(self.boosts, dtype=np.float64)
        yield from stream_terms(
            rank[np.frombuffer(self.numbers, dtype=np.intc)],
            np.repeat(np.frombuffer(self.docs, dtype=np.intc), counts),
            np.frombuffer(self.positions, dtype=np.uintc),
            np.repeat(boosts, counts) if (boosts != 1.0).any() else None,
            self.field_boost,
            lambda ranks: [terms[by_text[r]].encode("utf-8") for r in ranks.tolist()],
        )


def stream_terms(
    keys: np.ndarray,
    docs: np.ndarray,
    positions: np.ndarray,
    boosts: np.ndarray | None,
    field_boost: float,
    names: Callable[[np.ndarray], list[bytes]],
) -> Iterator[StreamTerm]:
    """Tokens given as arrays in the order they came (documents ascending, positions ascending
    within each), grouped into each term's postings, terms in byte order: (term, documents,
    weights, frequencies, positions end to end in `STREAM_VALUE_DTYPE`). A token's key stands for
    its term, and keys sort as their terms' bytes do; `names` gives the terms of distinct keys.
    `boosts`: each token's document boost, None where all are 1."""
    order = np.argsort(keys, kind="stable")  # keeps documents and positions in their order
    keys, docs = keys[order], docs[order]  # the unsorted ones let go, if the caller holds none
    positions = positions[order].astype(STREAM_VALUE_DTYPE, copy=False)
    # A posting is a run of one term in one document.
    starts = np.flatnonzero(np.concatenate(([True], (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1]))))
    frequencies = np.diff(np.append(starts, len(order)))
    posting_docs = docs[starts].astype(np.int64)
    weights = frequencies * field_boost
    if boosts is not None:  # as add_columns: the format's weight times the document's boost
        weights = weights * boosts[order][starts]
    posting_keys = keys[starts]
    firsts = np.flatnonzero(np.concatenate(([True], posting_keys[1:] != posting_keys[:-1])))
    bounds = np.append(firsts, len(starts))
    # Where each term's positions begin: a Python int a term, not one a posting (36 bytes each).
    value_bounds = np.append(starts, len(order))[bounds].tolist()
    bounds_listed = bounds.tolist()
    for index, term in enumerate(names(posting_keys[firsts])):
        low, high = bounds_listed[index], bounds_listed[index + 1]
        yield (
            term,
            posting_docs[low:high],
            weights[low:high],
            frequencies[low:high],
            positions[value_bounds[index] : value_bounds[index + 1]],
        )


def stream_columns(
    texts: Sequence[str], positions: Sequence[int], field_boost: float
) -> tuple[list[bytes], list[int], list[float], bytes, list[int]]:
    """One document's tokens as the pool's posting columns (segment.py `add_columns`): each term
    once, its positions packed as its value. For a field whose postings also come another way
    (a merge into a writer that added documents), which a stream cannot interleave with."""
    grouped: defaultdict[str, list[int]] = defaultdict(list)
    for text, position in zip(texts, positions, strict=True):
        grouped[text].append(position)
    frequencies = list(map(len, grouped.values()))
    values = np.fromiter(chain.from_iterable(grouped.values()), dtype=STREAM_VALUE_DTYPE, count=len(texts))
    return (
        [term.encode("utf-8") for term in grouped],
        frequencies,
        [frequency * field_boost for frequency in frequencies],
        values.tobytes(),
        [STREAM_VALUE_DTYPE.itemsize * frequency for frequency in frequencies],
    )

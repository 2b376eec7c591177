"""The character field's postings kept as the texts its grams are cut from until a segment is
written.

The `chars` field has the most postings of any field: a gram a character. Made one by one (a
string a gram, a dictionary lookup of it, a term number and a position a gram: token_streams.py
`FieldStream`), they were the largest part of a clause's writing. Here a document adds the text
each of its segments keeps in the field and the position of its first gram
(analyzers/tokenizer.py `char_runs`); when the segment is written, the grams of all of them are
cut at once as numbers: a character's code point shifted left by `_SHIFT` bits, joined to the
code point after it plus one (0 for the text's last character, which stands alone). Those keys
sort as the grams' UTF-8 bytes do (a character before the bigrams it starts, as `a` before
`ab`), so the postings are grouped as `FieldStream`'s (token_streams.py `stream_terms`), and a
gram becomes a string once a term, not once a token. tests/test_segment.py compares the two.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import repeat

import numpy as np

from analyzers.tokenizer import char_run_tokens
from indexer.storage.token_streams import STREAM_VALUE_DTYPE, StreamTerm, stream_terms

_SHIFT = 21  # bits of a code point (U+10FFFF < 2**21): the first character's place in a key
_FOLLOWING = (1 << _SHIFT) - 1


class CharStream:
    """The character field's texts across the segment's documents (see the module docstring)."""

    __slots__ = ("boosts", "counted", "docs", "field_boost", "keys", "postings", "starts", "texts")

    def __init__(self, field_boost: float) -> None:
        self.field_boost = field_boost
        self.texts: list[str] = []  # each run's kept text, in the order added
        self.starts = array("I")  # each run's first position
        self.docs = array("i")  # each run's document and its boost
        self.boosts = array("d")
        self.keys: list[np.ndarray] = []  # the keys of the grams of the runs counted, a piece a count
        self.counted = 0  # runs counted
        self.postings = 0  # distinct grams of each document of those, added up

    def __len__(self) -> int:
        """The postings these grams make (what bounds a segment: shards.py, which asks after each
        file). The runs added since the last count are cut into keys now, in a few NumPy calls (a
        file's runs at a time), and the keys kept for `terms`."""
        if self.counted < len(self.texts):
            pending = self.texts[self.counted :]
            lengths = np.fromiter(map(len, pending), dtype=np.int64, count=len(pending))
            keys = _keys(pending, lengths)
            runs_docs = np.frombuffer(self.docs, dtype=np.intc)[self.counted :]
            # A posting is a gram in a document: the keys told apart by their document's rank here.
            ranks = np.repeat(np.cumsum(np.concatenate(([0], runs_docs[1:] != runs_docs[:-1]))), lengths)
            grams = np.sort(keys | (ranks.astype(np.uint64) << np.uint64(2 * _SHIFT)))
            self.postings += 1 + int(np.count_nonzero(grams[1:] != grams[:-1])) if len(grams) else 0
            self.keys.append(keys)
            self.counted = len(self.texts)
        return self.postings

    def add(self, docnum: int, texts: Sequence[str], starts: Sequence[int], boost: float) -> int:
        """One document's runs (`char_runs`); returns its grams, the field's length."""
        self.texts += texts
        self.starts.extend(starts)
        self.docs.extend(repeat(docnum, len(texts)))
        self.boosts.extend(repeat(boost, len(texts)))
        return sum(map(len, texts))

    def documents(self) -> Iterator[tuple[int, list[str], list[int], float]]:
        """Each document's grams back as the tokens `char_stream` gives: (document, grams,
        positions, boost), for a field whose postings must then come another way (segment.py)."""
        if not self.texts:
            return
        low = 0
        for high in [*np.flatnonzero(np.diff(self.docs)).tolist(), len(self.docs) - 1]:
            grams, positions = char_run_tokens(self.texts[low : high + 1], self.starts[low : high + 1])
            yield self.docs[low], grams, positions, self.boosts[low]
            low = high + 1

    def terms(self) -> Iterator[StreamTerm]:
        """Each gram's postings, grams in byte order (`stream_terms`)."""
        if not self.texts:
            return
        lengths = np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts))
        boosts = np.frombuffer(self.boosts, dtype=np.float64)
        # Built in the call, so that `stream_terms` holds the only reference and lets each go
        # once it has sorted it (a segment's grams: tens of millions of them).
        yield from stream_terms(
            self._take_keys(),
            np.repeat(np.frombuffer(self.docs, dtype=np.intc), lengths),
            self._positions(lengths),
            np.repeat(boosts, lengths) if (boosts != 1.0).any() else None,
            self.field_boost,
            _grams,
        )

    def _take_keys(self) -> np.ndarray:
        """Every gram's key, in one array handed over: the stream keeps none (it would count its
        runs again, should anything ask)."""
        len(self)  # the keys of the runs not counted yet
        keys = np.concatenate(self.keys)
        self.keys, self.counted, self.postings = [], 0, 0
        return keys

    def _positions(self, lengths: np.ndarray) -> np.ndarray:
        """Each gram's position: its run's first position plus its place in the run."""
        first_index = np.cumsum(lengths) - lengths  # each run's first gram among all
        positions = np.repeat(np.frombuffer(self.starts, dtype=np.uintc) - first_index, lengths)
        positions += np.arange(len(positions))
        return positions.astype(STREAM_VALUE_DTYPE)


def _keys(texts: list[str], lengths: np.ndarray) -> np.ndarray:
    """The keys of the grams of `texts` (see the module docstring), text after text; `lengths`:
    each text's."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    following = np.zeros(len(codes), dtype=np.uint64)
    following[:-1] = codes[1:] + 1
    following[np.cumsum(lengths) - 1] = 0  # a text's last character stands alone
    keys: np.ndarray = (codes << np.uint64(_SHIFT)) | following
    return keys


def _grams(keys: np.ndarray) -> list[bytes]:
    """The grams of distinct keys, as UTF-8."""
    return [
        (chr(key >> _SHIFT) + (chr((key & _FOLLOWING) - 1) if key & _FOLLOWING else "")).encode("utf-8")
        for key in keys.tolist()
    ]

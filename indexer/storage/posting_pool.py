"""The posting pool of a segment writer (segment.py), in flat arrays.

Whoosh's posting pool keeps each posting as a tuple (about 150 bytes) and, past `limitmb`,
spills them to temporary files, one pickle call per posting, read back through a heap merge: a
quarter of a large build. `CompactPostingPool` keeps them in flat arrays (about 30 bytes a
posting: term number, document, weight, end of the value in one byte buffer), so a worker's
postings stay in memory and one stable sort by term puts them in the order the codec writes.
A document's field hands the pool all its postings at once (`add_field`).

The text fields hand it their tokens as streams, grouped into postings only when the segment is
written, in arrays: the word fields' terms and positions (token_streams.py), the character
field's texts, cut into grams then (char_streams.py).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, groupby, islice, repeat
from operator import itemgetter
from typing import cast

import numpy as np

from analyzers.tokenizer import char_run_tokens
from indexer.storage.char_streams import CharStream
from indexer.storage.posting_columns import PostingColumns
from indexer.storage.token_streams import FieldStream, stream_columns

# A text field's tokens until the segment is written: the word fields' (token_streams.py) and the
# character field's (char_streams.py).
Stream = FieldStream | CharStream

SORT_CHUNK = 1 << 20  # postings turned back into Python objects at a time


# A term's postings from the flat arrays: (fieldname, term, documents, weights, values).
ListedTerm = tuple[str, bytes, list[int], list[float], list[bytes]]


class CompactPostingPool:
    """The posting pool of a segment writer, in flat arrays (see the module docstring)."""

    def __init__(self) -> None:
        self._field_terms: dict[str, dict[bytes, int]] = {}  # field -> term -> its number
        self._keys: list[tuple[str, bytes]] = []  # (field, term) by number
        self._terms = array("i")
        self._docs = array("q")
        self._weights = array("d")
        self._value_ends = array("q")
        self._values = bytearray()
        self._streams: dict[str, Stream] = {}  # the text fields' tokens

    def __len__(self) -> int:
        """Postings held, those the streams' tokens will make included: what bounds memory."""
        return len(self._docs) + sum(map(len, self._streams.values()))

    def add_stream(
        self,
        fieldname: str,
        docnum: int,
        texts: Sequence[str],
        positions: Sequence[int],
        field_boost: float,
        boost: float,
    ) -> int:
        """One document's field as its tokens' terms and positions (values `STREAM_VALUE_DTYPE`,
        weights the frequency times `field_boost` and `boost`); returns the field's length."""
        if not texts:
            return 0
        if fieldname in self._field_terms:  # the field's postings also came another way
            columns = stream_columns(texts, positions, field_boost)
            return self.add_columns(fieldname, docnum, columns, boost)
        stream = self._streams.get(fieldname)
        if stream is None:
            stream = self._streams[fieldname] = FieldStream(field_boost)
        if not isinstance(stream, FieldStream):
            raise TypeError(f"{fieldname}: its tokens came both as words and as characters' runs")
        stream.add(docnum, texts, positions, boost)
        return len(texts)

    def add_char_runs(
        self,
        fieldname: str,
        docnum: int,
        runs: tuple[Sequence[str], Sequence[int]],
        field_boost: float,
        boost: float,
    ) -> int:
        """One document's character field as the texts its grams are cut from and their first
        positions (analyzers/tokenizer.py `char_runs`); returns the field's length."""
        texts, starts = runs
        if not texts:
            return 0
        if fieldname in self._field_terms:  # the field's postings also came another way
            return self.add_stream(fieldname, docnum, *char_run_tokens(texts, starts), field_boost, boost)
        stream = self._streams.get(fieldname)
        if stream is None:
            stream = self._streams[fieldname] = CharStream(field_boost)
        if not isinstance(stream, CharStream):
            raise TypeError(f"{fieldname}: its tokens came both as words and as characters' runs")
        return stream.add(docnum, texts, starts, boost)

    def _unstream(self, fieldname: str) -> None:
        """Turn a field's stream into postings of the flat arrays before any other posting of that
        field comes: its documents are all earlier, so the arrays stay in document order."""
        stream = self._streams.pop(fieldname)
        for docnum, texts, positions, boost in stream.documents():
            self.add_columns(fieldname, docnum, stream_columns(texts, positions, stream.field_boost), boost)

    def _number(self, fieldname: str, tbytes: bytes) -> int:
        """A new term's number (terms are numbered as they first appear)."""
        number = self._field_terms.setdefault(fieldname, {})[tbytes] = len(self._keys)
        self._keys.append((fieldname, tbytes))
        return number

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as Whoosh's pool takes it: (field, term, document, weight, value)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if fieldname in self._streams:
            self._unstream(fieldname)
        number = self._field_terms.setdefault(fieldname, {}).get(tbytes)
        self._terms.append(self._number(fieldname, tbytes) if number is None else number)
        self._docs.append(docnum)
        self._weights.append(weight)
        if vbytes:
            self._values += vbytes
        self._value_ends.append(len(self._values))

    def add_field(
        self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, bytes | None]], boost: float = 1.0
    ) -> int:
        """All postings of one field of one document, as `field.index` yields them; returns the
        sum of their frequencies (the field's length in the document). Whole columns at a time:
        one `extend` per array instead of an append per posting."""
        postings = list(items)
        if not postings:
            return 0
        if fieldname in self._streams:
            self._unstream(fieldname)
        terms, frequencies, weights, values = zip(*postings, strict=True)  # columns, transposed in C
        known = self._field_terms.setdefault(fieldname, {})
        numbers = list(map(known.get, terms))
        if None in numbers:  # new terms (a field yields each of its terms once): number them
            numbers = [self._number(fieldname, t) if n is None else n for t, n in zip(terms, numbers, strict=True)]
        self._terms.extend(cast(list[int], numbers))
        self._docs.extend(repeat(docnum, len(numbers)))
        self._weights.extend(weights if boost == 1.0 else [weight * boost for weight in weights])
        if None in values:
            values = tuple(value or b"" for value in values)
        # Each value ends where the previous one did plus its length (the first `initial` is the
        # previous posting's end, already recorded).
        self._value_ends.extend(islice(accumulate(map(len, values), initial=len(self._values)), 1, None))
        self._values += b"".join(values)
        return sum(frequencies)

    def add_columns(
        self,
        fieldname: str,
        docnum: int,
        columns: PostingColumns,
        boost: float = 1.0,
    ) -> int:
        """`add_field` for postings given as columns (posting_columns.py `PostingColumns`): terms,
        frequencies, weights, the values end to end and their lengths; no tuple a posting."""
        terms, frequencies, weights, values, lengths = columns
        if not terms:
            return 0
        if fieldname in self._streams:
            self._unstream(fieldname)
        known = self._field_terms.setdefault(fieldname, {})
        numbers = list(map(known.get, terms))
        if None in numbers:
            numbers = [self._number(fieldname, t) if n is None else n for t, n in zip(terms, numbers, strict=True)]
        self._terms.extend(cast(list[int], numbers))
        self._docs.extend(repeat(docnum, len(numbers)))
        self._weights.extend(weights if boost == 1.0 else [weight * boost for weight in weights])
        self._value_ends.extend(islice(accumulate(lengths, initial=len(self._values)), 1, None))
        self._values += values
        return sum(frequencies)

    def add_postings(
        self, fieldname: str, tbytes: bytes, docs: np.ndarray, weights: np.ndarray, values: bytes, sizes: np.ndarray
    ) -> None:
        """One term's postings in a run of documents after those the pool holds (a segment's, when
        it is merged: segment_copy.py): documents, weights, the values end to end, their sizes."""
        if fieldname in self._streams:
            self._unstream(fieldname)
        number = self._field_terms.setdefault(fieldname, {}).get(tbytes)
        if number is None:
            number = self._number(fieldname, tbytes)
        self._terms.frombytes(np.full(len(docs), number, dtype=np.intc).tobytes())
        self._docs.frombytes(docs.astype(np.int64, copy=False).tobytes())
        self._weights.frombytes(weights.astype(np.float64, copy=False).tobytes())
        self._value_ends.frombytes((np.cumsum(sizes, dtype=np.int64) + len(self._values)).tobytes())
        self._values += values

    def terms(self) -> Iterator[ListedTerm]:
        """Each term's postings, terms in (field, text) order, documents in order within a term:
        each document was added whole and after the previous one, so a stable sort by term
        suffices. (fieldname, term, docnums, weights, values)."""
        keys = self._keys
        rank = np.empty(len(keys), dtype=np.int64)
        rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        numbers = np.frombuffer(self._terms, dtype=np.intc)
        order = np.argsort(rank[numbers], kind="stable")
        ends = np.frombuffer(self._value_ends, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
        docs, weights = np.frombuffer(self._docs, dtype=np.int64), np.frombuffer(self._weights, dtype=np.float64)
        values = bytes(self._values)
        sorted_numbers = numbers[order]
        # Term t's postings are sorted positions bounds[t]:bounds[t + 1].
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(sorted_numbers)) + 1, [len(order)])).tolist()
        term = 0
        while term < len(bounds) - 1:
            # Back to Python objects a chunk of whole terms at a time, to bound the memory it takes.
            stop = max(term + 1, bisect_right(bounds, bounds[term] + SORT_CHUNK) - 1)
            low, high = bounds[term], bounds[stop]
            part = order[low:high]
            chunk_docs, chunk_weights = docs[part].tolist(), weights[part].tolist()
            chunk_values = [values[a:b] for a, b in zip(starts[part].tolist(), ends[part].tolist(), strict=True)]
            for t in range(term, stop):
                begin, end = bounds[t] - low, bounds[t + 1] - low
                fieldname, tbytes = keys[int(sorted_numbers[bounds[t]])]
                yield fieldname, tbytes, chunk_docs[begin:end], chunk_weights[begin:end], chunk_values[begin:end]
            term = stop

    def fields(self) -> Iterator[tuple[str, Stream | Iterator[ListedTerm]]]:
        """Each field with postings, in name order: its stream, or its terms from `terms`."""
        listed = groupby(self.terms(), key=itemgetter(0))
        pending = next(listed, None)
        for fieldname in sorted(self._streams):
            while pending is not None and pending[0] < fieldname:
                yield pending
                pending = next(listed, None)
            yield fieldname, self._streams[fieldname]
        while pending is not None:
            yield pending
            pending = next(listed, None)

    def cleanup(self) -> None:
        self.__init__()  # type: ignore[misc]

"""A Whoosh `SegmentWriter` that writes the same segments as Whoosh 2.7.4 (its last release) with
less work per posting.

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. Here each length column is read once, in one piece (lengths.py).

Whoosh's posting pool keeps each posting as a tuple (about 150 bytes) and, past `limitmb`,
spills them to temporary files, one pickle call per posting, read back through a heap merge: a
quarter of a large build. `CompactPostingPool` keeps them in flat arrays (about 30 bytes a
posting: term number, document, weight, end of the value in one byte buffer), so a worker's
postings stay in memory and one stable sort by term puts them in the order the codec writes.
A document's field hands the pool all its postings at once (`add_field`).

The text fields (word and character) hand their tokens to the pool as token streams
(token_streams.py), grouped into postings only when the segment is written, in arrays.

A merge (`add_reader`) copies a segment's documents and postings by arrays (segment_copy.py).

The codec's postings writer takes a posting at a time, with checks and statistics for each;
term_blocks.py writes a whole term's blocks and statistics at once, the same bytes.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, groupby, islice, repeat
from operator import itemgetter
from typing import Any, cast

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

from indexer.storage.lengths import SegmentLengths
from indexer.storage.posting_columns import PostingColumns, frequency_columns, id_columns
from indexer.storage.segment_copy import copy_documents, copy_postings
from indexer.storage.stored_fields import finish_doc
from indexer.storage.term_blocks import PendingWrites, array_term_bytes, list_term_bytes
from indexer.storage.token_streams import STREAM_VALUE_DTYPE, FieldStream, stream_columns

SORT_CHUNK = 1 << 20  # postings turned back into Python objects at a time
# Postings a block. Whoosh's 128 suits its matchers, which skip through a list a block at a time;
# the search side decodes a term's whole list at once (search_api/core/postings.py), and each block
# costs a seek, a pickle, a zlib stream and NumPy calls of its own: at 128, three quarters of a
# common word's first decoding at 1M clauses (bench/profile_search.py). 1024 -> 4096 (100k index,
# 20 common bigrams): their documents decoded in 29-30 -> 14 ms, positions in 33-34 -> 23-26 ms,
# the index 0.7 % smaller. Any block size reads back.
BLOCK_POSTINGS = 4096


# A term's postings from the flat arrays: (fieldname, term, documents, weights, values).
_ListedTerm = tuple[str, bytes, list[int], list[float], list[bytes]]


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
        self._streams: dict[str, FieldStream] = {}  # the text fields' tokens (token_streams.py)

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
        stream.add(docnum, texts, positions, boost)
        return len(texts)

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

    def terms(self) -> Iterator[_ListedTerm]:
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

    def fields(self) -> Iterator[tuple[str, FieldStream | Iterator[_ListedTerm]]]:
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


def write_postings(fieldwriter: Any, schema: Any, lengths: SegmentLengths | None, pool: CompactPostingPool) -> None:
    """What `FieldWriter.add_postings` does with the pool's postings, a term at a time
    (term_blocks.py) instead of a posting at a time. The postings, blocks and term statistics
    are Whoosh's (tests/test_segment.py)."""
    for fieldname, terms in pool.fields():
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_lengths = lengths.field(fieldname) if lengths else None
        if isinstance(terms, FieldStream):
            _write_stream(fieldwriter, terms, field_lengths)
        else:
            _write_listed(fieldwriter, terms, field_lengths)
        fieldwriter.finish_field()


def _codec_settings(fieldwriter: Any) -> tuple[int, int]:
    """Postings a block and the zlib level, as the field's postings writer has them."""
    return fieldwriter._postwriter._blocklimit, fieldwriter._postwriter._compression


def _write_stream(fieldwriter: Any, stream: FieldStream, field_lengths: np.ndarray | None) -> None:
    if fieldwriter._format.fixed_value_size() is not None:
        raise TypeError(f"{fieldwriter._fieldname}: a token stream's values are positions, of no fixed size")
    postfile = PendingWrites(fieldwriter._postfile)
    add_term, key_prefix = fieldwriter._tindex.add, pack_ushort(fieldwriter._fieldid)
    limit, level = _codec_settings(fieldwriter)
    for tbytes, docs, weights, frequencies, values in stream.terms():
        term_lengths = field_lengths[docs] if field_lengths is not None else None
        sizes = frequencies * STREAM_VALUE_DTYPE.itemsize
        add_term(
            key_prefix + tbytes, array_term_bytes(postfile, docs, weights, sizes, values, term_lengths, limit, level)
        )
    postfile.flush()


def _write_listed(fieldwriter: Any, terms: Iterator[_ListedTerm], field_lengths: np.ndarray | None) -> None:
    postfile = PendingWrites(fieldwriter._postfile)
    add_term, key_prefix = fieldwriter._tindex.add, pack_ushort(fieldwriter._fieldid)
    settings = (*_codec_settings(fieldwriter), fieldwriter._format.fixed_value_size())
    listed = field_lengths.tolist() if field_lengths is not None else None
    for _, tbytes, docs, weights, values in terms:
        term_lengths = [listed[d] for d in docs] if listed is not None else None
        add_term(key_prefix + tbytes, list_term_bytes(postfile, docs, weights, values, term_lengths, *settings))
    postfile.flush()


class FastSegmentWriter(SegmentWriter):
    """`SegmentWriter` with the per-posting costs above removed; it writes the same postings, in
    blocks of `BLOCK_POSTINGS` (unless given another codec)."""

    def __init__(self, ix: Index, **kwargs: Any) -> None:
        kwargs.setdefault("codec", W3Codec(blocklimit=BLOCK_POSTINGS))
        super().__init__(ix, **kwargs)
        unsupported = [name for name, field in self.schema.items() if field.separate_spelling() or field.vector]
        if unsupported:
            raise NotImplementedError(f"{unsupported}: spelling and vector fields need Whoosh's SegmentWriter")
        self.pool = CompactPostingPool()  # Whoosh's pool has written nothing yet

    def add_document(self, **fields: Any) -> None:
        """`SegmentWriter.add_document`, handing each field's postings to the pool at once. The
        pool records the weight times the field boost and the length Whoosh would."""
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        # Boosts and custom stored values (`_title_boost`, `_stored_text`) are rare: look them up
        # only when the record has such a key.
        special = len(fieldnames) != len(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost) if special else 1.0
                stream = field.posting_stream(value) if hasattr(field, "posting_stream") else None
                columns = None if stream is not None else id_columns(field, value) or frequency_columns(field, value)
                if stream is not None:  # the word and character fields: tokens, grouped when written
                    texts, positions = stream
                    length = self.pool.add_stream(fieldname, docnum, texts, positions, field.format.field_boost, boost)
                elif columns is None:
                    length = self.pool.add_field(fieldname, docnum, field.index(value), boost)
                else:  # the ID and the space- or comma-separated fields: no tuple a posting
                    length = self.pool.add_columns(fieldname, docnum, columns, boost)
                if not field.scorable:
                    length = 0
            stored_value = fields.get(f"_stored_{fieldname}", value) if special else value
            perdocwriter.add_field(fieldname, field, stored_value if field.stored else None, length)
            if field.column_type and stored_value is not None:
                perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored_value))
        finish_doc(perdocwriter)  # the stored fields pickled and compressed faster (stored_fields.py)
        self._added = True
        self.docnum += 1

    def add_reader(self, reader: Any) -> None:
        """`SegmentWriter.add_reader` (a merge): the segment's documents and postings copied by
        arrays (segment_copy.py), the same segment written."""
        if not isinstance(reader, SegmentReader):
            super().add_reader(reader)
            return
        self._check_state()
        new_numbers = copy_documents(self, reader)
        copy_postings(self.pool, reader, new_numbers)
        self._added = True

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the postings written a term at a time.
        self.perdocwriter.close()
        lengths = SegmentLengths(self.per_document_reader()) if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, lengths, self.pool)
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def worker_writer(ix: Index) -> FastSegmentWriter:
    """A writer for a worker process: it takes no lock (the parent's writer holds it) and its
    segments are committed by the parent (`commit_with_segments`)."""
    return FastSegmentWriter(ix, _lk=False)


def finish_segment(writer: SegmentWriter) -> Any | None:
    """Write out the writer's segment without committing it: the segment, or None if it is empty."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_with_segments(writer: SegmentWriter, new_segments: list[Any], optimize: bool) -> None:
    """Commit the main writer together with the segments the workers wrote, in one TOC."""
    if not new_segments:
        writer.commit(optimize=optimize)
        return
    # The same steps as SegmentWriter.commit, with the workers' segments added to the list.
    final = writer._merge_segments(None, optimize, True)
    segment = finish_segment(writer)
    if segment is not None:
        final.append(segment)
    writer._commit_toc(final + new_segments)
    writer._finish()

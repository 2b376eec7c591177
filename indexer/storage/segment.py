"""A Whoosh `SegmentWriter` that writes the same segments as Whoosh 2.7.4 (its last release) with
less work per posting.

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. Here each length column is read once, in one piece (`length_codes`).

Whoosh's posting pool keeps each posting as a tuple (about 150 bytes) and, past `limitmb`,
spills them to temporary files, one pickle call per posting, read back through a heap merge: a
quarter of a large build. `CompactPostingPool` keeps them in flat arrays (about 30 bytes a
posting: term number, document, weight, end of the value in one byte buffer), so a worker's
postings stay in memory and one stable sort by term puts them in the order the codec writes.
A document's field hands the pool all its postings at once (`add_field`).

The codec's postings writer takes a posting at a time, with checks and statistics for each, and
pickles every block with protocol 2. `_term_bytes` writes a whole term: the same blocks, block
headers and term statistics, the data pickled with protocol 5 (see `BLOCK_PICKLE_PROTOCOL`).
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice, repeat
from operator import sub
from pickle import dumps
from typing import Any, cast

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo, _lenfield
from whoosh.formats import Existence
from whoosh.index import Index
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.storage.packed_values import PackedValues

SORT_CHUNK = 1 << 20  # postings turned back into Python objects at a time
# Smaller blocks are written uncompressed: zlib's header and CPU buy nothing on a few dozen bytes
# (Whoosh means to skip compression under 20 bytes, but a bug compresses every block).
COMPRESS_MIN_POSTINGS = 16
# A block's data is pickled with protocol 5, not Whoosh's protocol 2: protocol 2 has no opcode for
# bytes and pickles each posting value as a call to `codecs.encode` on a latin-1 string, which
# took 15x longer to write and 10x longer to read than protocol 5's length-prefixed bytes, and
# three times the space. Whoosh's reader unpickles any protocol.
BLOCK_PICKLE_PROTOCOL = 5
# Postings a block. Whoosh's 128 suits its matchers, which skip through a list a block at a time;
# the search side decodes a term's whole list at once (search_api/core/postings.py), and each block
# costs a seek, a pickle, a zlib stream and NumPy calls of its own: at 128, three quarters of a
# common word's first decoding at 1M clauses (bench/profile_search.py). Any block size reads back.
BLOCK_POSTINGS = 1024


_TERMINFO = W3TermInfo._struct  # flags, weight, df, min/max length bytes, max weight, first/last id
BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def length_codes(perdoc: Any, fieldname: str) -> np.ndarray | None:
    """A segment's length column for `fieldname` (one byte a document, Whoosh's lossy encoding),
    read in one piece (its reader's own iteration seeks once per document); None if the field is
    unscored. `BYTE_TO_LENGTH[codes]` gives the lengths Whoosh's scorers see."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)


class _SegmentLengths:
    """The new segment's field lengths, each field's column read once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int] | None] = {}

    def field(self, fieldname: str) -> list[int] | None:
        """Every document's length in `fieldname` (0 where it has none), or None if unscored."""
        if fieldname not in self._lengths:
            codes = length_codes(self._reader, fieldname)
            self._lengths[fieldname] = None if codes is None else np.where(codes > 0, BYTE_TO_LENGTH[codes], 0).tolist()
        return self._lengths[fieldname]

    def close(self) -> None:
        self._reader.close()


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

    def __len__(self) -> int:
        return len(self._docs)

    def _number(self, fieldname: str, tbytes: bytes) -> int:
        """A new term's number (terms are numbered as they first appear)."""
        number = self._field_terms.setdefault(fieldname, {})[tbytes] = len(self._keys)
        self._keys.append((fieldname, tbytes))
        return number

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as Whoosh's pool takes it: (field, term, document, weight, value)."""
        fieldname, tbytes, docnum, weight, vbytes = item
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
        columns: tuple[list[bytes], list[int], list[float], bytes, list[int]],
        boost: float = 1.0,
    ) -> int:
        """`add_field` for postings given as columns (indexer/formats.py `PostingColumns`): terms,
        frequencies, weights, the values end to end and their lengths; no tuple a posting."""
        terms, frequencies, weights, values, lengths = columns
        if not terms:
            return 0
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

    def terms(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
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

    def cleanup(self) -> None:
        self.__init__()  # type: ignore[misc]


def _mini_weights(weights: array[float]) -> object:
    # W3PostingsWriter._mini_weights: None if all are 1.0, one float if all are equal; else the
    # float32 array itself (Whoosh's reader indexes it as it would the tuple of its values).
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return weights


def _term_bytes(
    postfile: Any,
    docs: list[int],
    weights: list[float],
    values: list[bytes],
    lengths: list[int] | None,
    limit: int,
    level: int,
    fixed_size: int | None,
) -> bytes:
    """Write one term's posting blocks as `W3PostingsWriter` does and return its `W3TermInfo`
    bytes: the same pickled block data and header, term statistics and extent, without the
    writer's per-posting and per-call bookkeeping. Blocks of fewer than `COMPRESS_MIN_POSTINGS`
    are stored uncompressed (each block's header says so, and the reader follows it)."""
    start = postfile.tell()
    parts = [WHOOSH3_HEADER_MAGIC]
    total_weight, max_weight = 0.0, 0.0
    min_length: int | None = None
    max_length = 0
    count = len(docs)
    for low in range(0, count, limit):
        high = min(low + limit, count)
        ids = docs[low:high]
        block_weights = array("f", weights[low:high])
        block_values = [v for v in values[low:high] if v]
        total_weight += sum(block_weights)
        block_max_weight = max(0, max(weights[low:high]))
        max_weight = max(max_weight, block_max_weight)
        block_min = None
        block_max = 0
        if lengths is not None:
            present = [length for length in lengths[low:high] if length]
            if present:
                block_min, block_max = min(present), max(present)
                min_length = block_min if min_length is None else min(min_length, block_min)
                max_length = max(max_length, block_max)
        if fixed_size is None:  # one object a block, not a bytes object a posting (packed_values.py)
            mini_values: object = PackedValues.of(block_values)
        elif fixed_size == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        # The deltas (the first against 0, as delta_encode does) as an array of uint32, not a tuple
        # of ints: Whoosh's reader iterates either; NumPy reads an array's buffer whole.
        deltas = array("I", map(sub, ids, [0, *ids[:-1]]))
        data = dumps((deltas, _mini_weights(block_weights), mini_values), BLOCK_PICKLE_PROTOCOL)
        compression = level if high - low >= COMPRESS_MIN_POSTINGS else 0
        if compression:
            data = zlib.compress(data, compression)
        header = dumps(
            (high - low, ids[-1], block_max_weight, compression, length_to_byte(block_min), length_to_byte(block_max)),
            2,
        )
        size = len(header) + len(data)
        parts += (pack_int(-size if high == count else size), header, data)
    blob = b"".join(parts)
    postfile.write(blob)
    extent = len(blob)
    head = _TERMINFO.pack(
        0, total_weight, count, length_to_byte(min_length), length_to_byte(max_length), max_weight, docs[0], docs[-1]
    )
    info: bytes = head + pack_long(start) + pack_int(extent)
    return info


def write_postings(fieldwriter: Any, schema: Any, lengths: _SegmentLengths | None, pool: CompactPostingPool) -> None:
    """What `FieldWriter.add_postings` does with the pool's postings, a term at a time
    (`_term_bytes`) instead of a posting at a time. The postings, blocks and term statistics are
    Whoosh's (tests/test_segment.py)."""
    current_field = None
    for fieldname, tbytes, docs, weights, values in pool.terms():
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
            field_lengths = lengths.field(fieldname) if lengths else None
            postwriter = fieldwriter._postwriter
            # The codec's settings, as this field's postings writer has them.
            settings = (postwriter._blocklimit, postwriter._compression, fieldwriter._format.fixed_value_size())
            key_prefix = pack_ushort(fieldwriter._fieldid)
        term_lengths = [field_lengths[d] for d in docs] if field_lengths is not None else None
        info = _term_bytes(fieldwriter._postfile, docs, weights, values, term_lengths, *settings)
        fieldwriter._tindex.add(key_prefix + tbytes, info)
    if current_field is not None:
        fieldwriter.finish_field()


def _id_columns(field: Any, value: object) -> tuple[list[bytes], list[int], list[float], bytes, list[int]] | None:
    """An ID field's one posting as columns (what `field.index` yields through Whoosh's
    `IDTokenizer` and `Existence` format: the value itself, frequency 1, the field boost, no
    value), without the analyzer's token and generators: a record has ten ID fields. None for any
    other field or value (then `field.index`)."""
    if type(field.analyzer) is not IDTokenizer or type(field.format) is not Existence or not isinstance(value, str):
        return None
    return [value.encode("utf-8")], [1], [field.format.field_boost], b"", [0]


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
                if hasattr(field, "posting_columns"):
                    columns = field.posting_columns(value)
                else:
                    columns = _id_columns(field, value)
                if columns is None:
                    length = self.pool.add_field(fieldname, docnum, field.index(value), boost)
                else:  # the word, character and ID fields: no tuple a posting
                    length = self.pool.add_columns(fieldname, docnum, columns, boost)
                if not field.scorable:
                    length = 0
            stored_value = fields.get(f"_stored_{fieldname}", value) if special else value
            perdocwriter.add_field(fieldname, field, stored_value if field.stored else None, length)
            if field.column_type and stored_value is not None:
                perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored_value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the postings written a term at a time.
        self.perdocwriter.close()
        lengths = _SegmentLengths(self.per_document_reader()) if self.codec.length_stats else None
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

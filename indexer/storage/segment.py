"""A Whoosh `SegmentWriter` that writes the same segments as Whoosh 2.7.4 (its last release) with
less work per posting.

When a segment is flushed, Whoosh's field writer asks the per-document reader for the field
length of every posting, to keep each block's shortest and longest document. That reader
caches the length column of a scored field, but not the *absence* of one: for every posting of
an unscored field (ids, keywords, MinHash band keys: a third of ours) it asks the file system
whether the column exists (a `stat` each time), and every length read is a seek into the column
file. Here each length column is read once, in one piece (lengths.py).

Whoosh's posting pool keeps each posting as a tuple and spills them to temporary files a pickle
at a time: `CompactPostingPool` (posting_pool.py) keeps them in flat arrays, and the text fields'
tokens as streams grouped into postings only when the segment is written.

A merge (`add_reader`) copies a segment's documents and postings by arrays (segment_copy.py).

The codec's postings writer takes a posting at a time, with checks and statistics for each;
term_blocks.py writes a whole term's blocks and statistics at once, the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

from indexer.storage.char_streams import CharStream
from indexer.storage.column_writers import add_column_value
from indexer.storage.lengths import SegmentLengths
from indexer.storage.posting_columns import frequency_columns, id_columns
from indexer.storage.posting_pool import CompactPostingPool, ListedTerm, Stream
from indexer.storage.segment_copy import copy_documents, copy_postings
from indexer.storage.stored_fields import finish_doc
from indexer.storage.term_blocks import PendingWrites, array_term_bytes, list_term_bytes
from indexer.storage.token_streams import STREAM_VALUE_DTYPE, FieldStream

# Postings a block. Whoosh's 128 suits its matchers, which skip through a list a block at a time;
# the search side decodes a term's whole list at once (search_api/core/postings.py), and each block
# costs a seek, a pickle, a zlib stream and NumPy calls of its own: at 128, three quarters of a
# common word's first decoding at 1M clauses (bench/profile_search.py). 1024 -> 4096 (100k index,
# 20 common bigrams): their documents decoded in 29-30 -> 14 ms, positions in 33-34 -> 23-26 ms,
# the index 0.7 % smaller. Any block size reads back.
BLOCK_POSTINGS = 4096


def write_postings(fieldwriter: Any, schema: Any, lengths: SegmentLengths | None, pool: CompactPostingPool) -> None:
    """What `FieldWriter.add_postings` does with the pool's postings, a term at a time
    (term_blocks.py) instead of a posting at a time. The postings, blocks and term statistics
    are Whoosh's (tests/test_segment.py)."""
    for fieldname, terms in pool.fields():
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_lengths = lengths.field(fieldname) if lengths else None
        if isinstance(terms, FieldStream | CharStream):
            _write_stream(fieldwriter, terms, field_lengths)
        else:
            _write_listed(fieldwriter, terms, field_lengths)
        fieldwriter.finish_field()


def _codec_settings(fieldwriter: Any) -> tuple[int, int]:
    """Postings a block and the zlib level, as the field's postings writer has them."""
    return fieldwriter._postwriter._blocklimit, fieldwriter._postwriter._compression


def _write_stream(fieldwriter: Any, stream: Stream, field_lengths: np.ndarray | None) -> None:
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


def _write_listed(fieldwriter: Any, terms: Iterator[ListedTerm], field_lengths: np.ndarray | None) -> None:
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
                runs = field.char_runs(value) if hasattr(field, "char_runs") else None
                stream = field.posting_stream(value) if runs is None and hasattr(field, "posting_stream") else None
                if runs is not None:  # the character field: the texts of its grams, cut when written
                    length = self.pool.add_char_runs(fieldname, docnum, runs, field.format.field_boost, boost)
                elif stream is not None:  # the word fields: tokens, grouped when written
                    texts, positions = stream
                    length = self.pool.add_stream(fieldname, docnum, texts, positions, field.format.field_boost, boost)
                elif columns := id_columns(field, value) or frequency_columns(field, value):
                    # The ID and the space- or comma-separated fields: no tuple a posting.
                    length = self.pool.add_columns(fieldname, docnum, columns, boost)
                else:
                    length = self.pool.add_field(fieldname, docnum, field.index(value), boost)
                if not field.scorable:
                    length = 0
            stored_value = fields.get(f"_stored_{fieldname}", value) if special else value
            perdocwriter.add_field(fieldname, field, stored_value if field.stored else None, length)
            if field.column_type and stored_value is not None:
                add_column_value(perdocwriter, fieldname, field.column_type, field.to_column_value(stored_value))
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

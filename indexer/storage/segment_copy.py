"""Copying a segment into a writer (`add_reader`, what a merge does), by arrays.

Whoosh's `SegmentWriter.add_reader` copies a segment a document and a posting at a time: for each
document and each of the schema's fields it asks the segment's field length (for an unscored
field, a `stat` of the file system each time: lengths.py), and each posting comes from a matcher
as a tuple. Merging the small segments left at the end of a million-clause build (about 110,000
records) took about 60 s of one core, half of it those `stat` calls.

Here the documents are copied as Whoosh copies them, with each length column read once
(lengths.py), and each term's postings read as its blocks (blocks.py `extent_blocks`) and handed
to the pool as arrays (`CompactPostingPool.add_postings`). The segment written is the one
Whoosh's `add_reader` gives (tests/test_segment.py compares them, deletions included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.columns import CompressedBytesColumn, PickleColumn, TranslatingColumnReader, VarBytesColumn
from whoosh.reading import SegmentReader

from indexer.storage.blocks import block_ids, block_weights, extent_blocks, term_extent
from indexer.storage.column_writers import add_column_value
from indexer.storage.lengths import decoded_lengths, length_codes
from indexer.storage.stored_fields import STORED_NAME, stored_writer

if TYPE_CHECKING:
    from indexer.storage.posting_pool import CompactPostingPool


class DocumentTarget(Protocol):
    """What documents are copied into: segment.py's `FastSegmentWriter` (its schema, its per-document
    writer, the number its next document gets)."""

    schema: Any
    perdocwriter: Any
    docnum: int


def copy_documents(writer: DocumentTarget, reader: SegmentReader) -> np.ndarray:
    """Add the segment's live documents' stored fields, lengths and column values to `writer`, as
    `SegmentWriter.write_per_doc` does; return each old document's new number (-1: deleted).
    A document's stored fields are copied as the bytes the segment holds (a pickle compressed as a
    zlib stream, by stored_fields.py or by Whoosh's `STORED_COLUMN`), not unpickled and pickled
    again."""
    schema, perdoc, pdw = writer.schema, reader._perdoc, writer.perdocwriter
    fieldnames = sorted(set(schema.names()) | {name for name in reader.indexed_field_names() if name in schema})
    fields: list[tuple[str, Any, list[int] | None, Any]] = []
    for name in fieldnames:
        codes = length_codes(perdoc, name)
        field_lengths = None
        if codes is not None:  # a column stops at its last document with a length
            padded = np.zeros(reader.doc_count_all(), dtype=np.uint8)
            padded[: len(codes)] = codes
            field_lengths = decoded_lengths(padded).tolist()
        column = None
        column_type = schema[name].column_type
        if column_type and reader.has_column(name):
            column = reader.column_reader(name, column_type)
            column = column.raw_column() if isinstance(column, TranslatingColumnReader) else column
        if field_lengths is not None or column is not None:
            fields.append((name, schema[name], field_lengths, column))
    source, target = _stored_columns(perdoc, pdw)
    new_numbers = np.full(reader.doc_count_all(), -1, dtype=np.int64)
    for docnum in reader.all_doc_ids():
        new_numbers[docnum] = writer.docnum
        pdw.start_doc(writer.docnum)
        for name, field, field_lengths, column in fields:
            if field_lengths is not None and field_lengths[docnum]:
                pdw.add_field(name, field, None, field_lengths[docnum])
            if column is not None:
                add_column_value(pdw, name, field.column_type, column[docnum])
        stored = VarBytesColumn.Reader.__getitem__(source, docnum) if source is not None else b""
        if stored:  # (a document without stored fields has none in the column either)
            VarBytesColumn.Writer.add(target, writer.docnum, stored)
        pdw.finish_doc()
        writer.docnum += 1
    return new_numbers


def _stored_columns(perdoc: Any, pdw: Any) -> tuple[Any, Any]:
    """The compressed-bytes reader under the segment's stored fields (None if it has none) and
    the writer under the new segment's (made if need be): both `STORED_COLUMN`, a pickle
    compressed."""
    target = stored_writer(pdw)
    source = perdoc._cached_reader(STORED_NAME, STORED_COLUMN)
    if source is None:
        return None, target
    if type(source) is not PickleColumn.Reader or type(source._child) is not CompressedBytesColumn.Reader:
        raise TypeError(f"stored fields read as {source!r}, not Whoosh 2.7.4's STORED_COLUMN")
    return source._child, target


def copy_postings(pool: CompactPostingPool, reader: SegmentReader, new_numbers: np.ndarray) -> None:
    """Add every posting of the segment's live documents to `pool`, a term at a time, the
    documents renumbered by `new_numbers` (`copy_documents`)."""
    schema, terms = reader.schema, reader._terms
    postfile = terms._postfile
    deletions = bool((new_numbers < 0).any())
    for (fieldname, tbytes), info in terms.items():
        if fieldname not in schema:
            continue
        offset, extent = term_extent(info)
        fixed_size = schema[fieldname].format.fixed_value_size()
        docs, weights, values, sizes = _term_arrays(postfile, offset, extent, fixed_size)
        docs = new_numbers[docs]
        if deletions:
            live = docs >= 0
            if not live.all():
                if not live.any():
                    continue
                values = np.frombuffer(values, dtype=np.uint8)[np.repeat(live, sizes)].tobytes()
                docs, weights, sizes = docs[live], weights[live], sizes[live]
        pool.add_postings(fieldname, tbytes, docs, weights, values, sizes)


def _term_arrays(
    postfile: Any, offset: int, extent: int, fixed_size: int | None
) -> tuple[np.ndarray, np.ndarray, bytes, np.ndarray]:
    """One term's postings: old document numbers, weights (float64), values end to end, and each
    value's size in bytes, as Whoosh's matcher would give them."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    values: list[bytes] = []
    sizes: list[np.ndarray] = []
    for count, (raw_ids, raw_weights, raw_values) in extent_blocks(postfile, offset, extent):
        ids.append(block_ids(raw_ids))
        weights.append(np.asarray(block_weights(count, raw_weights), dtype=np.float32))
        blob, block_sizes = _block_values(count, raw_values, fixed_size)
        values.append(blob)
        sizes.append(block_sizes)
    if len(ids) == 1:
        return ids[0], weights[0].astype(np.float64), values[0], sizes[0]
    return (
        np.concatenate(ids),
        np.concatenate(weights).astype(np.float64),
        b"".join(values),
        np.concatenate(sizes),
    )


def _block_values(count: int, raw: Any, fixed_size: int | None) -> tuple[bytes, np.ndarray]:
    """A block's values end to end and their sizes: a `PackedValues` or a tuple of bytes (variable
    size), none (size 0: Whoosh gives None), or fixed-size values joined."""
    if fixed_size == 0:
        return b"", np.zeros(count, dtype=np.int64)
    if fixed_size is not None and fixed_size > 0:
        return raw, np.full(count, fixed_size, dtype=np.int64)
    if raw is None:  # no values kept for the block
        return b"", np.zeros(count, dtype=np.int64)
    if hasattr(raw, "length_array"):  # PackedValues (packed_values.py)
        blob, sizes = raw.blob, raw.length_array().astype(np.int64)
    else:
        blob, sizes = b"".join(raw), np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
    if len(sizes) != count:
        if len(sizes):  # values cannot be matched with their postings
            raise ValueError(f"a posting block of {count} postings holds {len(sizes)} values")
        sizes = np.zeros(count, dtype=np.int64)  # every value empty
    return blob, sizes

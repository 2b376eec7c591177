"""The fast segment writer writes what Whoosh's own `SegmentWriter` writes, term by term."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer.readers import read_document
from indexer.records import to_records
from indexer.schema import build_schema
from indexer.storage.segment import FastSegmentWriter
from tests.conftest import CORPUS, SEED_TEXT, SEEDS


def _build(
    directory: Path, writer_class: type[SegmentWriter], copies: int = 1, folder: Path = CORPUS, **options: object
) -> whoosh_index.Index:
    """An index of the seed text and up to 40 English resolutions of `folder`, each record added
    `copies` times."""
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = writer_class(ix, **options)
    for path in [SEED_TEXT, *sorted((folder / "ga_res_80_en").glob("*.md"))[:40]]:
        records = to_records(read_document(path), "hash")
        for _ in range(copies):
            for record in records:
                writer.add_document(**record)
    writer.commit()
    return ix


def _postings(ix: whoosh_index.Index) -> dict[tuple[str, bytes], list[tuple[object, ...]]]:
    """Every posting with its value, each block's bounds and each term's statistics."""
    found = {}
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            info = reader.term_info(fieldname, term)
            rows: list[tuple[object, ...]] = [
                ("term", info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            ]
            matcher = reader.postings(fieldname, term)
            while matcher.is_active():
                rows.append(
                    ("block", matcher.block_min_length(), matcher.block_max_length(), matcher.block_max_weight())
                )
                block_end = matcher.block_max_id()
                while matcher.is_active() and matcher.id() <= block_end:
                    rows.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
            found[(fieldname, term)] = rows
    return found


@pytest.mark.slow  # indexes the shared corpus twice (10 s)
@pytest.mark.needs_shared
def test_same_postings_blocks_and_term_statistics_as_whoosh(tmp_path: Path) -> None:
    # A small pool forces the spill to temporary runs in the stock writer; ours sorts in memory
    # and writes whole blocks. Both write blocks of 32 postings (ours writes BLOCK_POSTINGS by
    # default), so that the corpus's common terms have several.
    stock = _postings(_build(tmp_path / "stock", SegmentWriter, limitmb=1, codec=W3Codec(blocklimit=32)))
    fast = _postings(_build(tmp_path / "fast", FastSegmentWriter, codec=W3Codec(blocklimit=32)))
    assert len(stock) > 5_000
    assert fast.keys() == stock.keys()
    differing = [key for key in stock if stock[key] != fast[key]]
    assert not differing, differing[:5]
    # Scored fields really carry length bounds (a lengths reader returning 0 would also agree
    # with itself, but not with these).
    assert any(row[1] for rows in fast.values() for row in rows if row[0] == "block")
    assert max(sum(row[0] == "block" for row in rows) for rows in fast.values()) >= 3


def test_packed_positions_round_trip_and_are_what_whoosh_would_store() -> None:
    from whoosh import formats

    from indexer.formats import PackedPositions
    from indexer.schema import build_schema

    packed, stock = PackedPositions(), formats.Positions()
    text = SEED_TEXT.read_text("utf-8")[:2000]
    analyzer = build_schema()["chars"].analyzer
    ours = {w: (f, v, wt) for w, f, wt, v in packed.word_values(text, analyzer)}
    theirs = {w: (f, v, wt) for w, f, wt, v in stock.word_values(text, analyzer)}
    assert ours.keys() == theirs.keys() and len(ours) > 500
    for word, (frequency, value, weight) in ours.items():
        assert weight == theirs[word][2]
        assert packed.decode_positions(value) == stock.decode_positions(theirs[word][1])
        assert packed.decode_frequency(value) == frequency == stock.decode_frequency(theirs[word][1])
        assert len(value) == 4 * frequency


def test_only_blocks_worth_it_are_compressed(tmp_path: Path) -> None:
    from indexer.storage.term_blocks import COMPRESS_MIN_POSTINGS

    ix = _build(tmp_path / "fast", FastSegmentWriter)
    seen = set()
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            frequency = reader.doc_frequency(fieldname, term)
            if frequency > 1:  # one posting is inlined in the term table: no block
                matcher = reader.postings(fieldname, term)
                seen.add(bool(matcher._compression))  # the block header's flag, as the reader reads it
                assert bool(matcher._compression) == (min(frequency, 128) >= COMPRESS_MIN_POSTINGS)
    assert seen == {True, False}


def test_char_field_indexes_what_its_analyzer_yields() -> None:
    from analyzers import char_analyzer
    from analyzers.tokenizer import CLAUSE_SEPARATOR
    from indexer.formats import PackedText
    from indexer.schema import CharText

    ours, chain = CharText(analyzer=char_analyzer()), PackedText(analyzer=char_analyzer())
    clauses = [clause.text for clause in read_document(SEED_TEXT).clauses]
    edge_cases = ["", "联", "a", "A/RES/73/12 and 联合国", "聯合國\n大會，２０１６年", f"联合国{CLAUSE_SEPARATOR}大会"]
    values = [*clauses, CLAUSE_SEPARATOR.join(clauses), *edge_cases]
    assert len(clauses) > 20
    for value in values:
        assert sorted(ours.index(value)) == sorted(chain.index(value)), value[:40]


def test_blocks_of_the_default_size_read_back_as_whoosh_reads_them(tmp_path: Path) -> None:
    """The writer's own block size (larger than Whoosh's 128) and block data (ids and weights as
    arrays): Whoosh's matchers read the same postings as from the stock writer's blocks of 128."""
    from indexer.storage.segment import BLOCK_POSTINGS

    # The shipped seeds' records, each several times: common terms span several default blocks.
    stock = _build(tmp_path / "stock", SegmentWriter, copies=60, folder=SEEDS)
    fast = _build(tmp_path / "fast", FastSegmentWriter, copies=60, folder=SEEDS)

    def plain(ix: whoosh_index.Index) -> dict[tuple[str, bytes], list[tuple[object, ...]]]:
        return {key: [row for row in rows if row[0] != "block"] for key, rows in _postings(ix).items()}

    assert plain(fast) == plain(stock)
    sizes = []
    for rows in _postings(fast).values():
        blocks = sum(row[0] == "block" for row in rows)
        postings = len(rows) - 1 - blocks
        assert blocks == -(-postings // BLOCK_POSTINGS)  # full blocks of BLOCK_POSTINGS, the rest in the last
        sizes.append(postings)
    assert max(sizes) > BLOCK_POSTINGS  # some term has more than one block


def test_packed_values_read_as_the_tuple_whoosh_writes_and_pickle_by_their_path() -> None:
    import pickle

    from indexer.storage import BLOCK_FORMAT_CLASSES
    from indexer.storage.packed_values import PackedValues

    values = (b"\x01\x00\x00\x00", b"\x02\x00\x00\x00\x07\x00\x00\x00", b"\x09\x00\x00\x00")
    packed = pickle.loads(pickle.dumps(PackedValues.of(values), 5))
    assert list(packed) == list(values) and len(packed) == 3
    assert [packed[i] for i in range(-3, 3)] == list(values) * 2 and list(packed[1:]) == list(values[1:])
    with pytest.raises(IndexError):
        packed[3]
    assert packed.length_array().tolist() == [4, 8, 4] and packed.typecode == "B"
    assert PackedValues.of([b"x" * 300]).typecode == "H" and len(PackedValues.of([])) == 0
    # What a posting block names, and so what must never move (like the TOC's classes).
    (name,) = BLOCK_FORMAT_CLASSES
    module, _, qualname = name.rpartition(".")
    pickled = pickle.dumps(PackedValues.of(values), 5)
    assert module.encode() in pickled and qualname.encode() in pickled
    assert f"{PackedValues.__module__}.{PackedValues.__qualname__}" == name


def test_positions_decode_alike_from_packed_and_from_whoosh_blocks(tmp_path: Path) -> None:
    """Phrase positions read from this writer's packed block values equal those read from the
    stock writer's tuples, term for term, in every field that stores positions."""
    from indexer.formats import PackedPositions
    from indexer.storage.packed_values import PackedValues
    from indexer.storage.term_blocks import SMALL_BLOCK
    from search_api.core.postings import PostingCache

    stock = _build(tmp_path / "stock", SegmentWriter, copies=3, folder=SEEDS)
    fast = _build(tmp_path / "fast", FastSegmentWriter, copies=3, folder=SEEDS)
    with stock.searcher() as stock_searcher, fast.searcher() as fast_searcher:
        fields = [name for name, field in fast.schema.items() if isinstance(field.format, PackedPositions)]
        terms = [(f, t) for f, t in fast_searcher.reader().all_terms() if f in fields]
        assert len(terms) > 1_000 and len({f for f, _ in terms}) >= 2
        stock_cache, fast_cache = PostingCache(stock_searcher), PostingCache(fast_searcher)
        for fieldname, term in terms:
            assert (fast_cache.positions(fieldname, term) == stock_cache.positions(fieldname, term)).all(), term
        # The fast path was taken: a block of `SMALL_BLOCK` postings or more packs its values (a
        # smaller one keeps Whoosh's tuple, term_blocks.py).
        reader = fast_searcher.reader()
        common = next(t for t in terms if reader.doc_frequency(*t) >= SMALL_BLOCK)
        matcher = reader.postings(*common)
        matcher._read_values()
        assert isinstance(matcher._values, PackedValues)


def test_id_fields_give_what_their_analyzer_and_format_yield() -> None:
    """The ID fields' fast path (`id_columns`) against Whoosh's `field.index` on every record of
    the seeds, and None for the fields it does not know."""
    from indexer.storage.posting_columns import id_columns

    schema = build_schema()
    checked = 0
    for path in sorted(SEEDS.rglob("*.txt")):
        for record in to_records(read_document(path), "hash"):
            for name, value in record.items():
                if name.startswith("_") or value is None:
                    continue
                field = schema[name]
                columns = id_columns(field, value)
                if type(field).__name__ != "ID":
                    assert columns is None, name
                    continue
                assert columns is not None, name
                terms, frequencies, weights, values, lengths = columns
                assert list(zip(terms, frequencies, weights, [values], strict=True)) == list(field.index(value))
                assert lengths == [len(values)]
                checked += 1
    assert checked > 100


def test_separated_fields_give_what_their_analyzer_and_format_yield() -> None:
    """The fast path of the `stems` field and the tag lists (`frequency_columns`) against Whoosh's
    `field.index` on every record of the seeds (English and French clauses), on white space
    Whoosh's tokenizer does not split at and on commas with spaces and nothing between them; None
    for the fields it does not know."""
    from indexer.schema import TagList
    from indexer.storage.posting_columns import frequency_columns

    schema = build_schema()
    values = [
        ("stems", "en:a\u3000b en:a\x0bc\t\ten:a\n en:b  en:a "),
        ("cites", " A/RES/1/2, b ,,A/RES/1/2,, ,c"),
        ("sponsor", ""),
        ("agenda", " "),
    ]
    for path in sorted(p for p in SEEDS.rglob("*") if p.suffix in (".md", ".html", ".txt")):
        for record in to_records(read_document(path), "hash"):
            values += [
                (name, value) for name, value in record.items() if not name.startswith("_") and value is not None
            ]
    checked = 0
    for name, value in values:
        field = schema[name]
        columns = frequency_columns(field, value)
        if name != "stems" and not isinstance(field, TagList):
            assert columns is None, name
            continue
        assert columns is not None
        terms, frequencies, weights, packed, lengths = columns
        expected = list(field.index(value))
        assert list(zip(terms, frequencies, weights, strict=True)) == [row[:3] for row in expected]
        assert packed == b"".join(row[3] for row in expected) and lengths == [len(row[3]) for row in expected]
        checked += 1
    assert checked > 50 and {name for name, _ in values} >= {"stems", "cites", "sponsor", "agenda", "subject"}


@pytest.mark.needs_shared
def test_text_fields_merged_between_documents_and_boosted_write_what_whoosh_writes(tmp_path: Path) -> None:
    """The text fields' tokens wait as streams until the segment is written (token_streams.py);
    a segment read into the same writer between documents gives those fields postings another
    way, which must keep documents in order, as must documents boosted. Against Whoosh's writer."""
    paths = [SEED_TEXT, *sorted((CORPUS / "ga_res_80_en").glob("*.md"))[:12]]
    records = [record for path in paths for record in to_records(read_document(path), "hash")]
    records[3] = {**records[3], "_boost": 1.5}
    records[5] = {**records[5], "_text_boost": 3.0}
    records[-5] = {**records[-5], "_boost": 2.5}
    source = tmp_path / "source"
    source.mkdir()
    merged_in = whoosh_index.create_in(str(source), build_schema())
    writer = merged_in.writer()
    for record in records[::3]:
        writer.add_document(**record)
    writer.commit()

    def build(name: str, writer_class: type[SegmentWriter], merge: bool, **options: object) -> whoosh_index.Index:
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
        writer = writer_class(ix, codec=W3Codec(blocklimit=32), **options)
        half = len(records) // 2
        for record in records[:half]:
            writer.add_document(**record)
        if merge:
            with merged_in.reader() as reader:
                writer.add_reader(reader)
        for record in records[half:]:
            writer.add_document(**record)
        writer.commit()
        return ix

    for merge in (False, True):
        stock = _postings(build(f"stock-{merge}", SegmentWriter, merge, limitmb=1))
        fast = _postings(build(f"fast-{merge}", FastSegmentWriter, merge))
        assert fast.keys() == stock.keys() and len(fast) > 2_000
        differing = [key for key in stock if stock[key] != fast[key]]
        assert not differing, (merge, differing[:5])
        text = [row for (field, _), rows in fast.items() if field == "text" for row in rows[1:] if row[0] != "block"]
        assert any(weight % 1 for _, weight, _ in text)  # the boosts reached the weights


def test_the_pool_counts_the_postings_its_streams_will_make(tmp_path: Path) -> None:
    """A worker starts a new segment when its pool passes MAX_SEGMENT_POSTINGS (shards.py): the
    text fields' tokens count as the postings they become, not as tokens (more of them, which
    would cut segments smaller than the bound means and make them all look small to the merge)."""
    directory = tmp_path / "ix"
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = FastSegmentWriter(ix)
    for path in sorted(SEEDS.rglob("*.txt"))[:6]:
        for record in to_records(read_document(path), "hash"):
            writer.add_document(**record)
    pooled = len(writer.pool)
    writer.commit()
    with ix.reader() as reader:
        postings = sum(reader.doc_frequency(fieldname, term) for fieldname, term in reader.all_terms())
    assert pooled == postings > 1_000


def _documents(ix: whoosh_index.Index) -> list[tuple[object, ...]]:
    """Every document's stored fields, field lengths and column values, in document order."""
    rows = []
    with ix.reader() as reader:
        schema = reader.schema
        columns = {name: reader.column_reader(name) for name in schema.names() if reader.has_column(name)}
        for docnum in range(reader.doc_count_all()):
            lengths = tuple(reader.doc_field_length(docnum, name) for name in schema.names())
            values = tuple(column[docnum] for column in columns.values())
            rows.append((reader.is_deleted(docnum), reader.stored_fields(docnum), lengths, values))
    return rows


def test_segments_copied_by_arrays_are_what_whoosh_copies(tmp_path: Path) -> None:
    """A merge (`add_reader`) copies a segment's documents and postings by arrays
    (segment_copy.py): the same documents, lengths, columns and postings as Whoosh's own
    `add_reader`, from a segment our writer wrote (packed values) and from one Whoosh's wrote
    (a tuple of values), with documents deleted, between documents added the usual way."""
    paths = [SEED_TEXT, *sorted(SEEDS.rglob("*.md")), *sorted(SEEDS.rglob("*.html"))]
    records = [record for path in paths for record in to_records(read_document(path), "hash")]
    source = tmp_path / "source"
    source.mkdir()
    merged_in = whoosh_index.create_in(str(source), build_schema())
    third = len(records) // 3
    for writer_class, part in ((FastSegmentWriter, records[:third]), (SegmentWriter, records[third : 2 * third])):
        writer = writer_class(merged_in)
        for record in part:
            writer.add_document(**record)
        writer.commit(merge=False)
    deleted_ids = {records[1]["doc_id"], records[third + 2]["doc_id"]}
    with merged_in.writer() as deleting:
        for doc_id in deleted_ids:
            deleting.delete_by_term("doc_id", doc_id)
        deleting.mergetype = lambda writer, segments: segments  # keep the deletions in place
    segments = list(merged_in._segments())
    assert len(segments) == 2 and all(segment.has_deletions() for segment in segments)

    def build(name: str, writer_class: type[SegmentWriter]) -> whoosh_index.Index:
        from whoosh.reading import SegmentReader

        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
        writer = writer_class(ix, codec=W3Codec(blocklimit=32))
        for record in records[2 * third : 2 * third + 10]:
            writer.add_document(**record)
        for segment in segments:
            reader = SegmentReader(merged_in.storage, merged_in.schema, segment)
            writer.add_reader(reader)
            reader.close()
        for record in records[2 * third + 10 :]:
            writer.add_document(**record)
        writer.commit(merge=False)
        return ix

    stock, fast = build("stock", SegmentWriter), build("fast", FastSegmentWriter)
    stock_documents, fast_documents = _documents(stock), _documents(fast)
    assert len(fast_documents) == len(records) - sum(r["doc_id"] in deleted_ids for r in records[: 2 * third])
    assert fast_documents == stock_documents
    assert any(any(lengths) for _, _, lengths, _ in fast_documents)  # lengths really compared
    stock_postings, fast_postings = _postings(stock), _postings(fast)
    assert fast_postings.keys() == stock_postings.keys() and len(fast_postings) > 2_000
    differing = [key for key in stock_postings if stock_postings[key] != fast_postings[key]]
    assert not differing, differing[:5]


def test_blocks_and_stored_fields_are_zlib_streams_written_by_isal(tmp_path: Path) -> None:
    """Posting blocks and stored fields are compressed by ISA-L (indexer/storage/deflate.py): zlib
    streams, which the standard library reads as it read Whoosh's; stored fields are pickled with
    protocol 5 (stored_fields.py), which any Python 3 reads, and are smaller than Whoosh's."""
    import io
    import pickle
    import zlib

    from whoosh.codec.whoosh3 import STORED_COLUMN
    from whoosh.columns import VarBytesColumn
    from whoosh.system import _INT_SIZE, _int_struct

    from indexer.storage import deflate

    ix = _build(tmp_path / "ix", FastSegmentWriter, folder=SEEDS)
    with ix.reader() as reader:
        stored = reader._perdoc._cached_reader("_stored", STORED_COLUMN)
        ours = [VarBytesColumn.Reader.__getitem__(stored._child, docnum) for docnum in range(reader.doc_count_all())]
        fields = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
        assert len(fields) > 50 and all(fields)
        for raw, record in zip(ours, fields, strict=True):
            plain = zlib.decompress(raw)
            assert pickle.loads(plain) == record and plain == pickle.dumps(record, 5)
            assert raw == deflate.compress(plain, 3)
        whooshs = [zlib.compress(pickle.dumps(record, 2), 3) for record in fields]
        assert sum(map(len, ours)) < 0.97 * sum(map(len, whooshs))
        compressed = []
        for _, info in reader._terms.items():
            offset, extent = info.extent()
            extent = extent[0] if isinstance(extent, tuple) else extent
            data = reader._terms._postfile.get(offset + 4, extent - 4)
            (length,) = _int_struct.unpack_from(data, 0)
            stream = io.BytesIO(data[_INT_SIZE : _INT_SIZE + abs(length)])
            if pickle.load(stream)[3]:
                compressed.append(stream.read())
        assert len(compressed) > 5
        assert all(block == deflate.compress(zlib.decompress(block), 3) for block in compressed)


def test_block_ids_and_whole_weights_are_in_the_narrowest_array(tmp_path: Path) -> None:
    """A block's id gaps, and its weights when all are whole numbers (occurrences), are pickled
    as the narrowest unsigned array that holds them (term_blocks.py `_narrow`), not Whoosh's
    uint32 and float32; Whoosh's matcher reads them to the same postings (the tests above), and
    a boosted weight stays a float."""
    from indexer.storage.blocks import extent_blocks, term_extent
    from indexer.storage.packed_values import narrowest_typecode
    from indexer.storage.term_blocks import SMALL_BLOCK

    records = [record for record in to_records(read_document(SEED_TEXT), "hash")]
    records[2] = {**records[2], "_text_boost": 1.5}
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), build_schema())
    writer = FastSegmentWriter(ix, codec=W3Codec(blocklimit=32))
    for copy in range(40):  # enough documents for gaps and counts of every width
        for record in records:
            writer.add_document(**{**record, "doc_id": f"{record['doc_id']}-{copy}"})
    writer.commit()
    id_types, weight_types, small_blocks = set(), set(), 0
    with ix.reader() as reader:
        for _, info in reader._terms.items():
            for count, (gaps, weights, values) in extent_blocks(reader._terms._postfile, *term_extent(info)):
                if count < SMALL_BLOCK:  # Whoosh's own tuples (term_blocks.py)
                    assert type(gaps) is tuple and type(values) in (tuple, bytes, type(None)), (count, gaps)
                    small_blocks += 1
                    continue
                assert gaps.typecode == narrowest_typecode(max(gaps))
                id_types.add(gaps.typecode)
                if weights is not None and not isinstance(weights, float):
                    whole = all(float(w).is_integer() for w in weights)
                    assert weights.typecode == (narrowest_typecode(int(max(weights))) if whole else "f")
                    weight_types.add(weights.typecode)
    assert {"B", "H"} <= id_types and {"B", "f"} <= weight_types and small_blocks


def test_small_terms_written_in_python_are_the_bytes_numpy_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A term of fewer than `PYTHON_TERMS` postings is written in Python (most terms of a real
    corpus): its blocks and term info are byte for byte what the NumPy path writes, for gaps and
    weights of every width, boosted weights, equal weights, empty values and missing lengths."""
    import io
    import itertools
    import random

    import numpy as np

    from indexer.storage import term_blocks

    rng = random.Random(28)
    cases = []
    for count in range(1, term_blocks.SMALL_BLOCK):
        for gap, weight in [(3, "whole"), (300, "whole"), (70_000, "big"), (5, "boosted"), (1, "equal"), (2, "ones")]:
            docs = np.cumsum([rng.randint(0 if i == 0 else 1, gap) for i in range(count)]).astype(np.int64)
            frequencies = np.array([rng.randint(1, 4) for _ in range(count)], dtype=np.int64)
            weights = {
                "whole": frequencies * 1.0,
                "big": frequencies * 300.0,
                "boosted": frequencies * 1.5,
                "equal": np.full(count, 2.0),
                "ones": np.ones(count),
            }[weight]
            sizes = frequencies * 4 * np.array([rng.random() > 0.2 for _ in range(count)])
            values = np.arange(int(sizes.sum()) // 4, dtype="<u4")
            lengths = np.array([rng.choice([0, 3, 40, 900]) for _ in range(count)], dtype=np.int64)
            cases.append((docs, weights, sizes, values, lengths if count % 3 else None))

    def written(python_terms: int) -> list[tuple[bytes, bytes, bytes]]:
        monkeypatch.setattr(term_blocks, "PYTHON_TERMS", python_terms)
        out = []
        for (docs, weights, sizes, values, lengths), limit in itertools.product(cases, (4096, 8)):
            arrays, lists = io.BytesIO(), io.BytesIO()  # limit 8: a small term over two blocks
            info = term_blocks.array_term_bytes(arrays, docs, weights, sizes, values, lengths, limit, 3)
            blob = values.tobytes()
            ends = np.cumsum(sizes).tolist()
            listed = [blob[end - size : end] for end, size in zip(ends, sizes.tolist(), strict=True)]
            lengths_listed = lengths.tolist() if lengths is not None else None
            args = (docs.tolist(), weights.tolist(), listed, lengths_listed, limit, 3, None)
            assert term_blocks.list_term_bytes(lists, *args) == info
            assert lists.getvalue() == arrays.getvalue()
            out.append((info, arrays.getvalue(), lists.getvalue()))
        return out

    python = written(term_blocks.PYTHON_TERMS)
    assert python == written(0)  # every term through NumPy


def test_column_files_are_the_bytes_whoosh_writes(tmp_path: Path) -> None:
    """The buffered column writers (column_writers.py) write each column's file as Whoosh's own
    writers do: values, gaps of records without one, the lengths' and offsets' array types as
    they widen, and the offsets written past the cutoff (lowered here so that a small corpus
    passes it)."""
    paths = [SEED_TEXT, *sorted(SEEDS.rglob("*.md")), *sorted(SEEDS.rglob("*.html"))]
    records = [record for path in paths for record in to_records(read_document(path), "hash")]

    def columns(name: str, writer_class: type[SegmentWriter]) -> dict[str, bytes]:
        schema = build_schema()
        for _, field in schema.items():
            for column in (field.column_type, getattr(field.column_type, "_child", None)):
                if getattr(column, "write_offsets_cutoff", None):
                    column.write_offsets_cutoff = 50
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), schema)
        writer = writer_class(ix)
        for record in records:
            writer.add_document(**record)
        writer.commit()
        found = {}
        with ix.reader() as reader:
            for fieldname in schema.names():
                if reader.has_column(fieldname):
                    file, base, length = reader._perdoc._get_column_file(fieldname)
                    file.seek(base)
                    found[fieldname] = file.read(length)
        return found

    stock, fast = columns("stock", SegmentWriter), columns("fast", FastSegmentWriter)
    assert len(records) > 100 and {"cites", "doc_id", "shingles", "verb", "sponsor"} <= stock.keys()
    assert fast == stock
    assert stock["shingles"][-1:] == b"X" and stock["verb"][-1:] == b"X"  # offsets written: past the cutoff

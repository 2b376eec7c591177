"""The final merge joins an index's small segments and leaves its large ones alone."""

from __future__ import annotations

from pathlib import Path

from whoosh import fields
from whoosh import index as whoosh_index

from indexer.storage.merging import merge_small_segments


def _index_with_segments(folder: Path, sizes: list[int]) -> whoosh_index.Index:
    """One committed segment of `size` documents for each size, none merged."""
    ix = whoosh_index.create_in(str(folder), fields.Schema(key=fields.ID(stored=True), body=fields.TEXT))
    number = 0
    for size in sizes:
        writer = ix.writer()
        for _ in range(size):
            writer.add_document(key=str(number), body=f"clause {number} decides")
            number += 1
        writer.commit(merge=False)
    return ix


def _segment_sizes(ix: whoosh_index.Index) -> list[int]:
    return sorted(segment.doc_count_all() for segment in ix._segments())


def test_small_segments_are_merged_into_one_and_large_ones_kept(tmp_path: Path) -> None:
    ix = _index_with_segments(tmp_path, [400, 400, 400, 3, 4, 5, 6, 7])
    large = {s.segment_id() for s in ix._segments() if s.doc_count_all() == 400}
    assert merge_small_segments(ix, max_segments=4, max_postings=10**6) == 5
    ix = whoosh_index.open_dir(str(tmp_path))
    assert _segment_sizes(ix) == [25, 400, 400, 400]
    assert large <= {s.segment_id() for s in ix._segments()}  # the large ones not rewritten
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 1225
        assert {f["key"] for f in searcher.all_stored_fields()} == {str(n) for n in range(1225)}


def test_nothing_is_merged_under_the_bound_or_when_every_segment_is_large(tmp_path: Path) -> None:
    (tmp_path / "few").mkdir()
    few = _index_with_segments(tmp_path / "few", [100, 2, 3])
    assert merge_small_segments(few, max_segments=4, max_postings=10**6) == 0
    assert _segment_sizes(whoosh_index.open_dir(str(tmp_path / "few"))) == [2, 3, 100]
    (tmp_path / "equal").mkdir()
    equal = _index_with_segments(tmp_path / "equal", [50] * 6)  # a parallel build's segments
    assert merge_small_segments(equal, max_segments=4, max_postings=10**6) == 0
    assert _segment_sizes(whoosh_index.open_dir(str(tmp_path / "equal"))) == [50] * 6


def test_merged_segments_are_written_as_the_workers_write_them(tmp_path: Path) -> None:
    """The merge writes blocks of `BLOCK_POSTINGS` with packed values (as the fast writer does,
    not Whoosh's 128 and a tuple), the same postings as before it, and starts another segment
    when its pool passes `max_postings`."""
    from whoosh.query import Phrase, Term

    from indexer.storage.blocks import posting_blocks
    from indexer.storage.packed_values import PackedValues
    from indexer.storage.segment import BLOCK_POSTINGS

    ix = _index_with_segments(tmp_path, [2000, 2000, 2000, 300, 400, 500, 600, 700])

    def found(index: whoosh_index.Index) -> list[list[str]]:
        with index.searcher() as searcher:
            queries = [Term("body", "decides"), Term("body", "1999"), Phrase("body", ["clause", "1999", "decides"])]
            return [sorted(hit["key"] for hit in searcher.search(q, limit=None)) for q in queries]

    before = found(ix)
    assert merge_small_segments(ix, max_segments=4, max_postings=2_000) == 5
    ix = whoosh_index.open_dir(str(tmp_path))
    assert found(ix) == before and len(before[0]) == 8500
    merged = [s for s in ix._segments() if s.doc_count_all() != 2000]
    # 3 postings a document: 300 + 400, then 500 + 600, then 700, each part ending past the bound
    assert sorted(s.doc_count_all() for s in merged) == [700, 700, 1100]
    with ix.searcher() as searcher:
        for reader, _ in searcher.leaf_searchers():
            if reader.doc_count_all() == 2000:
                continue
            blocks = posting_blocks(reader.reader(), "body", b"decides", values=True)
            assert blocks is not None
            _, _, values = blocks
            assert all(isinstance(v, PackedValues) for v in values)
            assert len(values[0]) == min(BLOCK_POSTINGS, reader.doc_count_all())

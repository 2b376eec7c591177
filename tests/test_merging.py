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
    assert merge_small_segments(ix, max_segments=4) == 5
    ix = whoosh_index.open_dir(str(tmp_path))
    assert _segment_sizes(ix) == [25, 400, 400, 400]
    assert large <= {s.segment_id() for s in ix._segments()}  # the large ones not rewritten
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 1225
        assert {f["key"] for f in searcher.all_stored_fields()} == {str(n) for n in range(1225)}


def test_nothing_is_merged_under_the_bound_or_when_every_segment_is_large(tmp_path: Path) -> None:
    (tmp_path / "few").mkdir()
    few = _index_with_segments(tmp_path / "few", [100, 2, 3])
    assert merge_small_segments(few, max_segments=4) == 0
    assert _segment_sizes(whoosh_index.open_dir(str(tmp_path / "few"))) == [2, 3, 100]
    (tmp_path / "equal").mkdir()
    equal = _index_with_segments(tmp_path / "equal", [50] * 6)  # a parallel build's segments
    assert merge_small_segments(equal, max_segments=4) == 0
    assert _segment_sizes(whoosh_index.open_dir(str(tmp_path / "equal"))) == [50] * 6

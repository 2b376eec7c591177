"""Merging an index's small segments and leaving its large ones alone.

Whoosh merges in pure Python, a posting at a time: optimising a million-clause index (14 segments
of about 130 MB from two workers) ran for more than 25 minutes with 7 GB of temporary files and
had not finished. Large segments cost a query little (one posting list each, decoded into arrays
once a snapshot: search_api/core/postings.py); many small ones, left by incremental updates, cost
more. So only segments holding less than `1 / (2 * max_segments)` of the index's records are
merged, into one, and only when the index has more than `max_segments` segments.
"""

from __future__ import annotations

from typing import Any

from whoosh.index import Index
from whoosh.reading import SegmentReader


def small_segments(segments: list[Any], max_segments: int) -> list[Any]:
    """The segments that a merge would join: none unless there are more than `max_segments`, and
    at least two small ones."""
    if len(segments) <= max_segments:
        return []
    total = sum(segment.doc_count_all() for segment in segments)
    small = [segment for segment in segments if segment.doc_count_all() * 2 * max_segments < total]
    return small if len(small) > 1 else []


def merge_small_segments(ix: Index, max_segments: int) -> int:
    """Merge the index's small segments into one (see the module docstring); how many were merged."""
    to_merge = small_segments(list(ix._segments()), max_segments)
    if not to_merge:
        return 0
    names = {segment.segment_id() for segment in to_merge}

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        kept = []
        for segment in segments:
            if segment.segment_id() not in names:
                kept.append(segment)
                continue
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return kept

    writer = ix.writer()
    writer.commit(mergetype=policy)
    return len(to_merge)

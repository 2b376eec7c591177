"""Merging an index's small segments and leaving its large ones alone.

Whoosh merges in pure Python, a posting at a time: optimising a million-clause index (14 segments
of about 130 MB from two workers) ran for more than 25 minutes with 7 GB of temporary files and
had not finished. Large segments cost a query little (one posting list each, decoded into arrays
once a snapshot: search_api/core/postings.py); many small ones, left by incremental updates, cost
more. So only segments holding less than `1 / (2 * max_segments)` of the index's records are
merged, and only when the index has more than `max_segments` segments.

They are merged by the same writer as the workers' segments (segment.py `FastSegmentWriter`): its
blocks of 1,024 postings and packed values, not Whoosh's 128 and a bytes object a posting (at 1M
clauses the merged segment had taken 2.5 KB a record against the others' 1.65, and decoded its
postings more slowly), which copies each segment's documents and postings by arrays
(segment_copy.py), not a posting at a time. Its pool holds postings in memory, so a new segment
is started whenever the pool passes `max_postings`, as the workers do: a merge may leave a few
segments, not one.
"""

from __future__ import annotations

from typing import Any

from whoosh.index import Index
from whoosh.reading import SegmentReader

from indexer.storage.segment import finish_segment, worker_writer


def small_segments(segments: list[Any], max_segments: int) -> list[Any]:
    """The segments that a merge would join: none unless there are more than `max_segments`, and
    at least two small ones."""
    if len(segments) <= max_segments:
        return []
    total = sum(segment.doc_count_all() for segment in segments)
    small = [segment for segment in segments if segment.doc_count_all() * 2 * max_segments < total]
    return small if len(small) > 1 else []


def merge_small_segments(ix: Index, max_segments: int, max_postings: int) -> int:
    """Merge the index's small segments (see the module docstring); how many were merged."""
    to_merge = small_segments(list(ix._segments()), max_segments)
    if not to_merge:
        return 0
    names = {segment.segment_id() for segment in to_merge}

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        merged: list[Any] = []
        part = worker_writer(ix)  # the committing writer holds the lock; the parts take none
        for segment in segments:
            if segment.segment_id() not in names:
                continue
            reader = SegmentReader(writer.storage, writer.schema, segment)
            part.add_reader(reader)
            reader.close()
            if len(part.pool) > max_postings:
                merged.append(finish_segment(part))
                part = worker_writer(ix)
        merged.append(finish_segment(part))
        return [s for s in segments if s.segment_id() not in names] + [s for s in merged if s is not None]

    writer = ix.writer()
    writer.commit(mergetype=policy)
    return len(to_merge)

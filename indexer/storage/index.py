"""The index as Whoosh files in a folder: their name, the name of a generation's search arrays, and
counting what a snapshot holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Term
from whoosh.searching import Searcher

INDEX_NAME = "MAIN"  # Whoosh's index name: the TOC file is _MAIN_<generation>.toc
# The search arrays derived from a generation (search_api/core/shared_arrays.py), a folder each, named
# by `generation_key`; `ga-search publish` copies them with the segments.
SNAPSHOTS_FOLDER = "snapshots"
SNAPSHOT_FORMAT = 3  # how the arrays are saved (search_api/core/shared_arrays.py): part of their folder's name


def generation_key(segments: Iterable[Any]) -> str:
    """A name for what a generation holds: a digest of its segments' ids (random, never reused, so a
    rebuilt index gets new names) and each one's deleted documents. The same in every process and
    in a replica the generation was published to, whatever its generation number there."""
    digest = hashlib.sha256()
    for segment in sorted(segments, key=lambda s: s.segment_id()):
        digest.update(f"{segment.segment_id()}:{sorted(segment.deleted_docs())};".encode())
    return f"{digest.hexdigest()[:16]}-v{SNAPSHOT_FORMAT}"


def count_level(searcher: Searcher, level: str) -> int:
    """Live records of one level (`doc_frequency` would still count deleted ones until a merge)."""
    return sum(1 for _ in searcher.docs_for_query(Term("level", level)))


def remove_uncommitted(ix: whoosh_index.FileIndex) -> None:
    """Delete the segment files a failed run wrote and never committed (a full disk must not stay
    full of them): every file the latest table of contents does not name, as a commit would."""
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname)
    whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)

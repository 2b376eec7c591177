"""The index as Whoosh files in a folder: their name, and counting what a snapshot holds."""

from __future__ import annotations

from whoosh.query import Term
from whoosh.searching import Searcher

INDEX_NAME = "MAIN"  # Whoosh's index name: the TOC file is _MAIN_<generation>.toc


def count_level(searcher: Searcher, level: str) -> int:
    """Live records of one level (`doc_frequency` would still count deleted ones until a merge)."""
    return sum(1 for _ in searcher.docs_for_query(Term("level", level)))

"""A column's codes (search_api/core/column_codes.py), read a segment at a time and spread from
the document records with arrays, are the codes the plain way gives: every record's value read
one by one, numbered as it first appears; and the symbols' codes, read from the field's terms,
are those the document records' stored fields give."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from indexer.schema import MULTI_VALUED, RESOLUTION_FIELDS
from indexer.writer import build_index
from search_api.core.column_codes import spread_codes
from search_api.core.docsets import LeafColumns, SnapshotCache
from search_api.engine import SearchEngine
from tests.conftest import SEED_TEXT, SEEDS


def _plain_codes(column: list[Any], multi_valued: bool) -> tuple[list[int], list[int], list[Any]]:
    table: dict[Any, int] = {}
    per_record = [(value or ()) if multi_valued else (value,) for value in column]
    codes = [table.setdefault(value, len(table)) for values in per_record for value in values]
    return np.cumsum([0] + [len(values) for values in per_record]).tolist(), codes, list(table)


def _plain(cache: SnapshotCache, field: str, multi_valued: bool) -> tuple[list[int], list[int], list[Any]]:
    """The codes as they were made before: a value a record through Whoosh's column readers."""
    reader = LeafColumns(cache.searcher, field)
    if field in RESOLUTION_FIELDS:
        owners = cache.owner.tolist()
        column = [reader[owner] if owner >= 0 else None for owner in owners]
    else:
        column = list(reader)
    return _plain_codes(column, multi_valued)


def _compare_every_column(index_dir: Path, several_segments: bool) -> int:
    engine = SearchEngine(index_dir)
    compared = 0
    with engine._current() as searcher:
        cache = engine._snapshots.cache(searcher)
        assert len(list(searcher.leaf_searchers())) > 1 or not several_segments
        for field, field_type in searcher.schema.items():
            if not field_type.column_type or field in ("bands", "shingles"):
                continue
            multi_valued = field in MULTI_VALUED
            starts, codes, table = cache._value_codes(field, multi_valued)
            assert (starts.tolist(), codes.tolist(), table) == _plain(cache, field, multi_valued), field
            compared += len(set(table)) > 1
        codes, symbols = cache._symbol_codes()
        assert (codes.tolist(), symbols) == _plain_symbols(cache)
        assert len(symbols) > 3
    return compared


def _plain_symbols(cache: SnapshotCache) -> tuple[list[int], list[Any]]:
    """Each record's symbol code as it was made before: from the document records' stored fields."""
    table: dict[Any, int] = {None: 0}
    of_resolution = np.zeros(cache.size, dtype=np.int64)
    for docnum in cache.postings.term("level", b"document").docs.tolist():
        symbol = cache.searcher.stored_fields(docnum).get("symbol") or None
        of_resolution[docnum] = table.setdefault(symbol, len(table))
    owner = cache.owner
    return np.where(owner >= 0, of_resolution[np.maximum(owner, 0)], 0).tolist(), list(table)


def test_codes_of_every_column_are_the_plain_ones(seed_index: Path) -> None:
    # (Several segments where the shared corpus is present: the workers each write their own.)
    assert _compare_every_column(seed_index, several_segments=False) >= 10


def test_codes_after_updates_with_deleted_records(tmp_path: Path) -> None:
    """Replaced files leave deleted records in older segments, and their resolution's live
    document record in a newer one."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus, ignore=shutil.ignore_patterns("README.md"))
    build_index([corpus], tmp_path / "index", workers=1)
    draft = corpus / SEED_TEXT.relative_to(SEEDS)
    draft.write_text(draft.read_text("utf-8").replace("大会", "大会 ", 1), "utf-8")
    (corpus / "copy.txt").write_text(draft.read_text("utf-8").replace("A/73/L.", "A/93/L."), "utf-8")
    build_index([corpus], tmp_path / "index", workers=1)
    assert _compare_every_column(tmp_path / "index", several_segments=True) >= 8


def test_spread_codes_give_ownerless_records_none() -> None:
    documents = np.array([0, 4, 7])
    owners = np.array([-1, 0, 0, 4, -1, 4, 7, -1, 0])
    for multi_valued, values in ((False, ["b", None, "a"]), (True, [["x", "y"], [], ["y", "z", "x"]])):
        starts, codes, table = spread_codes(documents, values, owners, multi_valued)
        column = [values[list(documents).index(owner)] if owner >= 0 else None for owner in owners]
        assert (starts.tolist(), codes.tolist(), table) == _plain_codes(column, multi_valued)
    empty = spread_codes(np.zeros(0, dtype=np.int64), [], np.array([-1, -1]), True)
    assert (empty[0].tolist(), empty[1].tolist(), empty[2]) == ([0, 0, 0], [], [])

"""A generation's files asked into the page cache when the service warms it
(search_api/core/preload.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import search_api.core.preload as preload_module
import search_api.engine as engine_module
from indexer.writer import build_index
from search_api.core.preload import generation_files, preload
from search_api.engine import SearchEngine

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("preload")
    shutil.copytree(SEEDS, root / "corpus", ignore=shutil.ignore_patterns("README.md"))
    build_index([root / "corpus"], root / "index", workers=1)
    SearchEngine(root / "index").warm()  # as `ga-search index` does: the arrays made
    return root / "index"


def test_the_files_are_the_generations_arrays_then_its_segments(index_dir: Path) -> None:
    engine = SearchEngine(index_dir)
    with engine._current() as searcher:
        folder = engine._snapshot(searcher).arrays.folder
        files = generation_files(searcher, index_dir, folder)
        segments = {f"{leaf.reader().segment().segment_id()}.seg" for leaf, _ in searcher.leaf_searchers()}
    assert folder is not None and files[0].parent == folder
    assert segments and segments <= {path.name for path in files}
    assert all(path.is_file() and not path.name.startswith(".") for path in files)


def test_each_file_is_asked_for_piece_by_piece_up_to_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for number, size in enumerate((10, 25, 7)):
        path = tmp_path / f"f{number}"
        path.write_bytes(b"x" * size)
        files.append(path)
    asked: list[tuple[str, int, int]] = []

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_WILLNEED
        asked.append((Path(os.readlink(f"/proc/self/fd/{fd}")).name, offset, length))

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    monkeypatch.setattr(preload_module, "PRELOAD_CHUNK", 8)
    assert preload(files, budget=40) == 35  # the third would pass the budget: not asked
    assert asked == [("f0", 0, 8), ("f0", 8, 2), ("f1", 0, 8), ("f1", 8, 8), ("f1", 16, 8), ("f1", 24, 1)]


def test_the_warm_up_preloads_each_generation_once(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[Path]] = []

    def recording(paths: Any, budget: int | None = None) -> int:
        calls.append(list(paths))
        return 0

    monkeypatch.setattr(engine_module, "preload", recording)
    engine = SearchEngine(index_dir, lanes=2)
    engine.warm()
    assert len(calls) == 1 and any(path.suffix == ".seg" for path in calls[0])
    engine.warm()  # nothing new
    assert len(calls) == 1

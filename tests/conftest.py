"""Shared fixtures: one index of the shipped seeds, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.writer import build_index
from search_api.engine import SearchEngine

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
SEED_TEXT = SEEDS / "zh_draft_73" / "000_b19792f0abdd90de.txt"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """../shared/corpus, read in place (its texts come from public repositories' snapshots and
    are not committed here). A user's fresh clone has no ../shared: the tests that need it skip."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"needs the shared corpus at {SHARED_CORPUS} (present in CI, absent in a fresh clone)")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    report = build_index([SEEDS], index_dir, workers=2)
    assert not report.failed, [str(f) for f in report.failed]
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index: Path) -> SearchEngine:
    return SearchEngine(seed_index)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT.read_text("utf-8")

"""Shared fixtures: one index of the test corpus, built once per test session.

The test corpus is what `seeds/` ships (the seed draft, two resolutions of the 80th session) and,
where `../shared/corpus` is present (CI has it; a user's fresh clone does not), its real texts
read in place: the other 80th-session resolutions, 941 decisions of sessions 71 to 80,
resolution 55/100 in Chinese and English, the UDHR in three scripts (with our `*.meta.json`
from tests/data/udhr/). They are assembled in a temporary folder, in the layout the tests name,
and never committed. A test that needs a document only the shared corpus has asks for it
through `corpus_file` or the `shared_corpus` fixture, and skips with the reason when it is absent.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from indexer.writer import build_index
from search_api.engine import SearchEngine

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_CORPUS = Path(os.environ.get("GA_SEARCH_SHARED_CORPUS", ROOT.parent / "shared" / "corpus"))
HAS_SHARED = SHARED_CORPUS.is_dir()
SHARED_MISSING = f"needs the shared corpus at {SHARED_CORPUS} (present in CI, absent in a fresh clone)"
SEED_TEXT = SEEDS / "zh_draft_73" / "000_b19792f0abdd90de.txt"
UDHR_LANGUAGES = ("arb", "cmn_hans", "cmn_hant", "eng", "fra", "rus", "spa")


def _assemble() -> Path:
    """seeds/ plus the shared corpus's texts, in one temporary folder (see the module docstring)."""
    if not HAS_SHARED:
        return SEEDS
    target = Path(tempfile.mkdtemp(prefix="ga-search-corpus-"))
    atexit.register(shutil.rmtree, target, True)
    shutil.copytree(SEEDS, target, dirs_exist_ok=True)
    raw = SHARED_CORPUS / "raw"
    shutil.copytree(raw / "hf_datasets_un_ga_sample", target / "un_ga_55_100")
    shutil.copytree(raw / "mandate_pipeline_igov_ga_decisions_en", target / "ga_decisions_71_80_en")
    (target / "udhr").mkdir(exist_ok=True)  # seeds/ ships two of the seven versions
    for name in UDHR_LANGUAGES:
        shutil.copy(raw / "udhr_wooorm" / f"{name}.html", target / "udhr")
        shutil.copy(ROOT / "tests" / "data" / "udhr" / f"{name}.meta.json", target / "udhr")
    for path in sorted((raw / "railcar_ga_res_80_en").glob("*.md")):
        if not (target / "ga_res_80_en" / path.name).exists():  # seeds/ ships its own reading
            shutil.copy(path, target / "ga_res_80_en")
    return target


CORPUS = _assemble()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_shared: reads documents only ../shared/corpus has; skipped without it")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_SHARED:
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if "needs_shared" in item.keywords:
            item.add_marker(skip)


def corpus_file(relative: str) -> Path:
    """A file of the test corpus, or a skip with the reason when only the shared corpus has it."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(SHARED_MISSING)
    return path


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """../shared/corpus, read in place; the tests that need it skip where it is absent."""
    if not HAS_SHARED:
        pytest.skip(SHARED_MISSING)
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of the test corpus (seeds/, and the shared corpus where present)."""
    index_dir = tmp_path_factory.mktemp("index")
    report = build_index([CORPUS], index_dir, workers=2)
    assert not report.failed, [str(f) for f in report.failed]
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index: Path) -> SearchEngine:
    return SearchEngine(seed_index)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT.read_text("utf-8")

"""The commonest terms' positions, prepared by the warm-up in a helper process
(search_api/core/warming.py, search_api/core/preparing.py), and the service's heap thresholds
(search_api/http/allocator.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import search_api.core.preparing as preparing
import search_api.core.shared_arrays as shared_arrays
import search_api.http.app as app_module
from indexer.formats import PackedPositions
from indexer.writer import build_index
from search_api.core import warming
from search_api.core.background_saves import SAVES
from search_api.core.postings import PostingCache
from search_api.core.shared_arrays import SNAPSHOTS_FOLDER, GenerationArrays
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.test_shared_arrays import _mapped

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# On the seeds no term comes near the real threshold (65,536 occurrences): these are their
# commonest few (the, of, 的, and, in, to, 和), as 1M clauses' are.
OCCURRENCES = 100
PHRASES = ('"of the United Nations"', '"in accordance with the"', '"the General Assembly"', '"组织的合作"')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prepared")
    shutil.copytree(SEEDS, root / "corpus", ignore=shutil.ignore_patterns("README.md"))
    build_index([root / "corpus"], root / "index", workers=1)
    return root / "index"


@pytest.fixture
def index_dir(built: Path, tmp_path: Path) -> Path:
    """A copy of the seeds' index without any saved array."""
    shutil.copytree(built, tmp_path / "index", ignore=shutil.ignore_patterns(SNAPSHOTS_FOLDER))
    return tmp_path / "index"


def _record_decoding(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """The terms whose positions this process decodes from now on."""
    decoded: list[tuple[str, bytes]] = []
    original = PostingCache._decode_positions

    def recording(self: PostingCache, fieldname: str, btext: bytes) -> np.ndarray:
        decoded.append((fieldname, btext))
        return original(self, fieldname, btext)

    monkeypatch.setattr(PostingCache, "_decode_positions", recording)
    return decoded


def test_the_commonest_terms_come_first_and_within_the_budget(index_dir: Path) -> None:
    engine = SearchEngine(index_dir)
    with engine.current_snapshot() as (searcher, cache):
        everything = warming.positions_to_prepare(searcher, cache, OCCURRENCES, 2**40)
        # Whoosh's own merged term list, as the oracle of the per-segment sums
        reader = searcher.reader()
        expected = sorted(
            (
                (int(info.weight()), name, text)
                for name, field in searcher.schema.items()
                if isinstance(field.format, PackedPositions)
                for text, info in reader.iter_field(name)
                if info.weight() >= OCCURRENCES
            ),
            key=lambda term: -term[0],
        )
        assert len(everything) >= 4
        assert set(everything) == {(name, text) for _, name, text in expected}
        counts = [int(reader.frequency(name, text)) for name, text in everything]
        assert counts == sorted(counts, reverse=True)
        budget = sum(counts[:3]) * 8
        assert warming.positions_to_prepare(searcher, cache, OCCURRENCES, budget) == everything[:3]


def test_prepared_positions_are_mapped_and_equal_the_decoded(
    index_dir: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = SearchEngine(index_dir)
    with engine.current_snapshot() as (searcher, cache):
        terms = warming.positions_to_prepare(searcher, cache, OCCURRENCES, 2**40)
        saved = warming.prepare_positions(searcher, cache, OCCURRENCES, 2**40)
        assert saved > 0 and all(cache.postings.positions_saved(name, text) for name, text in terms)
        assert not warming.positions_to_prepare(searcher, cache, OCCURRENCES, 2**40)  # nothing left
        decoded = {term: PostingCache(searcher, GenerationArrays(None)).positions(*term) for term in terms}
    unprepared = [SearchEngine(built).search(SearchRequest(q=q)) for q in PHRASES]
    decoding = _record_decoding(monkeypatch)
    fresh = SearchEngine(index_dir)
    with fresh.current_snapshot() as (searcher, cache):
        for term, keys in decoded.items():
            mapped = cache.postings.positions(*term)
            assert _mapped(mapped) and np.array_equal(mapped, keys), term
    prepared = [fresh.search(SearchRequest(q=q)) for q in PHRASES]
    assert decoding and not set(decoding) & set(terms)  # the phrases' other words were decoded
    assert [r.total for r in prepared] == [r.total for r in unprepared] and all(r.total for r in prepared)
    for a, b in zip(prepared, unprepared, strict=True):
        assert [(h.doc_id, h.score) for h in a.hits] == [(h.doc_id, h.score) for h in b.hits]


def test_the_warm_up_has_a_helper_process_prepare_them(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warming, "PREPARED_OCCURRENCES", OCCURRENCES)
    decoding = _record_decoding(monkeypatch)
    engine = SearchEngine(index_dir)
    engine.warm()
    with engine.current_snapshot() as (searcher, cache):
        terms = _commonest(searcher, cache)
        assert terms and all(cache.postings.positions_saved(name, text) for name, text in terms)
    assert not decoding  # the helper, another process, decoded them
    started: list[object] = []
    monkeypatch.setattr(preparing.subprocess, "Popen", lambda *a, **k: started.append(a))
    restarted = SearchEngine(index_dir)
    restarted.warm()  # every list saved: no helper
    assert restarted.search(SearchRequest(q=PHRASES[0])).total > 0 and not started


def _commonest(searcher: Any, cache: Any) -> list[tuple[str, bytes]]:
    fields = [name for name, field in searcher.schema.items() if isinstance(field.format, PackedPositions)]
    return [(name, text) for name in fields for text, _ in cache.postings.commonest(name, OCCURRENCES)]


def test_preparing_stops_at_the_generations_bound(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_arrays, "SHARED_TERMS_MAX_BYTES", 0)
    engine = SearchEngine(index_dir)
    with engine.current_snapshot() as (searcher, cache):
        assert warming.positions_to_prepare(searcher, cache, OCCURRENCES, 2**40)
        assert warming.prepare_positions(searcher, cache, OCCURRENCES, 2**40) == 0
        folder = cache.arrays.folder
    SAVES.wait()
    assert folder is not None and not list(folder.glob(f"{shared_arrays.TERM_PREFIX}*"))


def test_an_index_that_cannot_be_written_prepares_nothing(index_dir: Path) -> None:
    engine = SearchEngine(index_dir)
    with engine.current_snapshot() as (searcher, cache):
        cache.arrays.folder = None  # as a read-only replica's
        assert warming.positions_to_prepare(searcher, cache, OCCURRENCES, 2**40) == []


# -- the service's heap ------------------------------------------------------------------------------
# What both scripts share: libc, the mode, and the page faults of a block asked, written, freed.
_PRELUDE = textwrap.dedent(
    """
    import ctypes, resource, sys, threading
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    if sys.argv[1] == "keep":
        from search_api.http.allocator import keep_freed_arrays
        assert keep_freed_arrays()
    elif sys.argv[1] == "thresholds":  # the thresholds alone: each thread its own arena, as by default
        libc.mallopt(-3, 32 * 2**20)
        libc.mallopt(-1, 64 * 2**20)

    def faults(size, rounds, who):
        counted = []
        for _ in range(rounds):
            before = resource.getrusage(who).ru_minflt
            block = libc.malloc(size)
            ctypes.memset(block, 1, size)
            counted.append(resource.getrusage(who).ru_minflt - before)
            libc.free(block)
        return counted[-1]
    """
)
# A common word's postings at 1M clauses, asked twice.
_FAULTS = _PRELUDE + "print(faults(8 * 2**20, 2, resource.RUSAGE_SELF))\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc thresholds")
def test_the_service_heap_keeps_a_freed_array_for_the_next() -> None:
    """With the thresholds set, an 8 MB block freed and asked again costs no page faults; by
    glibc's default it is given back and asked of the kernel again (2,048 pages)."""

    def second_faults(mode: str) -> int:
        run = subprocess.run([sys.executable, "-c", _FAULTS, mode], capture_output=True, text=True, check=True)
        return int(run.stdout)

    assert second_faults("default") > 1000
    assert second_faults("keep") < 100


_THREAD_FAULTS = _PRELUDE + textwrap.dedent(
    """
    MB = 2**20

    def work(out):
        # A cache's arrays made in this thread until they fill its arena's heap (64 MB): the block
        # that needed another heap is freed, and that heap with it.
        kept = [libc.malloc(MB)]
        while len(kept) < 70:
            block = libc.malloc(MB)
            if abs(block - kept[-1]) > 4 * MB:
                libc.free(block)
                break
            kept.append(block)
        out.append(faults(MB, 3, resource.RUSAGE_THREAD))

    out = []
    thread = threading.Thread(target=work, args=(out,))
    thread.start()
    thread.join()
    print(out[0])
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas")
def test_a_search_thread_reuses_a_freed_temporary_when_its_heap_is_full() -> None:
    """A request runs in a pool thread. With an arena a thread (glibc's default), once cached
    arrays fill that arena's 64 MB heap, each 1 MB temporary takes a new heap, given back when
    freed: 256 page faults every time (a clause's precedents at 1M clauses, 20 of them a search:
    10.5 -> 23 ms once the other kinds had run). With one arena, it is reused."""

    def third_faults(mode: str) -> int:
        run = subprocess.run([sys.executable, "-c", _THREAD_FAULTS, mode], capture_output=True, text=True, check=True)
        return int(run.stdout)

    assert third_faults("thresholds") > 200
    assert third_faults("keep") < 20


def test_the_service_sets_them_in_each_worker(seed_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []
    monkeypatch.setattr(app_module, "keep_freed_arrays", lambda: called.append(True) or True)
    monkeypatch.setenv("GA_SEARCH_INDEX", str(seed_index))
    app_module.create_app_from_env()
    assert called == [True]


def test_a_failed_helper_is_logged_and_its_work_left_to_the_searches(
    index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="ga_search.preparing"):
        # Bounded only against a hang: the helper fails at once, after its interpreter's start.
        preparing._end(preparing._start("nonsense", str(index_dir)), 300)
    assert "a helper ended with 1" in caplog.text and "nonsense" in caplog.text

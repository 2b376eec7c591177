"""A generation's derived arrays are computed once, saved beside the index and memory-mapped by every
reader (search_api/core/shared_arrays.py)."""

from __future__ import annotations

import mmap
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.writer import build_index
from search_api.core.background_saves import SAVES, BackgroundSaves
from search_api.core.docsets import SnapshotCache
from search_api.core.postings import PostingCache
from search_api.core.shared_arrays import SNAPSHOTS_FOLDER, GenerationArrays
from search_api.engine import SearchEngine
from search_api.models import SearchRequest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REQUEST = SearchRequest(q="General Assembly", facets=("session", "sponsor", "verb", "kind"), sort="date")


def _seed_index(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus, ignore=shutil.ignore_patterns("README.md"))
    build_index([corpus], tmp_path / "index", workers=1)
    return tmp_path / "index"


def _answer(engine: SearchEngine) -> tuple[object, ...]:
    result = engine.search(REQUEST)
    facets = {name: [(v.value, v.count) for v in facet.values] for name, facet in result.facets.items()}
    return result.total, [(h.doc_id, h.clause.number if h.clause else None, h.score) for h in result.hits], facets


def _mapped(array: Any) -> bool:
    """Whether an array's memory is a file's memory map (through any views of it)."""
    while array is not None:
        if isinstance(array, mmap.mmap):
            return True
        array = getattr(array, "base", None) if not isinstance(array, memoryview) else array.obj
    return False


def _refuse_to_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("computed again: should have been read from the saved arrays")

    for name in ("_value_codes", "_resolution_records", "_sort_rank", "_band_keys", "_shingle_index"):
        monkeypatch.setattr(SnapshotCache, name, refuse)
    monkeypatch.setattr(PostingCache, "_length_codes", refuse)
    monkeypatch.setattr(PostingCache, "_live", refuse)


def test_arrays_are_made_once_then_mapped_by_a_new_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = _seed_index(tmp_path)
    first = SearchEngine(index_dir)
    first.warm()
    expected = _answer(first)
    [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
    assert {"codes-session.parts", "owner.parts", "shingles.parts", "length-codes-text.parts"} <= {
        p.name for p in folder.iterdir()
    }
    _refuse_to_compute(monkeypatch)  # a second reader (another worker, a restart) computes nothing
    second = SearchEngine(index_dir)
    second.warm()
    assert _answer(second) == expected
    with second._current() as searcher:
        cache = second._snapshots.cache(searcher)
        _, codes, _ = cache.value_codes("session", False)
        assert _mapped(codes) and _mapped(cache.owner) and not _mapped(np.zeros(3))
        assert not codes.flags.writeable  # shared: nobody may write into it


def test_each_commit_gets_its_own_arrays_and_older_ones_are_removed(tmp_path: Path) -> None:
    index_dir = _seed_index(tmp_path)
    engine = SearchEngine(index_dir)
    totals = [engine.search(REQUEST).total]
    corpus = tmp_path / "corpus"
    for round_number in range(3):  # each round a new commit: a copy of the seed draft under a new symbol
        text = (corpus / "zh_draft_73" / "000_b19792f0abdd90de.txt").read_text("utf-8")
        (corpus / f"extra_{round_number}.txt").write_text(text.replace("A/73/L.", f"A/9{round_number}/L."), "utf-8")
        build_index([corpus], index_dir, workers=1)
        result = engine.search(SearchRequest(q="大会", facets=("session",)))
        totals.append(sum(v.count for v in result.facets["session"].values))
    assert totals[1] < totals[2] < totals[3]  # each commit's counts, not a stale generation's
    assert len(list((index_dir / SNAPSHOTS_FOLDER).iterdir())) == 2  # the latest and the one before


def test_a_folder_that_cannot_hold_them_keeps_them_in_memory(tmp_path: Path) -> None:
    index_dir = _seed_index(tmp_path)
    expected = _answer(SearchEngine(index_dir))
    shutil.rmtree(index_dir / SNAPSHOTS_FOLDER)
    (index_dir / SNAPSHOTS_FOLDER).write_text("not a folder")  # mkdir fails as on a read-only replica
    assert _answer(SearchEngine(index_dir)) == expected


def test_a_value_whose_save_did_not_finish_is_made_again(tmp_path: Path) -> None:
    index_dir = _seed_index(tmp_path)
    expected = _answer(SearchEngine(index_dir))
    [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
    (folder / "codes-session.parts").unlink()  # killed before the last write: the parts list
    (folder / "codes-session.1.bin").write_bytes(b"half")
    assert _answer(SearchEngine(index_dir)) == expected


@pytest.mark.parametrize("pass_share", [0, 10**9])
def test_facet_counts_agree_for_few_and_many_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pass_share: int
) -> None:
    """`count` counts a resolution's field once a resolution, weighted by its records, gathering
    the matched resolutions' values or passing over every resolution's (`pass_share` forces
    each); a clause's field by gathering a few documents' values or passing over the column for
    many: each gives every value's number of documents (every value of a multi-valued field
    counting), as the documents' own values say."""
    from collections import Counter

    import search_api.core.docsets as docsets

    monkeypatch.setattr(docsets, "RESOLUTION_PASS_SHARE", pass_share)
    engine = SearchEngine(_seed_index(tmp_path))
    with engine._current() as searcher:
        cache = engine._snapshots.cache(searcher)
        live = np.flatnonzero(cache.postings.live)
        for field, multi_valued in (("sponsor", True), ("agenda", True), ("session", False), ("cites", True)):
            table = cache.value_codes(field, multi_valued)[2]
            for docs in (live[:3], live[::2], live):  # the gathering path, then the column pass
                expected = Counter(table[c] for c in cache.document_codes(field, docs, multi_valued)[1].tolist())
                assert cache.count(field, docs, multi_valued) == dict(expected), (field, len(docs))
        assert np.diff(cache.value_codes("sponsor", True)[0]).max() > 1  # records with several sponsors


def test_large_decoded_postings_are_shared_through_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A term's decoded postings and positions, once large enough, are saved by the process that
    decoded them and mapped by the next (another worker, a restart) instead of decoded again."""
    import search_api.core.shared_arrays as shared_arrays

    index_dir = _seed_index(tmp_path)
    monkeypatch.setattr(shared_arrays, "SHARED_TERM_BYTES", 1)  # every list counts as large here
    request = SearchRequest(q='rights "human rights"', facets=("session",))
    first = SearchEngine(index_dir).search(request)
    SAVES.wait()  # the saves run after the search returns
    [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
    assert len(list(folder.glob(f"{shared_arrays.TERM_PREFIX}*.parts"))) >= 3  # a word, a phrase's two
    decoded: list[int] = []  # what the second engine still decodes: only empty lists (not saved)
    for method in ("_decode_term", "_decode_positions"):
        original = getattr(PostingCache, method)

        def recording(self: PostingCache, *args: Any, _original: Any = original) -> Any:
            found = _original(self, *args)
            decoded.append(len(found.docs) if hasattr(found, "docs") else len(found))
            return found

        monkeypatch.setattr(PostingCache, method, recording)
    second = SearchEngine(index_dir).search(request)
    assert not any(decoded), decoded
    assert first.total > 0 and [h.score for h in second.hits] == [h.score for h in first.hits]


def test_shared_postings_stop_at_their_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search_api.core.shared_arrays as shared_arrays

    index_dir = _seed_index(tmp_path)
    monkeypatch.setattr(shared_arrays, "SHARED_TERM_BYTES", 1)
    monkeypatch.setattr(shared_arrays, "SHARED_TERMS_MAX_BYTES", 0)  # the disk a generation may take
    assert SearchEngine(index_dir).search(SearchRequest(q="Assembly")).total > 0
    SAVES.wait()
    [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
    assert not list(folder.glob(f"{shared_arrays.TERM_PREFIX}*"))


def test_a_search_does_not_wait_for_its_terms_to_be_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The save of a large decoded list runs after the search has its answer; once it ends, the
    process's cache holds the mapped list (shared pages), not its private copy."""
    import search_api.core.shared_arrays as shared_arrays

    index_dir = _seed_index(tmp_path)
    monkeypatch.setattr(shared_arrays, "SHARED_TERM_BYTES", 1)
    saving = threading.Event()
    release = threading.Event()
    original = shared_arrays._save

    def held_save(folder: Path, name: str, value: Any) -> None:
        if name.startswith(shared_arrays.TERM_PREFIX):  # the generation's own arrays are made in line
            saving.set()
            assert release.wait(60), "the test never released the save"  # only against a hang
        original(folder, name, value)

    monkeypatch.setattr(shared_arrays, "_save", held_save)
    engine = SearchEngine(index_dir)
    try:
        result = engine.search(SearchRequest(q="Assembly"))  # returns while the save is held
        assert result.total > 0
        assert saving.wait(60)
        [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
        assert not list(folder.glob(f"{shared_arrays.TERM_PREFIX}*.parts"))
    finally:
        release.set()
    SAVES.wait()
    assert list(folder.glob(f"{shared_arrays.TERM_PREFIX}*.parts"))
    with engine._current() as searcher:
        postings = engine._snapshot(searcher).postings
        keys = [k for k in postings._store._items if k[2] == "docs" and k[1] == b"assembly"]
        assert keys
        for key in keys:
            assert _is_mapped(postings._cached(key).docs), key


def _is_mapped(array: np.ndarray) -> bool:
    base: Any = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None) if isinstance(base, np.ndarray) else getattr(base, "obj", None)
    return base is not None


def test_health_says_warm_once_the_latest_commit_is_warmed(tmp_path: Path) -> None:
    """`warm` in /healthz: False until the warm-up of the latest commit has ended (a script or a
    balancer waits for it), False again after a new commit until that one's is done."""
    index_dir = _seed_index(tmp_path)
    engine = SearchEngine(index_dir)
    assert engine.health()["warm"] is False
    engine.warm()
    assert engine.health()["warm"] is True
    with engine._current() as searcher:  # the warm-up's search decoded its word's postings
        assert ("text", "联合国".encode(), "scores") in engine._snapshot(searcher).postings._store._items
    corpus = tmp_path / "corpus"
    next(p for p in sorted(corpus.rglob("*")) if p.is_file()).unlink()
    build_index([corpus], index_dir, workers=1)  # a new commit: one document fewer
    assert engine.health()["warm"] is False
    assert engine.warm_if_new()
    assert engine.health()["warm"] is True


def test_background_saves_are_bounded() -> None:
    saves = BackgroundSaves(max_pending=1, max_pending_bytes=100)
    release = threading.Event()
    done: list[int] = []

    def held() -> None:
        release.wait(60)  # only against a hang
        done.append(1)

    assert saves.submit(held, 10)
    assert not saves.submit(lambda: done.append(2), 10)  # one waiting already: not queued
    release.set()
    saves.wait()
    assert done == [1] and saves.pending == 0
    assert not saves.submit(lambda: done.append(3), 101)  # more bytes than the bound
    assert saves.submit(lambda: done.append(4), 100)
    saves.wait()
    assert done == [1, 4]


def test_publish_copies_the_arrays_so_a_replica_computes_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.storage.publish import publish

    index_dir = _seed_index(tmp_path)
    primary = SearchEngine(index_dir)
    primary.warm()  # as `ga-search index` does
    expected = _answer(primary)
    done = publish(index_dir, tmp_path / "replica")
    [key] = [p.name for p in (index_dir / SNAPSHOTS_FOLDER).iterdir()]
    assert done.arrays > 10 and (tmp_path / "replica" / SNAPSHOTS_FOLDER / key / "codes-session.parts").exists()
    with monkeypatch.context() as patched:
        _refuse_to_compute(patched)
        assert _answer(SearchEngine(tmp_path / "replica")) == expected  # mapped, not made again
    corpus = tmp_path / "corpus"
    for round_number in range(2):  # two more generations: the replica keeps the arrays of the last two
        text = (corpus / "zh_draft_73" / "000_b19792f0abdd90de.txt").read_text("utf-8")
        (corpus / f"extra_{round_number}.txt").write_text(text.replace("A/73/L.", f"A/9{round_number}/L."), "utf-8")
        build_index([corpus], index_dir, workers=1)
        SearchEngine(index_dir).warm()
        publish(index_dir, tmp_path / "replica")
    kept = {p.name for p in (tmp_path / "replica" / SNAPSHOTS_FOLDER).iterdir()}
    assert key not in kept and len(kept) == 2


def test_a_segment_without_a_column_shifts_no_value(tmp_path: Path) -> None:
    """A commit whose documents have no value for a column writes a segment without it; every
    other document keeps its own value (Whoosh's multi-segment column reader skipped such a
    segment, moving later values onto other documents, or past the end)."""
    index_dir = _seed_index(tmp_path)
    corpus = tmp_path / "corpus"
    text = (corpus / "zh_draft_73" / "000_b19792f0abdd90de.txt").read_text("utf-8")
    (corpus / "undated.txt").write_text(text.replace("A/73/L.", "A/91/L."), "utf-8")  # no year: no column
    build_index([corpus], index_dir, workers=1)
    build_index([corpus], tmp_path / "one", workers=1, rebuild=True)  # the same records in one segment
    engine, reference = SearchEngine(index_dir), SearchEngine(tmp_path / "one")
    with engine._current() as searcher:
        leaves = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        assert len(leaves) > 1 and not all(reader.has_column("year") for reader in leaves)
    request = SearchRequest(facets=("year", "session", "sponsor", "kind"), per_page=100, sort="date")
    answer, expected = engine.search(request), reference.search(request)
    assert {n: [(v.value, v.count) for v in f.values] for n, f in answer.facets.items()} == {
        n: [(v.value, v.count) for v in f.values] for n, f in expected.facets.items()
    }
    assert [(h.doc_id, h.clause.number if h.clause else None) for h in answer.hits] == [
        (h.doc_id, h.clause.number if h.clause else None) for h in expected.hits
    ]


def test_a_failed_save_keeps_the_value_in_memory_computed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search_api.core.shared_arrays as shared_arrays

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shared_arrays, "_save", disk_full)
    arrays = shared_arrays.GenerationArrays(tmp_path)
    computed: list[int] = []

    def compute() -> np.ndarray:
        computed.append(1)
        return np.arange(5)

    assert arrays.array("numbers", compute).tolist() == [0, 1, 2, 3, 4]
    assert computed == [1] and arrays.folder is None  # once, then kept in memory from here on
    assert arrays.array("numbers", compute).tolist() == [0, 1, 2, 3, 4] and computed == [1]


def test_two_values_are_made_at_once_and_one_value_once(tmp_path: Path) -> None:
    """Each value has its own lock: a value's making does not hold up another's (`prepare` makes
    the precedents' arrays in a second process meanwhile), and two takers of one value wait for
    one making. With one lock for all, the first making below would wait for ever on the second."""
    folder = tmp_path / "generation"
    folder.mkdir()
    arrays = GenerationArrays(folder)
    first_started, other_started = threading.Event(), threading.Event()
    made: list[str] = []

    def first() -> np.ndarray:
        made.append("first")
        first_started.set()
        assert other_started.wait(timeout=60), "the second value waited for the first's lock"
        return np.arange(3)

    def second() -> np.ndarray:
        made.append("second")
        other_started.set()
        return np.arange(4)

    with ThreadPoolExecutor(3) as pool:
        firsts = [pool.submit(arrays.get, "first", first), pool.submit(GenerationArrays(folder).get, "first", first)]
        assert first_started.wait(timeout=60)
        seconds = pool.submit(arrays.get, "second", second)
        assert [list(f.result()) for f in firsts] == [[0, 1, 2]] * 2 and list(seconds.result()) == [0, 1, 2, 3]
    assert sorted(made) == ["first", "second"]  # each made once, the second reader of "first" waited


def test_prepare_makes_the_precedents_arrays_in_a_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = _seed_index(tmp_path)
    sequential = SearchEngine(index_dir)
    expected = _answer(sequential)
    with sequential._current() as searcher:
        cache = sequential._snapshot(searcher)
        reference = cache.band_keys().copy(), [part.copy() for part in cache.shingle_index()]
    shutil.rmtree(index_dir / SNAPSHOTS_FOLDER)
    helper = subprocess.run(
        [sys.executable, "-m", "search_api.core.preparing", "precedents", str(index_dir)], timeout=300
    )
    assert helper.returncode == 0  # the seeds' arrays: a second or two; bounded so a hang fails, not stalls
    [folder] = (index_dir / SNAPSHOTS_FOLDER).iterdir()
    assert {"bands.parts", "shingles.parts"} <= {p.name for p in folder.iterdir()}
    assert not (folder / "codes-session.parts").exists()  # the rest is this process's part
    for name in ("_band_keys", "_shingle_index"):  # this process now maps them and makes the rest
        monkeypatch.setattr(SnapshotCache, name, lambda *_: pytest.fail("made again"))
    engine = SearchEngine(index_dir)
    monkeypatch.setattr("search_api.core.preparing.PARALLEL_PREPARE_RECORDS", 0)
    engine.prepare(records=1)
    assert _answer(engine) == expected
    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        assert np.array_equal(cache.band_keys(), reference[0])
        assert all(np.array_equal(a, b) for a, b in zip(cache.shingle_index(), reference[1], strict=True))

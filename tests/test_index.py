"""The index: incremental, replace by symbol, prune, failures reported, atomic under SIGKILL."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.errors import IndexVersionError
from indexer.manifest import MANIFEST_NAME, read_manifest
from indexer.storage.index import INDEX_NAME, count_level
from indexer.writer import build_index
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.conftest import CORPUS, ROOT


def small_corpus(target: Path) -> Path:
    """The seed, resolution 55/100 in two languages and ten resolutions of session 80."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "zh_draft_73" / "000_b19792f0abdd90de.txt", target)
    shutil.copytree(CORPUS / "un_ga_55_100", target / "55_100")
    (target / "80").mkdir()
    for path in sorted((CORPUS / "ga_res_80_en").glob("*.md"))[:10]:
        shutil.copy(path, target / "80")
    return target


def counts(index_dir: Path) -> tuple[int, int]:
    ix = whoosh_index.open_dir(str(index_dir), INDEX_NAME)
    with ix.searcher() as searcher:
        return count_level(searcher, "document"), count_level(searcher, "clause")


@pytest.mark.needs_shared
def test_reindexing_the_same_corpus_twice_changes_nothing(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    first = build_index([corpus], tmp_path / "ix", workers=1)
    assert first.indexed == 13 and not first.failed
    before = counts(tmp_path / "ix")
    second = build_index([corpus], tmp_path / "ix", workers=1)
    assert (second.indexed, second.replaced, second.unchanged) == (0, 0, 13)
    assert counts(tmp_path / "ix") == before == (first.documents, first.clauses)


@pytest.mark.needs_shared
def test_a_changed_file_replaces_its_document(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "ix", workers=1)
    before = counts(tmp_path / "ix")
    english = corpus / "55_100" / "UN.en-zh.en"
    english.write_text(english.read_text("utf-8").replace("Once again calls upon", "Once again urges"), "utf-8")
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert (report.indexed, report.replaced, report.unchanged) == (0, 1, 12)
    assert counts(tmp_path / "ix") == before
    engine = SearchEngine(tmp_path / "ix")
    assert engine.search(SearchRequest(q='"once again urges"')).total == 1
    assert engine.search(SearchRequest(q='"once again calls upon"')).total == 0


@pytest.mark.needs_shared
def test_another_file_with_the_same_symbol_replaces_the_document(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "ix", workers=1)
    before = counts(tmp_path / "ix")
    original = corpus / "80" / "A_RES_80_1.md"
    moved = corpus / "renamed-80-1.md"
    moved.write_text(original.read_text("utf-8"), "utf-8")
    original.unlink()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.replaced == 1 and report.indexed == 0
    assert counts(tmp_path / "ix") == before
    assert SearchEngine(tmp_path / "ix").document("A/RES/80/1").source == "renamed-80-1.md"


@pytest.mark.needs_shared
def test_prune_removes_documents_whose_files_are_gone(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    first = build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "80" / "A_RES_80_1.md").unlink()
    kept = build_index([corpus], tmp_path / "ix", workers=1)
    assert kept.documents == first.documents and kept.removed == 0
    pruned = build_index([corpus], tmp_path / "ix", workers=1, prune=True)
    assert pruned.removed == 1 and pruned.documents == first.documents - 1


@pytest.mark.needs_shared
def test_a_broken_file_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (corpus / "empty.txt").write_bytes(b"")
    report = build_index([corpus], tmp_path / "ix", workers=2)
    assert sorted(Path(f.path).name for f in report.failed) == ["broken.docx", "empty.txt"]
    assert report.indexed == 13 and report.documents == 13
    result = subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", "index", str(corpus), "--index", str(tmp_path / "ix2")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 1
    assert "broken.docx" in result.stderr and "empty file" in result.stderr


@pytest.mark.needs_shared
def test_manifest_records_versions_and_counts(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    report = build_index([corpus], tmp_path / "ix", workers=1)
    manifest = read_manifest(tmp_path / "ix")
    assert manifest is not None
    assert (manifest.documents, manifest.clauses) == (report.documents, report.clauses)
    assert manifest.analyzer_version and manifest.schema_version and manifest.libraries["whoosh"]


@pytest.mark.needs_shared
@pytest.mark.parametrize("field", ["analyzer_version", "schema_version"])
def test_an_index_built_by_another_version_is_refused(tmp_path: Path, field: str) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "ix", workers=1)
    path = tmp_path / "ix" / MANIFEST_NAME
    data = json.loads(path.read_text("utf-8"))
    data[field] = "0-old"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(IndexVersionError, match="rebuild"):
        SearchEngine(tmp_path / "ix")
    result = subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", "search", "联合国", "--index", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1 and "rebuild" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.needs_shared
def test_a_reader_keeps_its_snapshot_while_the_index_changes(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "ix", workers=1)
    ix = whoosh_index.open_dir(str(tmp_path / "ix"), INDEX_NAME)
    with ix.searcher() as snapshot:
        before = count_level(snapshot, "document")
        (corpus / "80" / "A_RES_80_1.md").unlink()
        build_index([corpus], tmp_path / "ix", workers=1, prune=True)
        assert count_level(snapshot, "document") == before
        assert len(list(snapshot.documents(level="document"))) == before
    engine_view = SearchEngine(tmp_path / "ix").stats()
    assert engine_view["documents"] == before - 1


def _index_command(corpus: Path, index_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "search_api.cli.main",
        "index",
        str(corpus),
        "--index",
        str(index_dir),
        "--workers",
        "2",
    ]


def kill_during_indexing(tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    """Build a baseline, then start re-indexes of a larger corpus and SIGKILL each at a random
    moment; after every kill the index must open and answer. Returns what happened."""
    corpus = small_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    baseline = counts(index_dir)
    for path in sorted((CORPUS / "ga_res_80_en").glob("*.md"))[10:]:
        shutil.copy(path, corpus / "80")
    shutil.copytree(CORPUS / "ga_decisions_71_80_en" / "80", corpus / "decisions")
    started = time.perf_counter()
    subprocess.run(_index_command(corpus, tmp_path / "timing"), cwd=ROOT, check=True, capture_output=True, timeout=600)
    full_run = time.perf_counter() - started
    final = counts(tmp_path / "timing")
    rng = random.Random(seed)
    outcomes = {"old": 0, "new": 0}
    for _ in range(kills):
        process = subprocess.Popen(
            _index_command(corpus, index_dir),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.2, 1.0) * full_run)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        now = counts(index_dir)
        assert now in (baseline, final), now
        outcomes["old" if now == baseline else "new"] += 1
        engine = SearchEngine(index_dir) if (index_dir / MANIFEST_NAME).exists() else None
        if engine is not None:
            assert engine.search(SearchRequest(q="集体安全条约组织", per_page=1)).total > 0
        if now == final:  # the commit landed: start again from the baseline for the next kill
            shutil.rmtree(index_dir)
            build_index(
                [
                    corpus / "000_b19792f0abdd90de.txt",
                    corpus / "55_100",
                    *sorted((corpus / "80").glob("*.md"))[:10],
                ],
                index_dir,
                workers=1,
            )
            assert counts(index_dir) == baseline
    completed = subprocess.run(_index_command(corpus, index_dir), cwd=ROOT, capture_output=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert counts(index_dir) == final
    return outcomes


@pytest.mark.slow
@pytest.mark.needs_shared
def test_sigkill_mid_build_leaves_the_previous_index_queryable(tmp_path: Path) -> None:
    outcomes = kill_during_indexing(tmp_path, kills=3, seed=5)
    assert sum(outcomes.values()) == 3


@pytest.mark.needs_shared
def test_two_files_with_one_document_id_in_one_run_keep_one_by_the_rule(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    shutil.copy(corpus / "80" / "A_RES_80_1.md", corpus / "80" / "zz-copy-of-80-1.md")
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert not report.failed  # one document in two files is not a failure
    assert [(Path(a).name, Path(b).name) for a, b in report.superseded] == [("zz-copy-of-80-1.md", "A_RES_80_1.md")]
    assert report.documents == 13
    assert SearchEngine(tmp_path / "ix").document("A/RES/80/1").source == "A_RES_80_1.md"
    # The copy's clause records went with its document record: the counts of a corpus without it.
    (corpus / "80" / "zz-copy-of-80-1.md").unlink()
    assert report.clauses == build_index([corpus], tmp_path / "without", workers=1).clauses


@pytest.mark.slow
def test_parallel_and_single_process_builds_give_the_same_index(tmp_path: Path, seed_index: Path) -> None:
    single = build_index([CORPUS], tmp_path / "single", workers=1)
    parallel = read_manifest(seed_index)  # the session index is built with two workers
    assert parallel is not None
    assert (single.documents, single.clauses) == (parallel.documents, parallel.clauses)
    one, two = SearchEngine(tmp_path / "single"), SearchEngine(seed_index)
    for query in ("集体安全条约组织", '"general assembly"', "decides", "A/RES/59/50"):
        request = SearchRequest(q=query, per_page=0, facets=("session", "sponsor"))
        a, b = one.search(request), two.search(request)
        assert a.total == b.total
        assert a.to_dict()["facets"] == b.to_dict()["facets"]
        # Equal scores may come in another order from other segments: compare the sets of hits.
        pages = range(1, a.total // 100 + 2)
        hits_a = {
            (h.doc_id, h.clause.number)
            for p in pages
            for h in one.search(SearchRequest(q=query, page=p, per_page=100, facets=())).hits
        }
        hits_b = {
            (h.doc_id, h.clause.number)
            for p in pages
            for h in two.search(SearchRequest(q=query, page=p, per_page=100, facets=())).hits
        }
        assert hits_a == hits_b and len(hits_a) == a.total


@pytest.mark.needs_shared
def test_workers_start_a_new_segment_when_their_postings_pass_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.writer

    corpus = small_corpus(tmp_path / "corpus")
    reference = build_index([corpus], tmp_path / "one", workers=1)
    monkeypatch.setattr(indexer.writer, "MP_MIN_DOCUMENTS", 1)
    monkeypatch.setenv("GA_SEARCH_SEGMENT_POSTINGS", "5000")  # read by the spawned workers
    report = build_index([corpus], tmp_path / "parts", workers=2)
    ix = whoosh_index.open_dir(str(tmp_path / "parts"), INDEX_NAME)
    assert len(ix._segments()) > 2  # more segments than workers
    assert (report.documents, report.clauses) == (reference.documents, reference.clauses)
    request = SearchRequest(q="General Assembly", per_page=50, facets=("session",))
    one, parts = SearchEngine(tmp_path / "one").search(request), SearchEngine(tmp_path / "parts").search(request)
    assert parts.total == one.total > 0
    assert {h.doc_id for h in parts.hits} == {h.doc_id for h in one.hits}


@pytest.mark.needs_shared
def test_the_service_warms_each_new_commit_before_its_first_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    import search_api.http.app
    from search_api.http.app import create_app

    corpus = small_corpus(tmp_path / "corpus")
    extra = sorted((CORPUS / "ga_res_80_en").glob("*.md"))[10]
    build_index([corpus], tmp_path / "ix", workers=1)
    engine = SearchEngine(tmp_path / "ix")
    assert engine.warm_if_new() and not engine.warm_if_new()  # warmed once, then nothing new
    shutil.copy(extra, corpus / "80")
    build_index([corpus], tmp_path / "ix", workers=1)
    assert engine.warm_if_new()  # the new commit, warmed without a search
    for lane in engine._snapshots.lanes:  # every lane's snapshot is the new commit's, warm
        cache = lane.cache
        assert cache is not None and cache.searcher is lane.searcher is lane.warm_for
        assert {"codes-session", "codes-sponsor", "codes-doc_id", "length-codes-text"} <= cache.arrays.names()
    assert engine.stats()["documents"] == counts(tmp_path / "ix")[0] == 14

    # The service does it in the background: a commit made while it runs is warmed by itself.
    monkeypatch.setattr(search_api.http.app, "WARM_CHECK_SECONDS", 0.05)
    with TestClient(create_app(tmp_path / "ix")) as client:
        served: SearchEngine = client.app.state.engine
        shutil.copy(sorted((CORPUS / "ga_res_80_en").glob("*.md"))[11], corpus / "80")
        build_index([corpus], tmp_path / "ix", workers=1)
        latest = whoosh_index.open_dir(str(tmp_path / "ix"), INDEX_NAME).latest_generation()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            caches = [lane.cache for lane in served._snapshots.lanes]
            if all(c is not None and c.searcher.reader().generation() == latest and c.arrays.names() for c in caches):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the new commit was not warmed")
        assert client.get("/healthz").json()["documents"] == 15

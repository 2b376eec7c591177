"""Reliability: bad inputs beside good ones, API fuzzing from our own OpenAPI, re-index under
traffic, and repeated SIGKILLs of the indexer."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.testclient import TestClient

from indexer.writer import build_index
from search_api.http.app import create_app
from tests.conftest import CORPUS, SEED_TEXT
from tests.test_index import kill_during_indexing, small_corpus

BAD_FILES = {
    "zero.docx": b"",
    "truncated.docx": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "not-a-pdf.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 8,
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 64,
    "latin1.txt": "Résumé ¦ café, naïve façade ±° ".encode("latin-1") * 40,
    "wrong-namespace.xml": b'<collection xmlns="http://example.org/x"><record/></collection>',
    "no-symbol.xml": b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record></record></collection>',
    "broken.json": b"{not json",
    "not-a-decision.json": b'{"hello": "world"}',
    "no-title.html": b"<html><body><p>no heading here</p></body></html>",
}


def bad_corpus(root: Path) -> tuple[Path, Path]:
    """Writes one file of each bad kind to a folder beside the small real corpus, and returns
    (corpus, folder of bad files)."""
    corpus = small_corpus(root)
    bad = root.parent / "bad"
    shutil.rmtree(bad, ignore_errors=True)
    bad.mkdir(parents=True)
    for name, content in BAD_FILES.items():
        (bad / name).write_bytes(content)
    with zipfile.ZipFile(bad / "malformed-xml.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with zipfile.ZipFile(bad / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (120 * 1024 * 1024) + b"/>")
    (bad / "gb18030-is-fine.txt").write_bytes(SEED_TEXT.read_text("utf-8").encode("gb18030"))
    with (bad / "huge.txt").open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    return corpus, bad


@pytest.mark.slow
@pytest.mark.needs_shared
def test_bad_files_are_reported_by_name_and_nothing_good_is_lost(tmp_path: Path) -> None:
    corpus, bad = bad_corpus(tmp_path / "corpus")
    clean = build_index([small_corpus(tmp_path / "clean")], tmp_path / "clean-ix", workers=1)
    report = build_index([corpus, bad], tmp_path / "ix", workers=1)
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == set(BAD_FILES) | {"malformed-xml.docx", "bomb.docx", "huge.txt"}
    assert all(reason for reason in failed.values())
    # Every good file is there: the clean corpus, plus the GB18030 copy of the seed (a document of
    # its own, since the seed prints no symbol and is known by its file name).
    assert report.indexed == clean.indexed + 1
    assert report.documents == clean.documents + 1 and report.clauses == clean.clauses + 27


@pytest.fixture(scope="module")
def api_schema(seed_index: Path):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(seed_index))


OPERATIONS = [
    ("/search", "GET"),
    ("/facets", "GET"),
    ("/documents/{symbol}", "GET"),
    ("/documents/{symbol}/lineage", "GET"),
    ("/clauses/{symbol}/{number}/precedents", "GET"),
    ("/precedents", "POST"),
    ("/check", "POST"),
    ("/suggest", "GET"),
    ("/healthz", "GET"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_api_fuzzing_never_gives_500_and_answers_match_the_schema(api_schema, path: str, method: str) -> None:  # type: ignore[no-untyped-def]
    """Schemathesis draws requests from our own /openapi.json (60 per route); every answer must be
    below 500 and match the documented response schema. (Schemathesis's pytest plugin does not
    run on pytest 9, so its strategies are driven by Hypothesis directly.)"""
    operation = api_schema[path][method]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call()
        assert response.status_code < 500, response.text
        # All of Schemathesis's checks but one: a schema cannot say that `q` must be a well-formed
        # query, so a syntax error's 400 is the documented answer, not a rejected valid request.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    check()


@pytest.mark.needs_shared
def test_the_service_keeps_answering_while_a_reindex_commits(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "ix", workers=1)
    client = TestClient(create_app(tmp_path / "ix"))
    before = client.get("/healthz").json()
    for path in sorted((CORPUS / "ga_res_80_en").glob("*.md"))[10:30]:
        shutil.copy(path, corpus / "80")
    indexing = threading.Thread(target=build_index, args=([corpus], tmp_path / "ix"), kwargs={"workers": 1})
    indexing.start()
    answered = 0
    while indexing.is_alive() or answered < 5:
        response = client.get("/search", params={"q": "decides", "per_page": 5})
        assert response.status_code == 200
        answered += 1
    indexing.join()
    after = client.get("/healthz").json()
    assert after["documents"] == before["documents"] + 20
    assert after["generation"] > before["generation"]
    assert client.get("/documents/A/RES/80/25").status_code == 200


@pytest.mark.slow
@pytest.mark.needs_shared
def test_twenty_sigkills_at_random_moments_never_break_the_index(tmp_path: Path) -> None:
    outcomes = kill_during_indexing(tmp_path, kills=20, seed=20)
    assert sum(outcomes.values()) == 20


BILLION_LAUGHS = (
    "---\n"
    + "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    + "symbol: A/RES/80/999\n---\n\nThe General Assembly,\n\n1. Decides to remain seized of the matter.\n"
)


@pytest.mark.needs_shared
def test_every_per_document_failure_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    """Names that are not UTF-8, numbers the index cannot hold, YAML aliases, symbolic links."""
    corpus = small_corpus(tmp_path / "corpus")
    bad = corpus / "bad"
    bad.mkdir()
    seed = SEED_TEXT.read_bytes()
    with open(os.fsencode(bad) + b"/\xff\xfe-name.txt", "wb") as stream:  # not UTF-8
        stream.write(seed)
    (bad / "huge-session.md").write_text("---\nsession: 99999999999\n---\n\n" + SEED_TEXT.read_text("utf-8"))
    decision = {
        "ED_DecisionNumber": "73/999",
        "ED_Title": "A decision",
        "ED_Session": "99999999999",
        "ED_DecisionText": "At its 1st plenary meeting, the General Assembly decided.",
    }
    (bad / "huge-decision.json").write_text(json.dumps(decision))
    (bad / "laughs.md").write_text(BILLION_LAUGHS)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(seed)
    (bad / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (bad / "loop").symlink_to(bad)
    (bad / "to-outside.txt").symlink_to(outside)
    clean = build_index([small_corpus(tmp_path / "clean")], tmp_path / "clean-ix", workers=1)

    started = time.perf_counter()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert time.perf_counter() - started < 60  # the aliases were not expanded
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert failed.keys() == {
        "\\xff\\xfe-name.txt",
        "huge-session.md",
        "huge-decision.json",
        "laughs.md",
        "dangling.txt",
        "to-outside.txt",
    }, failed
    assert "not valid UTF-8" in failed["\\xff\\xfe-name.txt"]
    assert "out of range" in failed["huge-session.md"] and "out of range" in failed["huge-decision.json"]
    assert "aliases" in failed["laughs.md"] and "broken symbolic link" in failed["dangling.txt"]
    assert "outside the folders" in failed["to-outside.txt"] and "--follow-links" in failed["to-outside.txt"]
    assert (report.documents, report.clauses) == (clean.documents, clean.clauses)

    followed = build_index([corpus], tmp_path / "ix", workers=1, follow_links=True)
    assert "to-outside.txt" not in {Path(f.path).name for f in followed.failed}
    assert followed.documents == clean.documents + 1
    sources = {Path(d["source"]).name for d in _stored_documents(tmp_path / "ix")}
    assert "to-outside.txt" in sources and "outside.txt" not in sources  # reported under the link's name


def _stored_documents(index_dir: Path) -> list[dict]:  # type: ignore[type-arg]
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir), "MAIN").searcher() as searcher:
        return [dict(fields) for fields in searcher.documents(level="document")]


@pytest.mark.slow
def test_workers_exit_when_the_indexer_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for number in range(300):  # enough files for workers, and for them to be busy a while
        folder = corpus / str(number % 10)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"seed-{number}.txt").write_text(SEED_TEXT.read_text("utf-8") + f"\n{number}. 第{number}段。\n")
    command = [sys.executable, "-m", "search_api.cli.main", "index", str(corpus), "--index", str(tmp_path / "ix")]
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    children: list[int] = []
    while len(children) < 2 and time.monotonic() < deadline:
        children = [int(pid) for pid in _children(process.pid) if "resource_tracker" not in _cmdline(int(pid))]
        time.sleep(0.1)
    assert len(children) >= 2, "no workers started"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]


def _children(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return found.stdout.split()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"

"""`ga-search fetch` against a loopback imitation of ODS (tests/ods_imitation.py), with DOCX and PDF
files made from the real texts in seeds/, through the real client, store, readers and index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.fetch import store
from indexer.fetch.ods import OdsClient, incomplete, sniff
from indexer.fetch.run import FetchUsageError, parse_languages, read_symbol_file, run_fetch
from indexer.files import file_hash
from indexer.readers import read_document
from indexer.structure import parse_text
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.conftest import ROOT, SEED_TEXT, SEEDS
from tests.documents import SEED_HEADER, cjk_font, docx_bytes, pdf_bytes
from tests.ods_imitation import OdsImitation, serve

# The seed draft's text does not print its symbol; the imitation serves it under this one, which
# the test chooses (it is not the document's real symbol, which we do not know).
SEED_SYMBOL = "A/73/L.999"
RES_80_20 = SEEDS / "ga_res_80_en" / "A_RES_80_20.md"


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return docx_bytes(SEED_HEADER, parse_text(SEED_TEXT.read_text("utf-8"), SEED_TEXT))


@pytest.fixture(scope="module")
def res_80_20_docx() -> bytes:
    """The real English text of A/RES/80/20 (front matter off), header lines and all, as DOCX."""
    resolution = read_document(RES_80_20)
    body = RES_80_20.read_text("utf-8").split("---", 2)[2]
    header = tuple(line.strip() for line in body.split("The General Assembly,")[0].splitlines() if line.strip())
    return docx_bytes(header, resolution, "The General Assembly,")


CLIENTS: list[OdsClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while CLIENTS:
        CLIENTS.pop().close()


def client_for(
    ods: OdsImitation | str, waits: list[float] | None = None, retries: int = 3, deadline: float = 120.0
) -> OdsClient:
    """A client with no pacing, whose backoff waits are recorded instead of slept (closed after
    the test); `ods` is the imitation or a URL."""
    sleep = waits.append if waits is not None else (lambda seconds: None)
    url = ods if isinstance(ods, str) else ods.url
    CLIENTS.append(OdsClient(url, delay=0, retries=retries, backoff=0.5, deadline=deadline, sleep=sleep))
    return CLIENTS[-1]


def test_uppercase_location_is_fetched_at_its_lowercase_path_with_metadata(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
        uppercase = ods.path_of(SEED_SYMBOL, "zh", "docx")
        assert ods.requests_for(uppercase.lower()) == 1 and ods.requests_for(uppercase) == 0
    assert report.complete and report.count("fetched") == 1
    path = tmp_path / "A_73_L.999-ZH.docx"
    assert path.read_bytes() == seed_docx
    meta = json.loads((tmp_path / "A_73_L.999-ZH.meta.json").read_text("utf-8"))
    assert meta["symbol"] == SEED_SYMBOL and meta["language"] == "zh" and meta["format"] == "docx"
    assert meta["sha256"] == file_hash(path)
    assert meta["source_url"].endswith(uppercase.lower()) and meta["fetched_at"]


@pytest.mark.parametrize("unknown_as_page", [False, True], ids=["404", "200-app-page"])
def test_an_unknown_symbol_is_missing_and_nothing_is_saved(tmp_path: Path, unknown_as_page: bool) -> None:
    ods = OdsImitation(unknown_as_page=unknown_as_page)
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=["A/RES/73/9999"], languages=("zh", "en"))
    assert [o.status for o in report.outcomes] == ["missing", "missing"]
    assert not report.complete  # asked for and not fetched: exit status 1
    assert "web page" in report.outcomes[0].reason if unknown_as_page else "404" in report.outcomes[0].reason
    assert list(tmp_path.iterdir()) == []


def test_the_uppercase_path_gives_the_app_page_which_is_never_a_document() -> None:
    from tests.ods_imitation import APP_PAGE

    assert sniff(APP_PAGE) == "html"
    assert sniff(b"%PDF-1.7\n") == "pdf" and sniff(bytes.fromhex("D0CF11E0A1B11AE1")) == "doc"
    assert sniff(b"\xffWPC\x10") == "wordperfect"


def test_429_with_retry_after_and_503_are_retried(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    ods.fault(SEED_SYMBOL, "429", "503")
    waits: list[float] = []
    with serve(ods):
        report = run_fetch(client_for(ods, waits), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
        access = ods.requests_for("/api/symbol/access")
    assert report.count("fetched") == 1 and access == 3
    assert waits[0] == 1.0  # the server's Retry-After, not our backoff
    assert waits[1] == 0.5 * 2  # then exponential backoff (second attempt)


def test_persistent_5xx_is_failed_after_a_bounded_number_of_tries(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "pdf", b"unused")
    ods.fault(SEED_SYMBOL, *["503"] * 20)
    with serve(ods):
        report = run_fetch(client_for(ods, retries=2), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",), fmt="pdf")
        assert ods.requests_for("/api/symbol/access") == 3
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and "HTTP 503" in outcome.reason and "3 tries" in outcome.reason
    assert "api/symbol/access" in outcome.url and not report.complete


def test_a_redirect_to_error_is_retried_then_reported(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    ods.fault(SEED_SYMBOL, "error")
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
    assert report.count("fetched") == 1  # once, then the document
    ods.fault(SEED_SYMBOL, *["error"] * 10)
    with serve(ods):
        report = run_fetch(client_for(ods, retries=1), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",), refresh=True)
    assert "/error" in report.outcomes[0].reason


def test_a_connection_dropped_mid_body_is_retried_and_never_saved_truncated(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    ods.fault(SEED_SYMBOL, "drop")
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
    assert report.count("fetched") == 1
    assert (tmp_path / "A_73_L.999-ZH.docx").read_bytes() == seed_docx


def test_truncated_bodies_are_recognised() -> None:
    pdf = pdf_bytes("Resolution 55/100")
    assert incomplete(pdf, "pdf") is None and "truncated" in str(incomplete(pdf[: len(pdf) // 2], "pdf"))


def english_80_20_pdf() -> bytes:
    """The real text of A/RES/80/20 (seeds/), front matter off, as a PDF."""
    return pdf_bytes(RES_80_20.read_text("utf-8").split("---", 2)[2])


def test_word97_for_docx_falls_back_to_pdf(tmp_path: Path) -> None:
    ods = OdsImitation()
    ods.add("A/RES/80/20", "en", "pdf", english_80_20_pdf())
    ods.fault("A/RES/80/20", "word97")
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=["A/RES/80/20"], languages=("en",))
    (outcome,) = report.outcomes
    assert outcome.status == "fetched" and outcome.format == "pdf"
    assert read_document(Path(outcome.path)).symbol == "A/RES/80/20"
    assert not list(tmp_path.glob("*.docx"))
    ods.fault("A/RES/80/20", "word97")
    with serve(ods):  # DOCX only: not fetched, and the summary says why
        report = run_fetch(client_for(ods), tmp_path / "docx", symbols=["A/RES/80/20"], languages=("en",), fmt="docx")
    assert report.outcomes[0].status == "missing" and "Word 97" in report.outcomes[0].reason


def test_a_rerun_makes_no_request_for_files_present_whole(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    with serve(ods):
        run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
        before = len(ods.requests)
        again = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
        assert len(ods.requests) == before and again.count("present") == 1
        (tmp_path / "A_73_L.999-ZH.docx").write_bytes(seed_docx[:100])  # damaged: fetched again
        third = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
    assert third.count("fetched") == 1 and (tmp_path / "A_73_L.999-ZH.docx").read_bytes() == seed_docx


def test_a_session_walk_stops_after_five_symbols_found_in_no_language(tmp_path: Path) -> None:
    ods = OdsImitation()
    pdf = pdf_bytes("test file")
    for number in (1, 2, 3, 5):  # 4 is a gap, not the end
        ods.add(f"A/RES/80/{number}", "en", "pdf", pdf)
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, session=80, languages=("en",), fmt="pdf", workers=2)
    fetched = sorted(o.symbol for o in report.outcomes if o.status == "fetched")
    assert fetched == ["A/RES/80/1", "A/RES/80/2", "A/RES/80/3", "A/RES/80/5"]
    asked = {o.symbol for o in report.outcomes}
    assert {f"A/RES/80/{n}" for n in range(6, 11)} <= asked  # five misses after the last hit...
    assert max(int(s.rsplit("/", 1)[1]) for s in asked) <= 10 + 3  # ...and only the look-ahead past them
    assert report.complete  # the misses that end a walk are not failures


def test_with_drafts_fetches_what_the_header_names(tmp_path: Path, res_80_20_docx: bytes) -> None:
    ods = OdsImitation()
    ods.add("A/RES/80/20", "en", "docx", res_80_20_docx)  # its header: [on the report of ... (A/80/534, para. 7)]
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=["A/RES/80/20"], languages=("en",), with_drafts=True)
        assert ods.requests_for("s=A%2F80%2F534") >= 1
    assert [(o.symbol, o.status) for o in report.outcomes] == [("A/RES/80/20", "fetched"), ("A/80/534", "missing")]


def test_languages_and_symbol_files_are_checked(tmp_path: Path) -> None:
    assert parse_languages("ZH, en,zh") == ("zh", "en")
    with pytest.raises(FetchUsageError, match="official languages"):
        parse_languages("zh,de")
    listing = tmp_path / "symbols.txt"
    listing.write_text("# session 73\nA/RES/73/12\n\nA/73/L.35/Add.1  # a sponsor list\n", "utf-8")
    assert read_symbol_file(listing) == ["A/RES/73/12", "A/73/L.35/Add.1"]
    listing.write_text("not a symbol\n", "utf-8")
    with pytest.raises(FetchUsageError, match="not a UN document symbol"):
        read_symbol_file(listing)


# --- the command, end to end --------------------------------------------------------------------------
def ga_search(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_fetch_index_search_by_symbol_language_session_and_sponsor(tmp_path: Path, seed_docx: bytes) -> None:
    """Fetch with --index: fetched, indexed, found by symbol, language, session and sponsor."""
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "docx", seed_docx)
    ods.add("A/RES/80/20", "en", "pdf", english_80_20_pdf())
    with serve(ods):
        done = ga_search(
            "fetch", SEED_SYMBOL, "A/RES/80/20", "--lang", "zh,en", "--into", str(tmp_path / "documents"),
            "--index", str(tmp_path / "index"), "--delay", "0", env={"GA_SEARCH_ODS_URL": ods.url},
        )  # fmt: skip
    # The seed exists only in Chinese and 80/20 only in English here: two missing, so status 1.
    assert done.returncode == 1, done.stderr
    assert "fetched" in done.stdout and "Traceback" not in done.stderr
    engine = SearchEngine(tmp_path / "index")
    draft = engine.document(f"zh:{SEED_SYMBOL}")
    assert (draft.symbol, draft.language, draft.session) == (SEED_SYMBOL, "zh", 73)
    assert draft.sponsors == ["Belarus", "Kazakhstan"]
    found = engine.search(SearchRequest(q="集体安全条约组织", session=(73,), sponsor=("Kazakhstan",), language=("zh",)))
    assert found.total > 0 and {hit.symbol for hit in found.hits} == {SEED_SYMBOL}
    resolution = engine.document("en:A/RES/80/20")
    assert resolution.session == 80 and resolution.origin == ["A/80/534"]
    assert [c.number for c in resolution.clauses][-7:] == [str(n) for n in range(1, 8)]


def test_a_chinese_pdf_is_fetched_and_read(tmp_path: Path) -> None:
    font = cjk_font()
    if font is None:
        pytest.skip("a CJK font is needed for a Chinese PDF: apt-get install fonts-wqy-zenhei")
    ods = OdsImitation()
    ods.add(SEED_SYMBOL, "zh", "pdf", pdf_bytes(SEED_TEXT.read_text("utf-8"), font))
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
    (outcome,) = report.outcomes
    assert outcome.status == "fetched" and outcome.format == "pdf"  # no DOCX: the PDF
    resolution = read_document(Path(outcome.path))
    assert (resolution.symbol, resolution.language) == (SEED_SYMBOL, "zh")
    assert resolution.sponsors == ("Belarus", "Kazakhstan")


def test_fetch_exit_status_and_messages(tmp_path: Path) -> None:
    ods = OdsImitation()
    ods.add("A/RES/73/8", "zh", "pdf", b"%PDF-1.4\n%%EOF\n")
    ods.fault("A/RES/73/8", *["429"] * 12)  # ODS refusing: 429, Retry-After 1 s, every time
    with serve(ods):
        missing = ga_search("fetch", "A/RES/73/9999", "--into", str(tmp_path), "--delay", "0", "--ods-url", ods.url)
        refused = ga_search(
            "fetch", "A/RES/73/8", "--lang", "zh", "--format", "pdf", "--into", str(tmp_path), "--delay", "0",
            "--ods-url", ods.url,
        )  # fmt: skip
    assert missing.returncode == 1 and "Not fetched" in missing.stdout and "A/RES/73/9999" in missing.stdout
    assert "When ODS refuses" not in missing.stdout  # a 404 is no refusal
    assert "Traceback" not in missing.stderr
    assert refused.returncode == 1 and "When ODS refuses" in refused.stdout
    # The URL to open by hand, whole on one line, and the name to save the file as.
    assert "/api/symbol/access?s=A%2FRES%2F73%2F8&l=zh&t=pdf  ->  " in refused.stdout
    assert "A_RES_73_8-ZH.pdf" in refused.stdout
    assert "failed: A/RES/73/8 zh:" in refused.stderr  # said as it happened
    bad = ga_search("fetch", "A/RES/73/1", "--lang", "de", "--into", str(tmp_path))
    assert bad.returncode == 2 and "official languages" in bad.stderr
    nothing = ga_search("fetch", "--into", str(tmp_path))
    assert nothing.returncode == 2 and "--session" in nothing.stderr


@pytest.mark.slow
def test_kill_9_during_a_fetch_leaves_no_partial_file_and_a_rerun_completes(tmp_path: Path, seed_docx: bytes) -> None:
    ods = OdsImitation()
    symbols = [f"A/73/L.{n}" for n in range(901, 905)]
    for symbol in symbols:
        ods.add(symbol, "zh", "docx", seed_docx)
        ods.fault(symbol, "slow")  # ~2 s a file, so the kill lands mid-body
    folder = tmp_path / "documents"
    with serve(ods):
        process = subprocess.Popen(
            [sys.executable, "-m", "search_api.cli.main", "fetch", *symbols, "--lang", "zh", "--into", str(folder),
             "--delay", "0", "--workers", "2", "--ods-url", ods.url],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not list(folder.glob("*.meta.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in folder.glob("*.docx"):  # whatever is there is whole
            assert path.read_bytes() == seed_docx
        kept = {path.name for path in folder.glob("*.meta.json")}
        assert 1 <= len(kept) < len(symbols)
        before = len(ods.requests)
        again = ("fetch", *symbols, "--lang", "zh", "--into", str(folder), "--delay", "0", "--ods-url", ods.url)
        rerun = ga_search(*again)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        asked_again = ods.requests[before:]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"A_73_L.{n}-ZH.docx" for n in range(901, 905)] + [f"A_73_L.{n}-ZH.meta.json" for n in range(901, 905)]
    )
    for path in folder.glob("*.docx"):
        assert path.read_bytes() == seed_docx
    present = {name.split("-")[0].replace("_", "/") for name in kept}
    assert not [r for r in asked_again if any(s.replace("/", "%2F") in r for s in present)]


def test_a_write_interrupted_before_its_rename_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt  # Ctrl-C between writing and renaming

    import indexer.files

    monkeypatch.setattr(indexer.files.os, "replace", interrupted)  # the one atomic writer
    with pytest.raises(KeyboardInterrupt):
        store.save(tmp_path, SEED_SYMBOL, "zh", b"PK\x03\x04 whole", "docx", "http://ods/x")
    assert list(tmp_path.iterdir()) == []  # neither the document nor a temporary file


def test_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    leftover = tmp_path / ".A_73_L.999-ZH.docx.x1y2.part"
    leftover.write_bytes(b"PK\x03\x04 half")
    ods = OdsImitation()
    with serve(ods):
        report = run_fetch(client_for(ods), tmp_path, symbols=[SEED_SYMBOL], languages=("zh",))
    assert report.leftovers_removed == 1 and not leftover.exists()


@pytest.mark.slow
def test_kill_9_during_fetch_index_leaves_the_index_at_its_last_commit(tmp_path: Path, seed_docx: bytes) -> None:
    """`fetch --index` killed while it fetches or indexes: the index answers from its last commit
    (or the new one), never a half-written one, and a rerun completes it."""
    index_dir = tmp_path / "index"
    subprocess.run(
        [sys.executable, "-m", "search_api.cli", "index", str(SEEDS), "--index", str(index_dir)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    before = SearchEngine(index_dir).search(SearchRequest(level="document", per_page=0)).total
    ods = OdsImitation()
    symbols = [f"A/73/L.{n}" for n in range(911, 915)]
    for symbol in symbols:
        ods.add(symbol, "zh", "docx", seed_docx)
    folder = tmp_path / "documents"
    command = [sys.executable, "-m", "search_api.cli", "fetch", *symbols, "--lang", "zh", "--into", str(folder),
               "--delay", "0", "--ods-url", "", "--index", str(index_dir)]  # fmt: skip
    with serve(ods):
        command[command.index("--ods-url") + 1] = ods.url
        for pause in (0.3, 1.0, 2.5):  # while fetching, while indexing, or after the commit
            process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(pause)
            process.send_signal(signal.SIGKILL)
            process.wait()
            total = SearchEngine(index_dir).search(SearchRequest(level="document", per_page=0)).total
            assert before <= total <= before + len(symbols)
        rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    engine = SearchEngine(index_dir)
    assert engine.search(SearchRequest(level="document", per_page=0)).total == before + len(symbols)

"""The researcher's workbench (issue 27): official links, the list of what is indexed, exports of
every hit, citations read back by real RIS and BibTeX parsers, an Atom feed read by feedparser,
and counts by session or year."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import feedparser
import pytest
import rispy
from starlette.testclient import TestClient
from typer.testing import CliRunner

from indexer.writer import build_index
from search_api.cli.main import app
from search_api.features.export import COLUMNS
from search_api.http.app import create_app
from tests.conftest import SEEDS

# A text made for these tests (not a UN text): a draft citing a seed resolution and one not indexed.
CITING_DRAFT = """Draft resolution made for a ga-search test (not a United Nations text)

The General Assembly,

Recalling its resolutions 80/20 of 1 December 2025 and 69/32 of 2 December 2014,

1. Decides to remain seized of the matter.
"""


@pytest.fixture(scope="module")
def client(seed_index: Path) -> TestClient:
    return TestClient(create_app(seed_index), raise_server_exceptions=False)


def _all_pages(client: TestClient, **params: object) -> list[tuple[str, str]]:
    """Every hit of a search, page by page through GET /search: (doc_id, clause number)."""
    found: list[tuple[str, str]] = []
    page = 1
    while True:
        body = client.get("/search", params={**params, "per_page": 100, "page": page}).json()
        found += [(hit["doc_id"], hit["clause"]["number"]) for hit in body["hits"]]
        if page * 100 >= body["total"]:
            return found
        page += 1


def test_a_document_links_to_its_official_versions_and_its_source(client: TestClient) -> None:
    body = client.get("/documents/A/RES/80/20").json()
    ods = body["links"]["ods"]
    assert sorted(ods) == ["ar", "en", "es", "fr", "ru", "zh"]
    for language, formats in ods.items():
        for fmt, url in formats.items():
            parts = urlsplit(url)
            asked = {k: v[0] for k, v in parse_qs(parts.query).items()}
            assert (parts.netloc, parts.path) == ("documents.un.org", "/api/symbol/access")
            assert asked == {"s": "A/RES/80/20", "l": language, "t": fmt}
    assert body["links"]["official"] == ods["en"]["pdf"]  # the document's own language
    assert parse_qs(urlsplit(body["links"]["digital_library"]).query)["p"] == ['191__a:"A/RES/80/20"']
    source = client.get(body["links"]["source"])
    assert source.status_code == 200
    assert source.content == (SEEDS / "ga_res_80_en" / "A_RES_80_20.md").read_bytes()


def test_a_citation_says_whether_the_index_holds_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS / "ga_res_80_en", corpus / "ga_res_80_en")
    (corpus / "test_citing_draft.txt").write_text(CITING_DRAFT, "utf-8")
    build_index([corpus], tmp_path / "index", workers=1)
    client = TestClient(create_app(tmp_path / "index"), raise_server_exceptions=False)
    body = client.get("/documents/test_citing_draft.txt").json()
    marks = {c["symbol"]: c for c in body["citation_links"]}
    assert marks["A/RES/80/20"]["indexed"] and marks["A/RES/80/20"]["doc_id"] == "en:A/RES/80/20"
    assert not marks["A/RES/69/32"]["indexed"] and marks["A/RES/69/32"]["doc_id"] is None
    assert parse_qs(urlsplit(marks["A/RES/69/32"]["url"]).query)["s"] == ["A/RES/69/32"]
    shown = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["show", "test_citing_draft.txt", "--index", str(tmp_path / "index")]
    )
    assert "A/RES/69/32 (not in this index)" in shown.output and "A/RES/80/20 (not" not in shown.output


def test_documents_lists_everything_indexed_sorted_and_paged(client: TestClient) -> None:
    health = client.get("/healthz").json()
    first = client.get("/documents", params={"per_page": 2}).json()
    second = client.get("/documents", params={"per_page": 2, "page": 2}).json()
    everything = client.get("/documents", params={"per_page": 100}).json()
    assert everything["total"] == first["total"] == health["documents"]
    ids = [d["doc_id"] for d in everything["documents"]]
    assert [d["doc_id"] for d in first["documents"] + second["documents"]] == ids[:4]
    assert len(set(ids)) == len(ids) == min(100, health["documents"])
    resolutions = client.get("/documents", params={"kind": "resolution", "per_page": 100}).json()["documents"]
    symbols = list(dict.fromkeys(d["symbol"] for d in resolutions))
    # Natural order: numbers as numbers (80/9 before 80/20, session 80 before 217), not as text.
    of_80 = [int(s.rsplit("/", 1)[1]) for s in symbols if s.startswith("A/RES/80/")]
    assert len(of_80) >= 2 and of_80 == sorted(of_80)
    assert symbols.index("A/RES/80/21") < symbols.index("A/RES/217(III)")
    by_date = client.get("/documents", params={"sort": "date", "per_page": 100}).json()["documents"]
    dates = [d["date"] for d in by_date if d["date"]]
    assert dates == sorted(dates, reverse=True)
    only_80 = client.get("/documents", params={"session": 80, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(only_80.text)))
    assert rows and {row["session"] for row in rows} == {"80"}
    assert {"symbol", "title", "date", "language", "url"} <= set(rows[0])


def test_an_export_gives_every_hit_with_its_columns(client: TestClient) -> None:
    pages = _all_pages(client, q="")  # every clause: over one page's 100
    assert len(pages) > 100
    exported = client.get("/search.csv", params={"q": ""})
    assert exported.status_code == 200 and exported.headers["x-total-hits"] == str(len(pages))
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert tuple(rows[0]) == COLUMNS
    assert [(row["doc_id"], row["clause"]) for row in rows] == pages
    lines = client.get("/search.jsonl", params={"q": ""}).text.splitlines()
    assert [(r["doc_id"], r["clause"]) for r in map(json.loads, lines)] == pages
    one = next(json.loads(line) for line in lines if json.loads(line)["symbol"] == "A/RES/80/20")
    assert one["title"] and one["date"] == "2025-12-01" and one["language"] == "en" and one["text"]
    assert len(client.get("/search.jsonl", params={"q": "", "limit": 5}).text.splitlines()) == 5
    refused = client.get("/search.csv", params={"limit": 100_001})
    assert refused.status_code == 400 and refused.json()["error"]["parameter"] == "limit"


def test_a_second_export_at_once_is_told_to_retry(seed_index: Path) -> None:
    """One export a process at a time: a second one gets 503 with Retry-After, not a stall."""
    served = create_app(seed_index)
    client = TestClient(served, raise_server_exceptions=False)
    engine = served.state.engine
    entered, release = threading.Event(), threading.Event()
    exporting = engine.export

    def held_export(*args: object, **kwargs: object) -> object:
        entered.set()
        release.wait()
        return exporting(*args, **kwargs)

    engine.export = held_export
    first: dict[str, int] = {}
    worker = threading.Thread(target=lambda: first.update(status=client.get("/search.csv").status_code))
    worker.start()
    assert entered.wait(60)
    second = client.get("/search.jsonl")
    release.set()
    worker.join()
    assert second.status_code == 503 and second.headers["retry-after"] and second.json()["error"]["code"] == "busy"
    assert first["status"] == 200


def test_cli_search_all_writes_every_hit(seed_index: Path) -> None:
    result = CliRunner().invoke(app, ["search", "--all", "--format", "jsonl", "--index", str(seed_index)])
    rows = [json.loads(line) for line in result.output.splitlines()]
    total = json.loads(CliRunner().invoke(app, ["search", "--json", "--index", str(seed_index)]).output)["total"]
    assert result.exit_code == 0 and len(rows) == total > 100


def test_a_citation_imports_into_real_parsers(client: TestClient, seed_index: Path) -> None:
    ris = client.get("/documents/A/RES/80/20/cite", params={"format": "ris"})
    entry = rispy.loads(ris.text)[0]
    assert entry["type_of_reference"] == "GOVDOC" and entry["title"] == "No first placement of weapons in outer space"
    assert entry["authors"] == ["United Nations General Assembly"] and entry["year"] == "2025"
    bib = bibtexparser.loads(client.get("/documents/A/RES/80/20/cite", params={"format": "bibtex"}).text).entries[0]
    assert bib["number"] == "A/RES/80/20" and bib["year"] == "2025"
    assert bib["title"].strip("{}") == "No first placement of weapons in outer space"
    assert bib["author"] == "{United Nations General Assembly}"  # one body, not a person's names
    csl = client.get("/documents/A/RES/80/20/cite", params={"format": "csl"}).json()[0]
    assert csl["issued"] == {"date-parts": [[2025, 12, 1]]} and csl["number"] == "A/RES/80/20"
    cli = CliRunner().invoke(
        app, ["cite", "A/RES/80/20", "--format", "bibtex", "--index", str(client.app.state.engine.index_dir)]
    )  # type: ignore[attr-defined]
    assert bibtexparser.loads(cli.output).entries[0]["number"] == "A/RES/80/20"
    assert client.get("/documents/A/RES/80/20/cite", params={"format": "xx"}).status_code == 400
    assert client.get("/documents/A/RES/1/999/cite").status_code == 404


def test_the_feed_lists_the_newest_matching_resolutions_first(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/search.atom", params={"q": "outer space"}).content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert any(title.startswith("A/RES/80/20:") for title in titles)
    updated = [entry.updated for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert all("documents.un.org" in entry.link for entry in feed.entries)


def test_a_trend_counts_what_a_search_finds_session_by_session(client: TestClient, seed_index: Path) -> None:
    body = client.get("/trend", params=[("q", "outer space"), ("q", "维持和平")]).json()
    assert [s["query"] for s in body["series"]] == ["outer space", "维持和平"]
    for series in body["series"]:
        total = client.get("/search", params={"q": series["query"], "per_page": 0}).json()["total"]
        assert series["clauses"] == total == sum(p["clauses"] for p in series["points"])
        sessions = [p["value"] for p in series["points"]]
        assert sessions == sorted(sessions)
        for point in series["points"]:
            found = client.get("/search", params={"q": series["query"], "session": point["value"], "per_page": 0})
            assert found.json()["total"] == point["clauses"]
    assert body["series"][1]["points"][0]["value"] == 73
    by_year = client.get("/trend", params={"q": "outer space", "by": "year"}).json()
    years = by_year["series"][0]["points"]
    assert 2025 in [p["value"] for p in years]
    for point in years:
        one_year = {"q": "outer space", "year_from": point["value"], "year_to": point["value"], "per_page": 0}
        assert client.get("/search", params=one_year).json()["total"] == point["clauses"]
    assert client.get("/trend", params={"by": "decade"}).status_code == 400
    assert client.get("/trend", params=[("q", str(n)) for n in range(6)]).status_code == 400
    drawn = CliRunner().invoke(app, ["trend", "维持和平", "--index", str(seed_index)])
    assert drawn.exit_code == 0 and "73 █" in drawn.output


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """`ga-search` in a new process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "search_api.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_command_line_as_people_expect(seed_index: Path) -> None:
    version = _cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("ga-search ")
    for name in ("search", "show", "list", "cite", "trend", "fetch", "check", "index"):
        shown = _cli(name, "--help").stdout
        assert "Example" in shown and "<str>" not in shown and "<list" not in shown and "<bool>" not in shown, name
    assert "--install-completion" in _cli("--help").stdout
    # `show 80/20` as `search` takes it; verb labels follow --lang as the facets do.
    assert "A/RES/80/20" in _cli("show", "80/20", "--index", str(seed_index)).stdout
    english = _cli("search", "peace", "--language", "en", "--lang", "en", "--index", str(seed_index)).stdout
    chinese = _cli("search", "peace", "--language", "en", "--lang", "zh", "--index", str(seed_index)).stdout
    assert "recognize" in english and "认识到" not in english and "认识到" in chinese
    # fetch's --kind speaks search's words.
    refused = _cli("fetch", "--session", "80", "--kind", "bogus", "--into", str(seed_index.parent / "none"))
    assert refused.returncode == 2 and "'draft resolution'" in refused.stderr


def test_a_closed_pipe_ends_the_command_quietly(seed_index: Path) -> None:
    """`ga-search search --all ... | head -1`: more output than a pipe holds, a reader that stops."""
    for args in (["search", "--all", "--format", "jsonl"], ["search", "--limit", "100"]):
        with subprocess.Popen(
            [sys.executable, "-m", "search_api.cli", *args, "--index", str(seed_index)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout and process.stderr
            process.stdout.readline()
            process.stdout.close()
            status = process.wait(timeout=300)
            errors = process.stderr.read().decode()
        assert status == 0 and "Traceback" not in errors and "Error" not in errors, (args, status, errors)


def test_a_document_its_precedents_and_its_lineage_as_csv(client: TestClient, seed_index: Path) -> None:
    def rows(text: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(text)))

    view = client.get("/documents/A/RES/80/20").json()
    table = rows(client.get("/documents/A/RES/80/20", params={"format": "csv"}).text)
    assert [(r["clause"], r["text"]) for r in table] == [(c["number"], c["text"]) for c in view["clauses"]]
    found = client.get("/clauses/A/RES/80/21/P9/precedents", params={"include_later": "true"}).json()["precedents"]
    listed = rows(
        client.get("/clauses/A/RES/80/21/P9/precedents", params={"include_later": "true", "format": "csv"}).text
    )
    assert [(r["doc_id"], r["clause"]) for r in listed] == [(p["doc_id"], p["clause"]["number"]) for p in found]
    assert listed and listed[0]["symbol"] == "A/RES/80/20"
    steps = client.get("/documents/A/RES/80/20/lineage").json()["steps"]
    lineage = rows(client.get("/documents/A/RES/80/20/lineage", params={"format": "csv"}).text)
    assert [s["symbol"] for s in steps] == list(dict.fromkeys(r["symbol"] for r in lineage))
    for name, args in (("show", ["show", "80/20"]), ("lineage", ["lineage", "A/RES/80/20"])):
        printed = _cli(*args, "--format", "csv", "--index", str(seed_index))
        assert printed.returncode == 0 and rows(printed.stdout), name
    assert rows(_cli("show", "80/20", "--format", "csv", "--index", str(seed_index)).stdout) == table


def test_indexing_off_a_terminal_says_how_far_it_got(tmp_path: Path) -> None:
    done = _cli("index", str(SEEDS), "--index", str(tmp_path / "index"), "--workers", "1")
    assert done.returncode == 0 and re.search(r"indexing: \d+ of 5 files", done.stderr), done.stderr

"""Every example in the README runs: the `ga-search` command lines on the index of seeds/ (what
`./scripts/run` builds), the `fetch` lines against the loopback imitation of ODS, the `curl` lines
against the service. (`./scripts/run` and `./scripts/test` themselves are what CI and a new user
run; they are not run from here.)"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from indexer.writer import build_index
from search_api.http.app import create_app
from tests.conftest import CORPUS, ROOT, SEEDS, corpus_file
from tests.documents import cjk_font, docx_bytes, pdf_bytes
from tests.ods_imitation import OdsImitation, serve

README = (ROOT / "README.md").read_text("utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)
LINES = [line.strip() for block in BLOCKS for line in block.splitlines() if line.strip()]
COMMANDS = [line for line in LINES if line.startswith(".venv/bin/ga-search")]
CURLS = [line for line in LINES if line.startswith("curl ")]


def words(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def ga_search(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("seeds-index")
    report = build_index([SEEDS], index_dir, workers=1)
    assert not report.failed and report.documents == 5
    return index_dir


def test_the_readme_has_examples_of_each_kind() -> None:
    commands = {words(line)[1] for line in COMMANDS}
    assert {"search", "show", "precedents", "lineage", "fetch", "check"} <= commands
    assert len(CURLS) >= 5


@pytest.mark.parametrize("line", [c for c in COMMANDS if words(c)[1] != "fetch"])
def test_each_command_example_runs_on_the_seeds_index(line: str, seeds_index: Path, tmp_path: Path) -> None:
    # `check` reads a file the example names from the checkout, as a user runs it there.
    done = ga_search([*words(line)[1:], "--index", str(seeds_index)], ROOT if words(line)[1] == "check" else tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() and "Traceback" not in done.stderr
    if words(line)[1] == "check":
        assert re.search(r"\b(?:agreed|edited|new)\b", done.stdout)
    if words(line)[1] == "precedents":
        assert "¶" in done.stdout and "no clause at similarity" not in done.stdout
    if words(line)[1] == "search":
        assert not re.search(r"\b0 hits\b|\"total\": 0\b", done.stdout)


def _imitation() -> OdsImitation:
    """ODS as the fetch examples need it: 55/100 in Chinese and English, the 80th session."""
    ods = OdsImitation()
    english = corpus_file("un_ga_55_100/UN.en-zh.en").read_text("utf-8")
    chinese = corpus_file("un_ga_55_100/UN.en-zh.zh").read_text("utf-8")
    font = cjk_font()
    if font is None:
        pytest.skip("a CJK font is needed for the Chinese PDF: apt-get install fonts-wqy-zenhei")
    ods.add("A/RES/55/100", "en", "pdf", pdf_bytes(english))
    ods.add("A/RES/55/100", "zh", "pdf", pdf_bytes(chinese, font))
    from indexer.readers import read_document

    for path in sorted((CORPUS / "ga_res_80_en").glob("*.md")):
        resolution = read_document(path)
        docx = docx_bytes(("Eightieth session",), resolution, "The General Assembly,")
        ods.add(str(resolution.symbol), "en", "docx", docx)
    return ods


@pytest.mark.slow  # every fetch example, each a subprocess (10 s)
def test_the_fetch_examples_run_against_the_imitation_of_ods(tmp_path: Path) -> None:
    (tmp_path / "symbols.txt").write_text("# the README's list\nA/RES/55/100\n", "utf-8")
    ods = _imitation()
    with serve(ods):
        for line in [c for c in COMMANDS if words(c)[1] == "fetch"]:
            done = ga_search([*words(line)[1:], "--delay", "0"], tmp_path, {"GA_SEARCH_ODS_URL": ods.url})
            assert done.returncode == 0, line + "\n" + done.stdout + done.stderr
            assert "Traceback" not in done.stderr
    documents = tmp_path / "documents"
    assert (documents / "A_RES_55_100-ZH.pdf").exists() and (documents / "A_RES_55_100-EN.pdf").exists()
    served_80 = len(list((CORPUS / "ga_res_80_en").glob("*.md")))
    assert len(list(documents.glob("A_RES_80_*-EN.docx"))) == served_80
    # The first example also indexed what it fetched: found by symbol, language, session, sponsor.
    client = TestClient(create_app(tmp_path / "index"))
    found = client.get("/search", params={"q": "家庭团聚", "language": "zh", "session": 55, "sponsor": "Cuba"})
    assert found.status_code == 200 and {h["symbol"] for h in found.json()["hits"]} == {"A/RES/55/100"}
    assert client.get("/documents/en:A/RES/55/100").json()["language"] == "en"


@pytest.mark.parametrize("line", CURLS)
def test_each_http_example_answers(line: str, seeds_index: Path) -> None:
    args = words(line)[1:]
    method = args[args.index("-X") + 1] if "-X" in args else "GET"
    body = args[args.index("-d") + 1] if "-d" in args else None
    url = next(arg for arg in args if arg.startswith("http"))
    client = TestClient(create_app(seeds_index))
    path = url.split("8000", 1)[1]
    response = client.request(method, path, content=body.encode() if body else None)
    assert response.status_code == 200, response.text
    if not response.headers["content-type"].startswith("application/json"):
        assert _rows_of(response.headers["content-type"], response.text), line
        return
    payload = response.json()
    assert payload
    if "precedents" in path:
        assert payload["precedents"], payload
    if path.startswith("/search"):
        assert payload["total"] > 0
        if "facets=" in path:
            assert set(payload["facets"]) == {"sponsor", "session"}
        if "parallel=" in path:  # each clause hit in the other language's words
            assert all(hit["clause"]["parallel"] for hit in payload["hits"])
    if path.startswith("/documents/") and not path.endswith("lineage"):
        assert payload["clauses"]
        if "parallel=" in path:
            assert all(clause["parallel"] for clause in payload["clauses"] if clause["type"] == "operative")
    json.dumps(payload)


@pytest.mark.e2e
def test_each_http_example_runs_with_curl_against_a_real_server(seeds_index: Path) -> None:
    """The README's curl lines as a user runs them: real curl (raw UTF-8 in the URL, as curl sends
    it) against `ga-search serve`, only the port changed."""
    import shutil

    from bench.loadgen import serve

    curl = shutil.which("curl")
    assert curl, "curl is missing: apt-get install curl (scripts/test does)"
    with serve(seeds_index) as (base, _):
        for line in CURLS:
            args = [arg.replace("http://127.0.0.1:8000", base) for arg in words(line)[1:]]
            done = subprocess.run(
                [curl, "-s", "-w", "\\n%{http_code}", *args], capture_output=True, timeout=60, check=False
            )
            body, _, status = done.stdout.decode("utf-8").rpartition("\n")
            assert status == "200", f"{line}: {status} {body[:200]}"
            assert json.loads(body) if body.lstrip().startswith(("{", "[")) else _rows_of(_kind_of(body), body), line


def _kind_of(body: str) -> str:
    """What a non-JSON answer is, from its first characters (curl -s prints no headers)."""
    if body.startswith("<?xml"):
        return "application/atom+xml"
    return "application/x-research-info-systems" if body.startswith("TY  -") else "text/csv"


def _rows_of(content_type: str, body: str) -> int:
    """How many entries a non-JSON answer holds, read by a real parser of its kind."""
    import csv
    import io

    import feedparser
    import rispy

    if "atom" in content_type:
        feed = feedparser.parse(body.encode("utf-8"))
        return 0 if feed.bozo else len(feed.entries)
    if "research-info" in content_type:
        return len(rispy.loads(body))
    return len(list(csv.DictReader(io.StringIO(body))))


def test_the_python_example_runs_where_the_index_is(seeds_index: Path, tmp_path: Path) -> None:
    """README's "From Python" block, run as a user runs it: in a folder whose `index` is the seeds'."""
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block, "README has no python example"
    (tmp_path / "index").symlink_to(seeds_index)
    done = subprocess.run(
        [sys.executable, "-c", block.group(1)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "documents.un.org/api/symbol/access?s=A%2FRES%2F80%2F20" in done.stdout and "(80, " in done.stdout

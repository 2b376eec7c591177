"""The ga-search command line through typer's CliRunner, on the index of the shipped seeds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from search_api.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_search_json_has_the_seed_with_session_agenda_and_sponsors(seed_index: Path) -> None:
    code, output = run("search", "集体安全条约组织", "--json", "--index", str(seed_index))
    assert code == 0
    body = json.loads(output)
    hit = body["hits"][0]
    assert hit["doc_id"] == "zh:000_b19792f0abdd90de"
    assert (hit["session"], hit["agenda_items"], hit["sponsors"]) == (
        73,
        ["128(t)"],
        ["Belarus", "Kazakhstan"],
    )


def test_search_with_sponsor_and_session_filters_prints_a_table(seed_index: Path) -> None:
    code, output = run("search", "维持和平", "--sponsor", "Kazakhstan", "--session", "73", "--index", str(seed_index))
    assert code == 0
    assert "3 hits" in output and "维持和平" in output
    # The seed prints no symbol: it is named by its title, not by its id (`zh:000_b19792f0abdd90de`).
    assert "联合国同集体" in output and "zh:000_" not in output
    code, output = run(
        "search", "维持和平", "--sponsor", "KAZ", "--session", "73", "--json", "--index", str(seed_index)
    )
    numbers = sorted(h["clause"]["number"] for h in json.loads(output)["hits"])
    assert numbers == ["2", "7", "P16"]


def test_search_csv(seed_index: Path) -> None:
    code, output = run("search", "维持和平", "--format", "csv", "--index", str(seed_index))
    rows = list(csv.DictReader(io.StringIO(output)))
    assert code == 0 and len(rows) == 3 and all("维持和平" in row["text"] for row in rows)


def test_bad_query_is_one_line_and_exit_1(seed_index: Path) -> None:
    code, output = run("search", '"unclosed', "--index", str(seed_index))
    assert code == 1 and "quotation mark" in output and "Traceback" not in output


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    code, output = run("search", "联合国", "--index", str(tmp_path / "none"))
    assert code == 1 and "ga-search index" in output


@pytest.mark.needs_shared
def test_show_prints_the_parsed_structure(seed_index: Path) -> None:
    code, output = run("show", "000_b19792f0abdd90de", "--index", str(seed_index))
    assert code == 0
    assert "128(t)" in output and "白俄罗斯" in output and "P18" in output and "A/RES/59/50" in output
    code, output = run("show", "000_b19792f0abdd90de", "--lang", "en", "--index", str(seed_index))
    assert code == 0 and "Belarus" in output and "白俄罗斯" not in output and "draft resolution" in output
    code, output = run("show", "A/RES/55/100", "--json", "--index", str(seed_index))
    assert json.loads(output)["sponsors"][0] == "Bolivia (Plurinational State of)"
    code, output = run("show", "A/RES/1/1", "--index", str(seed_index))
    assert code == 1 and "no document" in output


def test_analyze_prints_positions_and_offsets() -> None:
    code, output = run("analyze", "又提及大会 2004 年 12 月 2 日第 59/50 号决议", "--json")
    tokens = json.loads(output)
    assert code == 0
    date = next(t for t in tokens if t["token"] == "2004年12月2日")
    assert date["original"] == "2004 年 12 月 2 日"
    assert {"59/50", "59", "50"} <= {t["token"] for t in tokens}


@pytest.mark.parametrize("command", ["index", "search", "show", "analyze", "serve"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0 and "Example" in output


def test_help_names_each_options_kind_as_unix_tools_do() -> None:
    """`ga-search` as a user runs it (its own click command, not Typer's app): `--session INTEGER`."""
    import subprocess
    import sys

    def helped(*args: str) -> str:
        command = [sys.executable, "-m", "search_api.cli.main", *args, "--help"]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    shown = helped("search")
    for each in ("--session INTEGER", "--index PATH", "--sponsor TEXT", "--year-from INTEGER"):
        assert each in shown, each
    fetch = helped("fetch")
    assert "--delay NUMBER" in fetch and "--workers INTEGER" in fetch and "<" not in shown


def test_top_level_help() -> None:
    code, output = run("--help")
    assert code == 0 and all(c in output for c in ("index", "search", "show", "analyze", "serve"))


def test_precedents_command_by_clause_and_by_text(seed_index: Path) -> None:
    code, output = run("precedents", "--of", "A/RES/80/20", "--clause", "P9", "--json", "--index", str(seed_index))
    assert code == 0
    top = json.loads(output)["precedents"][0]
    assert (top["symbol"], top["similarity"]) == ("A/RES/80/21", 1.0)
    edited = "又提及大会 2004 年 12 月 2 日第 59/50 号决议，其中大会给予集体安全条约组织大会观察员地位，"
    code, output = run("precedents", edited, "--index", str(seed_index))
    assert code == 0
    # No terminal here: the diff is marked the way `git diff --word-diff` marks it.
    assert "[-授-]{+给+}" in output and "000_b19792f0abdd90de ¶P3" in output and "zh:000_" not in output


def test_precedents_command_needs_a_text_or_a_clause(seed_index: Path) -> None:
    code, output = run("precedents", "--index", str(seed_index))
    assert code == 2 and "give either a TEXT" in output
    code, output = run("precedents", "--of", "A/RES/80/20", "--clause", "P99", "--index", str(seed_index))
    assert code == 1 and "has no clause" in output


@pytest.mark.needs_shared
def test_lineage_command(seed_index: Path) -> None:
    code, output = run("lineage", "A/DEC/75/523", "--index", str(seed_index))
    assert code == 0
    assert "Question of Gibraltar" in output and "A/DEC/70/520" in output and "not in the index" in output
    assert "[-53rd-]" in output or "[-53rd -]" in output
    code, output = run("lineage", "A/DEC/75/523", "--json", "--index", str(seed_index))
    assert [s["session"] for s in json.loads(output)["steps"]] == list(range(70, 81))


def test_the_command_line_imports_no_heavy_library_before_a_command_needs_it() -> None:
    """`ga-search --help` took 1.5-2 s when datasketch (scipy), jieba and Whoosh were imported
    eagerly; each is now imported by the commands that use it."""
    import subprocess
    import sys

    heavy = ("scipy", "datasketch", "numpy", "whoosh.searching", "rjieba", "jieba", "opencc", "lxml", "pypdfium2")
    heavy += ("httpx", "starlette")
    probe = f"import sys, search_api.cli.main; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_one_shot_search_builds_no_rust_segmenter(seed_index: Path) -> None:
    """rjieba (0.26-0.31 s to import and build) is not built by a one-shot search, Chinese or not:
    the query and the shown hits are cut by the light build (analyzers/segmenter.py), and the
    hits and their highlights are those of a process that built rjieba first."""
    import subprocess
    import sys

    probe = (
        "import sys; from search_api.cli.main import main; from analyzers import segmenter\n"
        "if {warm}: segmenter.warm_up()\n"
        "sys.argv = ['ga-search', 'search', {q!r}, "
        f"'--limit', '5', '--json', '--index', {str(seed_index)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rjieba' in sys.modules, 'rapidfuzz' in sys.modules, 'pydantic' in sys.modules, file=sys.stderr)"
    )
    for query in ("peace", "维持和平", "联合国秘书处"):
        light, warm = (
            subprocess.run([sys.executable, "-c", probe.format(q=query, warm=w)], capture_output=True, text=True)
            for w in (False, True)
        )
        # Nor RapidFuzz (spelling suggestions, for a search that finds nothing), nor pydantic (Typer
        # 0.29 coerced every option through it: 0.08 s of a one-shot search; pinned to 0.28).
        assert light.stderr.strip().splitlines()[-1] == "False False False", (query, light.stderr[-500:])
        assert warm.stderr.strip().splitlines()[-1] == "True False False", (query, warm.stderr[-500:])
        hits = json.loads(light.stdout)["hits"]
        assert hits and hits == json.loads(warm.stdout)["hits"], query


@pytest.mark.needs_shared
def test_show_prints_every_clause_whole_in_a_narrow_terminal(seed_index: Path) -> None:
    narrow = CliRunner(env={"COLUMNS": "80"})
    result = narrow.invoke(app, ["show", "A/RES/55/100", "--index", str(seed_index)])
    assert result.exit_code == 0 and "…" not in result.output
    folded = "".join(ch for ch in result.output if ch.isalnum())
    code, data = run("show", "A/RES/55/100", "--json", "--index", str(seed_index))
    assert code == 0
    for clause in json.loads(data)["clauses"]:
        if clause["citations"]:
            continue  # the cites column's lines interleave with the text's
        assert "".join(ch for ch in clause["text"] if ch.isalnum()) in folded, clause["number"]


def test_search_takes_the_apis_language_cites_and_facets_filters(seed_index: Path) -> None:
    code, output = run(
        "search", "", "--cites", "A/RES/59/50", "--language", "zh", "--facets", "session,sponsor",
        "--json", "--index", str(seed_index),
    )  # fmt: skip
    assert code == 0
    body = json.loads(output)
    assert body["total"] >= 1 and all("A/RES/59/50" in h["clause"]["citations"] for h in body["hits"])
    assert {h["language"] for h in body["hits"]} == {"zh"} and set(body["facets"]) == {"session", "sponsor"}
    code, output = run("search", "x", "--facets", "nonsense", "--index", str(seed_index))
    assert code == 1 and "unknown facet" in output


def test_an_empty_corpus_or_one_of_broken_files_gives_an_index_that_answers(tmp_path: Path) -> None:
    """Nothing to index, or only a broken file: the index is made (with its search arrays), the
    broken file is reported by name, and searches answer with nothing, facets included."""
    from starlette.testclient import TestClient

    from search_api.http.app import create_app

    (tmp_path / "empty").mkdir()
    code, output = run("index", str(tmp_path / "empty"), "--index", str(tmp_path / "index"))
    assert code == 0 and "Traceback" not in output
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "bad.pdf").write_bytes(b"not a PDF")
    code, output = run("index", str(tmp_path / "broken"), "--index", str(tmp_path / "index2"))
    assert code == 1 and "bad.pdf" in output and "Traceback" not in output
    for index in ("index", "index2"):
        with TestClient(create_app(tmp_path / index)) as client:
            answer = client.get("/search", params={"q": "决定", "facets": "session,sponsor"})
            assert answer.status_code == 200 and answer.json()["total"] == 0

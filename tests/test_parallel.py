"""A resolution's versions in other languages, clause by clause (search_api/core/parallel.py): the real
55/100 (zh, en) and the UDHR (A/RES/217(III): zh, zh-Hant, en) from the shared corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from search_api.cli.main import app as cli
from search_api.core.parallel import align
from search_api.http.app import create_app

pytestmark = pytest.mark.needs_shared


@pytest.fixture(scope="module")
def client(seed_index: Path) -> TestClient:
    return TestClient(create_app(seed_index))


def _clauses(client: TestClient, doc_id: str) -> dict[str, str]:
    body = client.get(f"/documents/{doc_id}").json()
    return {c["number"]: c["text"] for c in body["clauses"]}


def test_55_100_in_chinese_with_its_english_clause_by_clause(client: TestClient) -> None:
    english = _clauses(client, "en:A/RES/55/100")
    body = client.get("/documents/zh:A/RES/55/100?parallel=en").json()
    assert body["parallel"] == {"en": {"doc_id": "en:A/RES/55/100", "aligned": "number"}}
    assert len(body["clauses"]) == len(english) == 8
    for clause in body["clauses"]:
        assert clause["parallel"]["en"] == {"number": clause["number"], "text": english[clause["number"]]}
    first = next(c for c in body["clauses"] if c["number"] == "1")
    assert "旅行自由" in first["text"] and "freedom of travel" in first["parallel"]["en"]["text"]
    # Without the parameter the view is as before: no parallels.
    plain = client.get("/documents/zh:A/RES/55/100").json()
    assert plain["parallel"] == {} and all(c["parallel"] == {} for c in plain["clauses"])


def test_show_parallel_json_gives_clause_1s_english_text(seed_index: Path) -> None:
    result = CliRunner().invoke(
        cli, ["show", "zh:A/RES/55/100", "--parallel", "en", "--json", "--index", str(seed_index)]
    )
    assert result.exit_code == 0, result.output
    clauses = {c["number"]: c for c in json.loads(result.output)["clauses"]}
    assert clauses["1"]["parallel"]["en"]["text"].startswith("Once again calls upon all States")
    table = CliRunner().invoke(
        cli, ["show", "zh:A/RES/55/100", "--parallel", "en", "--index", str(seed_index)], env={"COLUMNS": "200"}
    )
    assert table.exit_code == 0 and "en (number)" in table.output and "Once again calls upon" in table.output


def test_the_udhr_aligns_article_by_article_in_three_languages(client: TestClient) -> None:
    english = _clauses(client, "en:A/RES/217(III)")
    traditional = _clauses(client, "zh-Hant:A/RES/217(III)")
    body = client.get("/documents/zh:A/RES/217(III)?parallel=en&parallel=zh-Hant").json()
    articles = [c for c in body["clauses"] if c["type"] != "preambular"]
    assert [c["number"] for c in articles] == [str(n) for n in range(1, 31)]
    for article in articles:
        assert article["parallel"]["en"] == {"number": article["number"], "text": english[article["number"]]}
        assert article["parallel"]["zh-Hant"]["text"] == traditional[article["number"]]
    first = articles[0]
    assert first["text"].startswith("人人生而自由") and first["parallel"]["en"]["text"].startswith(
        "All human beings are born free"
    )
    # The Chinese preamble has 8 paragraphs, the English 10: aligned by order, and it says so.
    assert body["parallel"]["en"]["aligned"] == "order"


def test_a_clause_hit_carries_its_parallels_and_search_works_across_languages(client: TestClient) -> None:
    body = client.get("/search", params={"q": "旅行自由", "language": "zh", "parallel": "en"}).json()
    hit = next(h for h in body["hits"] if h["doc_id"] == "zh:A/RES/55/100")
    assert "freedom of travel" in hit["clause"]["parallel"]["en"]["text"]
    # Search the English, read the Chinese.
    body = client.get("/search", params={"q": '"freedom of travel"', "language": "en", "parallel": "zh"}).json()
    hit = next(h for h in body["hits"] if h["doc_id"] == "en:A/RES/55/100")
    assert "旅行自由" in hit["clause"]["parallel"]["zh"]["text"]
    assert client.get("/search", params={"q": "x", "parallel": "xx"}).status_code == 400
    assert client.get("/documents/zh:A/RES/55/100", params={"parallel": "de"}).status_code == 400


def test_clauses_that_differ_are_aligned_by_order() -> None:
    def clause(number: str, kind: str) -> dict[str, str]:
        return {"number": number, "type": kind, "text": f"text {number}"}

    source = [clause("P1", "preambular"), clause("1", "operative"), clause("2", "operative")]
    same = [clause("P1", "preambular"), clause("1", "operative"), clause("2", "operative")]
    pairs, aligned = align(source, same)
    assert aligned == "number" and pairs["2"]["number"] == "2"
    other = [clause("P1", "preambular"), clause("1", "operative"), clause("1(a)", "operative")]
    pairs, aligned = align(source, other)
    assert aligned == "order" and pairs["2"]["number"] == "1(a)"


def test_search_in_the_terminal_shows_the_parallel_beside_each_hit(seed_index: Path) -> None:
    args = ["search", "旅行自由", "--language", "zh", "--parallel", "en", "--index", str(seed_index)]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "freedom of travel" in " ".join(result.output.split())


def test_precedents_carry_their_parallels(client: TestClient) -> None:
    # Article 1 of the UDHR in simplified Chinese: its traditional Chinese version is a precedent
    # (the same wording once normalised), which carries its English and its simplified Chinese.
    path = "/clauses/zh:A/RES/217(III)/1/precedents"
    body = client.get(path, params={"include_later": "true", "parallel": "en"}).json()
    plain = client.get(path, params={"include_later": "true"}).json()
    assert [p["doc_id"] for p in body["precedents"]] == [p["doc_id"] for p in plain["precedents"]]
    assert "zh-Hant:A/RES/217(III)" in [p["doc_id"] for p in body["precedents"]]
    for precedent in body["precedents"]:
        english = client.get(f"/documents/{precedent['doc_id']}?parallel=en").json()
        expected = next(c["parallel"] for c in english["clauses"] if c["number"] == precedent["clause"]["number"])
        assert expected and precedent["clause"]["parallel"] == expected


ARTICLE_1 = {
    "ar": "يولد جميع الناس أحرارًا",
    "en": "All human beings are born free",
    "es": "Todos los seres humanos nacen libres",
    "fr": "Tous les êtres humains naissent libres",
    "ru": "Все люди рождаются свободными",
    "zh-Hant": "人人生而自由",
}


def test_the_udhr_in_all_six_languages_aligns_article_by_article(client: TestClient) -> None:
    body = client.get("/documents/zh:A/RES/217(III)", params={"parallel": ",".join(ARTICLE_1)}).json()
    assert set(body["parallel"]) == set(ARTICLE_1)
    articles = [c for c in body["clauses"] if c["type"] != "preambular"]
    assert len(articles) == 30
    for language, opening in ARTICLE_1.items():
        own = _clauses(client, f"{language}:A/RES/217(III)")
        for article in articles:
            counterpart = article["parallel"][language]
            assert counterpart == {"number": article["number"], "text": own[article["number"]]}, language
        assert articles[0]["parallel"][language]["text"].startswith(opening), language

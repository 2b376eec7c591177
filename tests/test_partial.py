"""A query whose words no clause has all of falls back to the clauses with all but one, marked as
partial matches, each saying which word it lacks (issue 29, item 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from search_api.engine import SearchEngine
from search_api.http.app import create_app
from search_api.models import SearchRequest
from tests.conftest import corpus_file


def test_a_query_missing_one_word_finds_the_clauses_with_the_others(engine: SearchEngine) -> None:
    full = engine.search(SearchRequest(q="集体安全条约组织 秘书处"))
    assert full.match == "all" and full.total > 0
    partial = engine.search(SearchRequest(q="集体安全条约组织 斑马 秘书处"))
    assert partial.match == "partial" and partial.total == full.total
    assert all(hit.missing == ["斑马"] for hit in partial.hits)
    assert {h.clause.number for h in partial.hits if h.clause} == {h.clause.number for h in full.hits if h.clause}


def test_partial_matches_rank_and_say_the_missing_word_at_the_document_level(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(q="集体安全条约组织 斑马 秘书处", level="document"))
    assert result.match == "partial" and result.hits
    assert all(hit.missing == ["斑马"] for hit in result.hits)


@pytest.mark.parametrize("query", ['"集体安全条约组织 斑马"', "斑马", "集体安全条约组织 NOT 秘书处 斑马"])
def test_phrases_single_words_and_negations_never_fall_back(engine: SearchEngine, query: str) -> None:
    result = engine.search(SearchRequest(q=query))
    assert result.match == "all" and all(not hit.missing for hit in result.hits)


def test_the_api_and_its_json_carry_the_marks(seed_index: Path) -> None:
    body = TestClient(create_app(seed_index)).get("/search", params={"q": "集体安全条约组织 斑马 秘书处"}).json()
    assert body["match"] == "partial" and body["hits"][0]["missing"] == ["斑马"]


@pytest.mark.needs_shared
def test_destroy_stockpiled_anti_personnel_mine_finds_the_destruction_clause(engine: SearchEngine) -> None:
    corpus_file("ga_res_80_en/A_RES_80_35.md")
    # `anti-personnel` is one word's two halves, not `anti NOT personnel`; `destroy` also finds
    # its derivational partner `destruction` (ranked below its own forms), so every word matches.
    result = engine.search(SearchRequest(q="destroy stockpiled anti-personnel mine", language=("en",)))
    assert result.match == "all" and result.total > 0
    top = result.hits[0]
    assert top.symbol == "A/RES/80/35" and top.clause is not None
    assert "destruction" in top.clause.text and "stockpiled" in top.clause.text  # "removal and destruction of ..."
    partial = engine.search(SearchRequest(q="stockpiled anti-personnel mines zebra", language=("en",)))
    assert partial.match == "partial" and partial.hits[0].missing == ["zebra"]


def test_a_derivational_partner_is_a_lower_ranked_alternative_and_quotes_keep_the_word() -> None:
    from search_api.core.query import DERIVATION_BOOST, parse_query

    expanded = str(parse_query("destroy", languages=("en",)))
    assert f"stems:en:destruct^{DERIVATION_BOOST}" in expanded and "stems:en:destroy" in expanded
    assert "destruct" not in str(parse_query('"destroy"', languages=("en",)))
    assert "décis" in str(parse_query("décider", languages=("fr",)))

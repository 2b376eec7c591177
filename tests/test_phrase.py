"""The phrase evaluation finds exactly what Whoosh's own span matcher finds, on the real corpus: the
oracle's leapfrog matcher (tests/oracle.py) against `Phrase`, and the evaluator against the oracle
(tests/test_evaluate.py)."""

from __future__ import annotations

import json
import random
import re

import pytest
from whoosh import query as wq

from analyzers import char_analyzer, word_analyzer
from search_api.core.evaluate import Evaluator
from search_api.core.phrase import RankedPhrase
from search_api.core.postings import PostingCache
from search_api.core.query import parse_query
from search_api.engine import SearchEngine
from tests.oracle import OracleExactPhrase
from tests.phrases import SEED_PHRASES

CHARS = char_analyzer()
WORDS = word_analyzer()


def _phrases(engine: SearchEngine) -> list[str]:
    """The hand-cut seed phrases, and 100 more cut at random from real clauses in both languages."""
    rng = random.Random(9)
    with engine._current() as searcher:
        texts = [
            c["text"] for d in searcher.documents(level="document") for c in json.loads(d.get("clauses_json") or "[]")
        ]
    cut: list[str] = []
    for text in rng.sample([t for t in texts if len(t) > 40], 100):
        start = rng.randrange(0, len(text) - 20)
        cut.append(text[start : start + rng.randint(4, 20)].strip())
    return [*SEED_PHRASES, *cut]


def _documents(engine: SearchEngine, q: wq.Query) -> set[int]:
    with engine._current() as searcher:
        return set(searcher.docs_for_query(q))


@pytest.mark.needs_shared
def test_exact_phrase_matches_what_whoosh_phrase_matches(engine: SearchEngine) -> None:
    compared = 0
    for text in _phrases(engine):
        for fieldname, analyzer in (("chars", CHARS), ("text", WORDS)):
            terms = [t.text for t in analyzer(text, mode="query")]
            if len(terms) < 2:
                continue
            ours = _documents(engine, OracleExactPhrase(fieldname, terms))
            whoosh = _documents(engine, wq.Phrase(fieldname, terms))
            assert ours == whoosh, (fieldname, text)
            compared += 1
    assert compared >= 150


def test_quoted_strings_are_ranked_phrases_and_find_the_substring(engine: SearchEngine) -> None:
    for text in SEED_PHRASES:
        q = parse_query(f'"{text}"')
        assert isinstance(q, RankedPhrase), text
        with engine._current() as searcher:
            docs = Evaluator(searcher, PostingCache(searcher)).run(q).docs.tolist()
            found = [searcher.stored_fields(d)["text"] for d in docs]
        assert found, text
        squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
        assert all(squeeze(text) in squeeze(clause) for clause in found), text

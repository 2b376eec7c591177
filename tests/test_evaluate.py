"""The array evaluation of queries gives Whoosh's matches, scores and order on the real corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from indexer.writer import INDEX_NAME, build_index
from search_api.engine import SearchEngine
from search_api.evaluate import Evaluator, Scored
from search_api.models import SearchRequest
from search_api.postings import PostingCache
from search_api.query import parse_query
from tests.conftest import SEED_TEXT, SEEDS

QUERIES = [
    "维持和平",
    "和平 安全",
    "和平 OR 安全 OR 能力",
    "(维持和平 OR 安全) 能力",
    "维持和平 NOT 能力",
    "维持和平 -能力",
    "+和平 安全",
    "NOT 和平",
    '"集体安全条约组织秘书处"',
    '"国大"',
    '"维持和平行动"',
    '"秘书长的报告"',
    "和",
    "和 平",
    "年 和平",
    "session:73 和平",
    "session:[70 TO 75]",
    "A/RES/73/12",
    "维持*",
    "title:和平",
    "sponsor:Belarus",
    "verb:谴责 OR verb:决定",
    "General Assembly",
    '"the General Assembly"',
    "peace -security",
    "recalling resolution",
    "^(",  # nothing sensible: no crash, same empty answer
]


def _excluded(q: wq.Query) -> Iterator[wq.Query]:
    if isinstance(q, wq.AndNot):
        yield q.b
    if isinstance(q, wq.Not):
        yield q.query
    for child in q.children():
        yield from _excluded(child)


def whoosh_excluded(searcher: Searcher, q: wq.Query) -> set[int]:
    return {d for sub in _excluded(q) if not isinstance(q, wq.Not) for d in searcher.docs_for_query(sub)}


def whoosh_matches(searcher: Searcher, text: str) -> list[tuple[int, float]]:
    """Whoosh's hits, less those with an excluded word: Whoosh's `AndNotMatcher` lets a few
    through (`peace -security` returns two clauses of the seeds that have `security`)."""
    q = parse_query(text)
    if q is None:
        return []
    excluded = whoosh_excluded(searcher, q)
    return [
        (hit.docnum, hit.score) for hit in searcher.search(q, limit=None, terms=False) if hit.docnum not in excluded
    ]


def arrays(searcher: Searcher, text: str) -> Scored:
    q = parse_query(text)
    assert q is not None
    return Evaluator(searcher, PostingCache(searcher)).run(q)


def assert_same(searcher: Searcher, text: str) -> int:
    expected = whoosh_matches(searcher, text)
    found = arrays(searcher, text)
    assert sorted(d for d, _ in expected) == found.docs.tolist(), text
    by_doc = dict(expected)
    assert np.allclose([by_doc[d] for d in found.docs.tolist()], found.scores, rtol=1e-9, atol=0), text
    # Whoosh's order: score descending, ties by document number.
    ours = sorted(zip(found.docs.tolist(), found.scores.tolist(), strict=True), key=lambda p: (-round(p[1], 9), p[0]))
    theirs = sorted(expected, key=lambda p: (-round(p[1], 9), p[0]))
    assert [d for d, _ in ours] == [d for d, _ in theirs], text
    return len(expected)


@pytest.mark.parametrize("text", [q for q in QUERIES if q != "^("])
def test_same_matches_scores_and_order_as_whoosh(engine: SearchEngine, text: str) -> None:
    with engine._current() as searcher:
        assert_same(searcher, text)


def test_the_comparison_covers_real_matches(engine: SearchEngine) -> None:
    with engine._current() as searcher:
        sizes = {text: assert_same(searcher, text) for text in QUERIES[:8]}
    assert all(size > 0 for size in sizes.values()), sizes
    assert max(sizes.values()) > 1_000


def test_phrases_cut_from_real_clauses_match_as_whoosh(engine: SearchEngine) -> None:
    text = SEED_TEXT.read_text("utf-8")
    cjk = [line for line in text.splitlines() if len(line) > 40]
    with engine._current() as searcher:
        for index, line in enumerate(cjk[:40]):
            start = (index * 7) % (len(line) - 12)
            assert assert_same(searcher, f'"{line[start : start + 4 + index % 9]}"') >= 1


def test_sort_by_date_matches_whoosh_sorting(engine: SearchEngine) -> None:
    request = SearchRequest(q="和平", sort="date", per_page=100, facets=())
    hits = engine.search(request).hits
    with engine._current() as searcher:
        q = parse_query("和平")
        assert q is not None
        facet = sorting.MultiFacet(
            [sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("doc_id"), sorting.FieldFacet("ordinal")]
        )
        expected = [hit["id"] for hit in searcher.search(q, limit=100, sortedby=facet, terms=False)]
    assert [f"{h.doc_id}#{h.clause.number}" for h in hits if h.clause] == expected


def test_deleted_and_replaced_documents_across_segments(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "80").mkdir(parents=True)
    shutil.copy(SEED_TEXT, corpus)
    for path in sorted((SEEDS / "ga_res_80_en").glob("*.md"))[:8]:
        shutil.copy(path, corpus / "80")
    build_index([corpus], tmp_path / "ix", workers=1)
    changed = sorted((corpus / "80").glob("*.md"))[0]
    changed.write_text(changed.read_text("utf-8").replace("Assembly", "Assembly, peace"), "utf-8")
    (sorted((corpus / "80").glob("*.md"))[1]).unlink()
    build_index([corpus], tmp_path / "ix", workers=1, prune=True)
    ix = whoosh_index.open_dir(str(tmp_path / "ix"), INDEX_NAME)
    with ix.searcher() as searcher:
        assert searcher.reader().has_deletions() and not searcher.is_atomic()
        for text in ("peace", "General Assembly", '"the General Assembly"', "Assembly -peace", "和平"):
            assert assert_same(searcher, text) > 0


@pytest.mark.parametrize("text", ["和平 安全", '"维持和平"', "General Assembly", "peace -security"])
def test_document_snippets_are_each_resolutions_best_clauses_as_whoosh_ranks_them(
    engine: SearchEngine, text: str
) -> None:
    result = engine.search(SearchRequest(q=text, level="document", per_page=10, facets=()))
    assert result.hits
    with engine._current() as searcher:
        q = parse_query(text, with_titles=True)  # the document level also searches titles
        assert q is not None
        for hit in result.hits:
            only = wq.And([wq.Term("level", "clause"), wq.Term("doc_id", hit.doc_id)])
            ranked = [
                (h.docnum, h.score)
                for h in searcher.search(q, filter=only, limit=None, terms=False)
                if h.docnum not in whoosh_excluded(searcher, q)
            ]
            ranked.sort(key=lambda p: (-round(p[1], 9), p[0]))
            expected = [searcher.stored_fields(d)["number"] for d, _ in ranked[:3]]
            assert [s["number"] for s in hit.snippets] == expected, (text, hit.doc_id)

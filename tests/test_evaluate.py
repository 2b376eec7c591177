"""The array evaluation of queries gives Whoosh's matches, scores and order on the real corpus."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.schema import RESOLUTION_FIELDS
from indexer.storage.index import INDEX_NAME
from indexer.writer import build_index
from search_api.core.evaluate import Evaluator, Scored
from search_api.core.postings import PostingCache
from search_api.core.query import parse_query
from search_api.core.stored import record
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.conftest import CORPUS, SEED_TEXT
from tests.oracle import oracle

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
    q = oracle(q)
    excluded = whoosh_excluded(searcher, q)
    return [
        (hit.docnum, hit.score) for hit in searcher.search(q, limit=None, terms=False) if hit.docnum not in excluded
    ]


def inherited_matches(searcher: Searcher, q: wq.Query) -> dict[int, float]:
    """A reference for queries whose leaves include a resolution's field (the document level's
    title words): each leaf's matches and scores from Whoosh, a match of a document record made a
    match of every record of its resolution (which is what the clauses inherit), then combined
    as Whoosh combines And, Or and AndNot (scores summed)."""
    if isinstance(q, (wq.And, wq.Or)):
        parts = [inherited_matches(searcher, sub) for sub in q.subqueries]
        keys = set.intersection(*map(set, parts)) if isinstance(q, wq.And) else set.union(*map(set, parts))
        return {d: sum(part.get(d, 0.0) for part in parts) * q.boost for d in keys}
    if isinstance(q, wq.AndNot):
        excluded = inherited_matches(searcher, q.b)
        return {d: s for d, s in inherited_matches(searcher, q.a).items() if d not in excluded}
    found = {hit.docnum: hit.score for hit in searcher.search(oracle(q), limit=None, terms=False)}
    if q.field() not in RESOLUTION_FIELDS:
        return found
    return {
        d: found[owner]
        for owner in found
        for d in searcher.document_numbers(doc_id=searcher.stored_fields(owner)["doc_id"])
    }


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


@pytest.mark.needs_shared
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


@pytest.mark.needs_shared
def test_sort_by_date_orders_by_the_resolutions_date_then_document_and_clause(engine: SearchEngine) -> None:
    """A clause sorts by its resolution's date (held by the document record only), newest first and
    undated last, then by document and clause order: checked against Whoosh's matches sorted here."""
    request = SearchRequest(q="和平", sort="date", per_page=100, facets=())
    hits = engine.search(request).hits
    with engine._current() as searcher:
        q = parse_query("和平")
        assert q is not None
        ordinals = searcher.reader().column_reader("ordinal")
        clauses = [
            {**hit.fields(), "ordinal": ordinals[hit.docnum]}
            for hit in searcher.search(oracle(q), limit=None, terms=False)
            if hit["level"] == "clause"
        ]
        dates = {
            doc_id: (record(searcher, "document", doc_id=doc_id) or {}).get("date")
            for doc_id in {c["doc_id"] for c in clauses}
        }
        clauses.sort(key=lambda c: (c["doc_id"], c["ordinal"]))
        clauses.sort(key=lambda c: dates[c["doc_id"]] or "", reverse=True)  # stable: ties keep the order above
    assert any(dates.values()) and None in dates.values()  # dated resolutions first, then the undated
    assert [f"{h.doc_id}#{h.clause.number}" for h in hits if h.clause] == [c["id"] for c in clauses[:100]]


@pytest.mark.needs_shared
def test_deleted_and_replaced_documents_across_segments(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "80").mkdir(parents=True)
    shutil.copy(SEED_TEXT, corpus)
    for path in sorted((CORPUS / "ga_res_80_en").glob("*.md"))[:8]:
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


@pytest.mark.needs_shared
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
            only = {
                d
                for d in searcher.document_numbers(doc_id=hit.doc_id)
                if searcher.stored_fields(d)["level"] == "clause"
            }
            ranked = [(d, score) for d, score in inherited_matches(searcher, q).items() if d in only]
            ranked.sort(key=lambda p: (-round(p[1], 9), p[0]))
            expected = [searcher.stored_fields(d)["number"] for d, _ in ranked[:3]]
            assert [s["number"] for s in hit.snippets] == expected, (text, hit.doc_id)


@pytest.mark.parametrize("sizes", [(0, 50), (3, 5000), (5000, 3), (400, 500), (2000, 100), (9000, 12000)])
def test_sorted_intersection_matches_numpys_for_any_sizes(sizes: tuple[int, int]) -> None:
    from search_api.core.evaluate import _common, _intersection

    rng = np.random.default_rng(sum(sizes))
    a, b = (np.unique(rng.integers(0, 20_000, size)).astype(np.int64) for size in sizes)
    common, in_a, in_b = _intersection(a, b)
    expected = np.intersect1d(a, b, assume_unique=True, return_indices=True)
    for got, want in zip((common, in_a, in_b), expected, strict=True):
        assert got.tolist() == want.tolist()
    assert (a[in_a] == common).all() and (b[in_b] == common).all()
    assert _common(a, b).tolist() == common.tolist()
    # Document numbers below the index's size: a table when both are long, the same answer.
    for size in (20_000, 10**7):
        by_size = _intersection(a, b, size)
        assert [part.tolist() for part in by_size] == [part.tolist() for part in expected], size


def test_a_table_intersects_long_document_lists_and_a_search_short_ones() -> None:
    from search_api.core.evaluate import _by_table

    assert _by_table(100_000, 120_000, 1_050_000)  # two common words at 1M clauses
    assert not _by_table(500, 700_000, 1_050_000)  # a rare word and a common one
    assert not _by_table(5_000, 5_000, 10**8)  # two short lists in a huge index


@pytest.mark.parametrize("size", [100, 100_000])  # a mask over the index, then a sort of the lists
def test_union_adds_scores_whichever_way_it_is_made(size: int) -> None:
    from search_api.core.evaluate import Scored, _runs, _union

    rng = np.random.default_rng(size)
    a, b = (np.unique(rng.integers(0, 100, 40)).astype(np.int64) for _ in range(2))
    united = _union(Scored(a, np.ones(len(a))), Scored(b, np.full(len(b), 2.0)), size)
    assert united.docs.tolist() == sorted(set(a.tolist()) | set(b.tolist()))
    expected = [(d in set(a.tolist())) * 1.0 + (d in set(b.tolist())) * 2.0 for d in united.docs.tolist()]
    assert united.scores.tolist() == expected
    sorted_values = np.sort(rng.integers(0, 10, 200))
    values, counts = _runs(sorted_values)
    expected_values, expected_counts = np.unique(sorted_values, return_counts=True)
    assert (values.tolist(), counts.tolist()) == (expected_values.tolist(), expected_counts.tolist())


def test_term_statistics_kept_for_the_generation_score_as_whoosh(engine: SearchEngine) -> None:
    # One cache across queries: the second time each term's idf and field statistics come from it.
    with engine._current() as searcher:
        evaluator = Evaluator(searcher, PostingCache(searcher))
        texts = [q for q in QUERIES if q != "^("][:12]
        for _ in range(2):
            for text in texts:
                q = parse_query(text)
                assert q is not None
                found = evaluator.run(q)
                expected = dict(whoosh_matches(searcher, text))
                assert np.allclose([expected[d] for d in found.docs.tolist()], found.scores, rtol=1e-9, atol=0), text


def test_document_frequencies_kept_for_the_generation_are_whooshs(engine: SearchEngine) -> None:
    """A phrase orders its words by document frequency, kept once a generation (PostingCache)."""
    with engine._current() as searcher:
        postings = PostingCache(searcher)
        reader = searcher.reader()
        terms = [(field, term) for field in ("chars", "text") for term in list(reader.lexicon(field))[::97]]
        assert len(terms) > 20
        for _ in range(2):  # the second time from the cache
            for field, term in [*terms, ("text", "不在索引中".encode())]:
                assert postings.doc_frequency(field, term) == reader.doc_frequency(field, term)


@pytest.mark.parametrize("seed", range(40))
def test_a_bigram_phrase_is_decided_by_the_cheapest_bigrams_that_pin_every_character(seed: int) -> None:
    """`_pinning` keeps the first and the last bigram and never leaves out two neighbours (so
    every character is in a kept bigram), with the fewest postings of all such choices."""
    from itertools import combinations

    from search_api.core.evaluate import _pinning

    rng = np.random.default_rng(seed)
    text = "".join(chr(0x4E00 + int(c)) for c in rng.integers(0, 50, 3 + seed % 8))
    words = [text[i : i + 2].encode("utf-8") for i in range(len(text) - 1)]
    frequencies = {word: int(rng.integers(1, 1000)) for word in words}
    chosen = _pinning(words, frequencies)
    covered = {c for i in chosen for c in (i, i + 1)}
    assert covered == set(range(len(text))), (text, chosen)

    def cost(offsets: tuple[int, ...]) -> int:
        return sum(frequencies[words[i]] for i in offsets)

    covers = [
        offsets
        for size in range(1, len(words) + 1)
        for offsets in combinations(range(len(words)), size)
        if {c for i in offsets for c in (i, i + 1)} == set(range(len(text)))
    ]
    assert cost(tuple(chosen)) == min(map(cost, covers))
    # Not a chain of bigrams (a word phrase, a gram of one character): every word is read.
    assert _pinning([b"ab", b"cd", b"ef"], {b"ab": 1, b"cd": 1, b"ef": 1}) == [0, 1, 2]


def test_bigram_phrases_across_punctuation_match_as_whoosh(engine: SearchEngine) -> None:
    """The characters the `chars` field leaves out (punctuation, spaces) inside quoted strings
    read through their pinning bigrams: the matches Whoosh finds, most of them found."""
    text = SEED_TEXT.read_text("utf-8")
    pattern = re.compile(r"[\u4e00-\u9fff]{2,5}[，、；：（）《》 ]{1,2}[\u4e00-\u9fff]{2,5}")
    pieces = [m.group() for line in text.splitlines() for m in pattern.finditer(line)]
    assert len(pieces) > 20
    with engine._current() as searcher:
        found = [assert_same(searcher, f'"{piece}"') for piece in pieces[:40]]
    assert sum(count >= 1 for count in found) >= 0.8 * len(found), list(zip(pieces, found, strict=False))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_groups_best_is_the_first_of_the_group_when_every_match_is_sorted(seed: int) -> None:
    from search_api.core.searching import _best_of_each

    rng = np.random.default_rng(seed)
    docs = np.unique(rng.integers(0, 50_000, 8_000)).astype(np.int64)
    groups = rng.integers(0, 700, len(docs))
    for keys in (-rng.integers(0, 40, len(docs)) / 7.0, rng.integers(0, 30, len(docs)).astype(np.float64)):
        # Many equal keys: the tie goes to the lower document number, within a group and across.
        ordered = np.lexsort((docs, keys))
        expected, seen = [], set()
        for i in ordered.tolist():
            if int(groups[i]) not in seen:
                seen.add(int(groups[i]))
                expected.append(int(docs[i]))
        assert _best_of_each(docs, keys, groups, 700).tolist() == expected


@pytest.mark.needs_shared
@pytest.mark.parametrize("sort", ["relevance", "date", "session"])
def test_the_document_level_orders_resolutions_by_their_best_clause(engine: SearchEngine, sort: str) -> None:
    from search_api.core.searching import SnapshotSearch

    for text in ("联合国", "General Assembly", '"the General Assembly"', "development"):
        request = SearchRequest(q=text, level="document", sort=sort, per_page=100, facets=())
        result = engine.search(request)
        with engine._current() as searcher:
            search = SnapshotSearch(searcher, engine._snapshot(searcher))
            passing = search._passing(search._matches(search._query(request)), request, None)
            order = search._order(passing, request, None)  # every matching clause, sorted
            seen: set[str] = set()
            expected = []
            for docnum in passing.docs[order].tolist():
                doc_id = searcher.stored_fields(docnum)["doc_id"]
                if doc_id not in seen:
                    seen.add(doc_id)
                    expected.append(doc_id)
        assert result.total == len(expected) > 1, text
        assert [hit.doc_id for hit in result.hits] == expected[:100], (text, sort)

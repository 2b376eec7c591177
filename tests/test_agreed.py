"""Agreed language: precedents, diffs, lineage and the citation graph, on the shipped corpus."""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from indexer.similarity import jaccard, shingle_hashes, shingles
from search_api.engine import SearchEngine
from search_api.errors import NotFoundError, ParameterError
from search_api.features.diff import DiffPart, changed_characters, diff
from search_api.models import SIMILARITY_THRESHOLD, SearchRequest

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def documents(engine: SearchEngine) -> list[dict[str, Any]]:
    # In document order, not the index's: a parallel build orders segments as its workers finish,
    # and the tests that sample these must draw the same sample on every build.
    with engine._current() as searcher:
        return sorted((dict(d) for d in searcher.documents(level="document")), key=lambda d: d["doc_id"])


@pytest.fixture(scope="module")
def clauses(documents: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(d, c) for d in documents for c in json.loads(d.get("clauses_json") or "[]")]


def verbatim_groups(clauses: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[list[tuple[str, str]]]:
    """Clauses whose text is repeated word for word in other resolutions, found by exact text
    (with some wording: a rule of underscores has none to compare)."""
    by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for document, clause in clauses:
        if shingles(clause["text"]):
            by_text[clause["text"].strip()].append((document["doc_id"], clause["number"]))
    return [group for group in by_text.values() if len({doc_id for doc_id, _ in group}) > 1]


# -- precedents ------------------------------------------------------------------------------------


@pytest.mark.needs_shared
def test_the_real_verbatim_pairs_are_each_others_top_precedent(engine: SearchEngine) -> None:
    # Two real pairs from session 80 (same day): the outer-space treaty paragraph and the
    # article 7 reporting paragraph of two disarmament resolutions.
    for (a, a_clause), (b, b_clause) in (
        (("A/RES/80/20", "P9"), ("A/RES/80/21", "P9")),
        (("A/RES/80/35", "4"), ("A/RES/80/52", "4")),
    ):
        for (key, number), other in (((a, a_clause), b), ((b, b_clause), a)):
            top = engine.clause_precedents(key, number).precedents[0]
            assert (top.symbol, top.similarity) == (other, 1.0)
            assert top.relation == "same day"
            assert all(part["op"] == "equal" for part in top.diff)


@pytest.mark.needs_shared
def test_every_clause_repeated_verbatim_finds_its_copies_at_similarity_one(
    engine: SearchEngine, clauses: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    groups = verbatim_groups(clauses)
    assert len(groups) >= 50  # the decisions repeat much of their wording year after year
    for group in groups:
        for doc_id, number in group:
            result = engine.clause_precedents(doc_id, number, include_later=True, limit=100)
            exact = {(p.doc_id, p.clause.number) for p in result.precedents if p.similarity == 1.0}
            copies = {(d, n) for d, n in group if d != doc_id}
            assert copies <= exact, (doc_id, number)
            assert result.precedents[0].similarity == 1.0


@pytest.mark.needs_shared
def test_later_uses_only_when_asked(engine: SearchEngine) -> None:
    # The Gibraltar decision of session 72 repeats much of session 71's: 71 is its precedent,
    # and 72 is a later use of 71's wording, shown only with include_later.
    earlier = engine.clause_precedents("A/DEC/72/520", "1")
    assert [p.symbol for p in earlier.precedents] == ["A/DEC/71/521"]
    assert earlier.precedents[0].relation == "earlier"
    assert engine.clause_precedents("A/DEC/71/521", "1").precedents == []
    later = engine.clause_precedents("A/DEC/71/521", "1", include_later=True)
    assert {p.relation for p in later.precedents} == {"later"}
    assert "A/DEC/72/520" in {p.symbol for p in later.precedents}


def test_an_edited_copy_is_found_with_exactly_the_changed_characters(engine: SearchEngine) -> None:
    original = "又提及大会 2004 年 12 月 2 日第 59/50 号决议，其中大会授予集体安全条约组织大会观察员地位，"
    edited = original.replace("授予", "给予").replace("组织大会观察员", "组织观察员")
    result = engine.precedents(edited)
    top = result.precedents[0]
    assert (top.doc_id, top.clause.number, top.clause.text) == ("zh:000_b19792f0abdd90de", "P3", original)
    assert SIMILARITY_THRESHOLD <= top.similarity < 1.0
    assert [(p["op"], p["text"]) for p in top.diff if p["op"] != "equal"] == [
        ("delete", "授"),
        ("insert", "给"),
        ("delete", "大会"),
    ]
    assert "".join(p["text"] for p in top.diff if p["op"] != "delete") == edited


@pytest.mark.needs_shared
def test_random_edits_of_real_chinese_clauses_are_found_and_the_diff_names_them(
    clauses: list[tuple[dict[str, Any], dict[str, Any]]], engine: SearchEngine
) -> None:
    rng = random.Random(73)
    chinese = [(d, c) for d, c in clauses if len(CJK.findall(c["text"])) >= 60]
    assert len(chinese) >= 30
    for document, clause in rng.sample(chinese, 30):
        text = clause["text"]
        cjk = [i for i, ch in enumerate(text) if CJK.match(ch)]
        half = len(cjk) // 2  # one edit in each half: two separate changes
        positions = [rng.choice(cjk[: half - 1]), rng.choice(cjk[half:])]
        unused = [ch for ch in "甲乙丙丁戊己庚辛壬癸" if ch not in text]
        edited = list(text)
        for position, replacement in zip(positions, unused, strict=False):
            edited[position] = replacement
        edited_text = "".join(edited)
        found = {(p.doc_id, p.clause.number): p for p in engine.precedents(edited_text, limit=20).precedents}
        hit = found[(document["doc_id"], clause["number"])]
        assert hit.similarity >= 0.6
        removed = [p["text"] for p in hit.diff if p["op"] == "delete"]
        added = [p["text"] for p in hit.diff if p["op"] == "insert"]
        assert removed == [text[i] for i in positions]
        assert added == unused[:2]
        assert changed_characters([DiffPart(**part) for part in hit.diff]) == (2, 2)


@pytest.mark.needs_shared
def test_unrelated_clauses_stay_below_the_threshold(
    engine: SearchEngine, clauses: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    # Brute force on a sample: what the index returns is exactly the clauses at or above the
    # threshold (up to the LSH's misses), and never one below it.
    rng = random.Random(5)
    all_shingles = [(d["doc_id"], c["number"], shingles(c["text"])) for d, c in clauses]
    expected_total = found_total = 0
    for document, clause in rng.sample(clauses, 150):
        wording = shingles(clause["text"])
        expected = {
            (doc_id, number)
            for doc_id, number, other in all_shingles
            if doc_id != document["doc_id"] and jaccard(wording, other) >= SIMILARITY_THRESHOLD
        }
        result = engine.clause_precedents(document["doc_id"], clause["number"], include_later=True, limit=100)
        returned = {(p.doc_id, p.clause.number) for p in result.precedents}
        assert returned <= expected
        assert all(p.similarity >= SIMILARITY_THRESHOLD for p in result.precedents)
        expected_total += len(expected)
        found_total += len(returned & expected)
    assert expected_total > 50
    assert found_total / expected_total >= 0.95


@pytest.mark.needs_shared
def test_the_same_wording_in_traditional_script_is_the_same_wording(engine: SearchEngine) -> None:
    article_1 = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"
    found = engine.precedents(article_1, min_similarity=0.1).precedents
    # Only the declaration's two Chinese texts (simplified and traditional), nothing unrelated.
    assert {(p.doc_id, p.clause.number, p.similarity) for p in found} == {
        ("zh:A/RES/217(III)", "1", 1.0),
        ("zh-Hant:A/RES/217(III)", "1", 1.0),
    }


def test_a_new_paragraph_has_no_precedent(engine: SearchEngine) -> None:
    new_wording = "集体安全条约组织秘书处与联合国秘书处之间的合作，包括维持和平领域的合作。"
    assert engine.precedents(new_wording).precedents == []
    # Asked for looser matches, it gets only what passes the looser bar.
    assert all(p.similarity >= 0.1 for p in engine.precedents(new_wording, min_similarity=0.1).precedents)


def test_bad_precedent_requests_are_parameter_errors(engine: SearchEngine) -> None:
    with pytest.raises(ParameterError):
        engine.precedents("   ")
    with pytest.raises(ParameterError):
        engine.precedents("x" * 5001)
    with pytest.raises(ParameterError):
        engine.precedents("维持和平", min_similarity=0.0)
    with pytest.raises(ParameterError):
        engine.precedents("维持和平", limit=0)
    with pytest.raises(NotFoundError):
        engine.clause_precedents("A/RES/80/20", "P999")
    with pytest.raises(NotFoundError):
        engine.clause_precedents("A/RES/99/99", "1")


# -- diff --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "changes"),
    [
        ("大会授予观察员地位", "大会给予观察员地位", [("delete", "授"), ("insert", "给")]),
        ("聯合國大會", "联合国大会", []),  # traditional script and full width are not changes
        ("２０１６年", "2016年", []),
        ("Urges all States to act", "Urges all Member States to act", [("insert", "Member ")]),
        ("联\n合国", "联合国", []),  # a PDF line break is not a change
    ],
)
def test_diff_compares_normalised_text_and_shows_the_original(
    earlier: str, later: str, changes: list[tuple[str, str]]
) -> None:
    parts = diff(earlier, later)
    assert [(p.op, p.text) for p in parts if p.op != "equal"] == changes
    assert "".join(p.text for p in parts if p.op != "delete") == later


# -- lineage -------------------------------------------------------------------------------------------


def test_lineage_of_the_seed_lists_the_series_it_cites(engine: SearchEngine) -> None:
    steps = engine.lineage("000_b19792f0abdd90de").steps
    assert [(s.symbol, s.doc_id is not None) for s in steps] == [
        ("A/RES/64/256", False),
        ("A/RES/65/122", False),
        ("A/RES/67/6", False),
        ("A/RES/69/12", False),
        ("A/RES/71/12", False),
        ("zh:000_b19792f0abdd90de", True),
    ]
    # 59/50 (observer status) is cited too, but not as one of the series.
    assert all(s.symbol != "A/RES/59/50" for s in steps)


@pytest.mark.needs_shared
def test_lineage_of_a_decision_series_walks_every_session_with_its_changes(engine: SearchEngine) -> None:
    result = engine.lineage("A/DEC/75/523")
    assert result.title == "Question of Gibraltar"
    sessions = [s.session for s in result.steps]
    assert sessions == list(range(70, 81))
    assert result.steps[0].symbol == "A/DEC/70/520" and result.steps[0].doc_id is None
    with engine._current() as searcher:
        indexed = {d["symbol"]: d for d in searcher.documents(level="document") if d.get("title") == result.title}
    for previous, step in zip(result.steps[1:], result.steps[2:], strict=False):
        assert step.summary and sum(step.summary.values()) >= 1
        earlier = {c["number"]: c["text"] for c in json.loads(indexed[previous.symbol]["clauses_json"])}
        later = {c["number"]: c["text"] for c in json.loads(indexed[step.symbol]["clauses_json"])}
        for change in step.changes:
            if change.change == "edited":
                # The diff turns the earlier clause into the later one, exactly.
                assert "".join(p["text"] for p in change.diff if p["op"] != "delete") == later[change.number]
                assert change.previous_number in earlier
    first_edit = next(c for c in result.steps[2].changes if c.change == "edited")
    changed = [(p["op"], p["text"].strip()) for p in first_edit.diff if p["op"] != "equal"][:2]
    assert changed == [("delete", "53rd"), ("insert", "66th")]


def test_lineage_from_a_series_recital(engine: SearchEngine) -> None:
    # "Recalling its resolutions 69/32 of 2 December 2014, ... and 79/20": one a session.
    steps = engine.lineage("A/RES/80/20").steps
    assert [s.symbol for s in steps] == [
        f"A/RES/{s}"
        for s in (
            "69/32",
            "70/27",
            "71/32",
            "72/27",
            "73/31",
            "74/33",
            "75/37",
            "76/23",
            "77/42",
            "78/21",
            "79/20",
            "80/20",
        )
    ]


def test_lineage_of_an_unknown_document(engine: SearchEngine) -> None:
    with pytest.raises(NotFoundError):
        engine.lineage("A/RES/99/999")


# -- the citation graph -------------------------------------------------------------------------------

# A GA reference as written (`59/50`, `第 64/256 号`), not a document symbol (`A/71/502`) and not
# a decision's own heading (`71/536. Comprehensive ...`).
BARE_REFERENCE = re.compile(r"(?<![\d/.])(\d{1,3})\s*/\s*(\d{1,4})(?![\d/]|\.\s+[A-Z])")


@pytest.mark.needs_shared
def test_citation_counts_equal_a_scan_of_the_texts(engine: SearchEngine, documents: list[dict[str, Any]]) -> None:
    scanned: Counter[str] = Counter()
    for document in documents:
        text = " ".join(c["text"] for c in json.loads(document.get("clauses_json") or "[]"))
        scanned.update({f"{a}/{b}" for a, b in BARE_REFERENCE.findall(text)})
    counted: Counter[str] = Counter()
    result = engine.search(SearchRequest(level="document", per_page=0, facets=("cites",), facet_limit=200))
    assert result.facets["cites"].total_values > 900
    # Per reference, the resolutions citing it (as a resolution or a decision), from the index.
    with engine._current() as searcher:
        for document in searcher.documents(level="document"):
            numbers = {
                "/".join(symbol.split("/")[2:4])
                for symbol in (document.get("cites") or "").split(",")
                if re.fullmatch(r"A/(RES|DEC)/\d+/\d+", symbol)
            }
            counted.update(numbers)
    assert len(scanned) > 900
    assert counted == scanned
    # The facet's counts are those of the same graph: the most cited resolutions of the hits.
    for value in result.facets["cites"].values:
        cited_by = engine.document(value.value).cited_by if _indexed(engine, value.value) else None
        if cited_by is not None:
            assert len({d["doc_id"] for d in cited_by}) == value.count


def _indexed(engine: SearchEngine, symbol: str) -> bool:
    try:
        engine.document(symbol)
    except NotFoundError:
        return False
    return True


@pytest.mark.needs_shared
def test_the_most_cited_resolutions_of_a_query(engine: SearchEngine) -> None:
    result = engine.search(
        SearchRequest(q="outer space", level="document", per_page=100, facets=("cites",), facet_limit=5)
    )
    top = result.facets["cites"].values
    assert top and top[0].count >= 3
    for value in top:
        citing = engine.search(
            SearchRequest(q="outer space", level="document", cites=(value.value,), per_page=0, facets=())
        )
        assert citing.total == value.count


def test_batched_minhash_equals_datasketch_and_keys_spread(
    clauses: list[tuple[dict[str, Any], dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing computes a resolution's signatures in one array operation: each must be what
    datasketch's MinHash gives the clause alone, and the band keys must not collapse."""
    import hashlib

    import numpy as np

    import indexer.similarity
    from indexer.similarity import (
        BANDS,
        _shingle_digests,
        _signatures,
        _texts_digests,
        band_keys,
        signature,
        similarity_fields,
        similarity_fields_batch,
    )

    texts = [clause["text"] for _, clause in clauses[:400]] + ["", "。", "a", "a b", "a b c", "b a"]  # short ones too
    mask = (1 << 64) - 1

    def reference(shingle: str) -> int:  # the documented hash, in Python integers
        value = 0
        for index, unit in enumerate(shingle.split(" ")):
            unit_hash = int.from_bytes(hashlib.sha1(unit.encode("utf-8")).digest()[:8], "little")
            value = ((unit_hash if index == 0 else value ^ unit_hash) * 0x9E3779B97F4A7C15) & mask
        for constant in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
            value = ((value ^ (value >> 33)) * constant) & mask
        return value ^ (value >> 33)

    digests = [_shingle_digests(shingles(text)) for text in texts]
    for text, digest in zip(texts, digests, strict=True):  # the column's hash, from the shingle's text
        assert digest.dtype == np.uint64 and digest.tolist() == [reference(s) for s in shingles(text)]
    # Indexing hashes a resolution's texts from their units at once: the same set for each text.
    batched = _texts_digests(texts)
    assert [d.tolist() for d in batched] == [sorted(set(d.tolist())) for d in digests]
    assert [d.tolist() for d in batched] == [_texts_digests([text])[0].tolist() for text in texts]
    assert all(d.dtype == np.uint64 for d in batched)
    every_shingle = set().union(*(shingles(text) for text in texts))
    assert len({int(h) for d in batched for h in d}) == len(every_shingle) > 5_000  # no two collide
    rows = _signatures(digests)
    for text, row in zip(texts, rows, strict=True):  # datasketch's own permutations, drawn by it
        assert np.array_equal(row, signature(shingles(text)).hashvalues)
    monkeypatch.setattr(indexer.similarity, "BATCH_SHINGLES", 50)  # many groups, some of one set
    assert np.array_equal(_signatures(digests), rows)
    assert similarity_fields_batch(texts) == [similarity_fields(text) for text in texts]
    assert similarity_fields("。") == {}  # no shingles: no keys, no hashes
    # 32-bit keys: two different rows of a band (its ROWS MinHash values) nearly never get the
    # same key by chance. (Counting distinct keys against distinct texts, as this test once did,
    # failed whenever the sample held near-copies, which share rows by design.)
    from indexer.similarity import ROWS

    signed = [(signature(shingles(text)).hashvalues, band_keys(shingles(text))) for text in texts if shingles(text)]
    for band in range(BANDS):
        rows = {tuple(values[band * ROWS : (band + 1) * ROWS].tolist()) for values, _ in signed}
        keys = {int(keys[band]) for _, keys in signed}
        assert len(keys) == len(rows)


@pytest.mark.needs_shared
def test_the_band_column_holds_each_clauses_keys_and_finds_what_a_scan_finds(engine: SearchEngine) -> None:
    """The `bands` column is what precedents start from: each clause's row must be its keys, and
    the NumPy lookup must propose exactly the clauses a plain scan finds sharing a key."""
    import numpy as np

    from indexer.similarity import BANDS, band_keys

    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        stored = cache.band_keys()
        live = cache.postings.live
        rows = {}
        for docnum in range(searcher.doc_count_all()):
            fields = searcher.stored_fields(docnum)
            if live[docnum] and fields.get("level") == "clause":
                rows[docnum] = fields["text"]
        assert stored.shape == (BANDS, searcher.doc_count_all()) and len(rows) > 4000
        sample = random.Random(7).sample(sorted(rows), 300)
        for docnum in sample:
            keys = band_keys(shingles(rows[docnum]))
            assert np.array_equal(stored[:, docnum], keys) if keys.size else not stored[:, docnum].any()
        for docnum in sample[:40]:
            keys = band_keys(shingles(rows[docnum]))
            if not keys.size:
                continue
            docs, shared = cache.band_matches(keys)
            expected = {
                other: int((stored[:, other] == keys).sum()) for other in rows if (stored[:, other] == keys).any()
            }
            assert dict(zip(docs.tolist(), shared.tolist(), strict=True)) == expected
            assert expected[docnum] == BANDS


def test_the_shingle_lookup_finds_what_a_scan_finds_at_every_threshold(engine: SearchEngine) -> None:
    """`shared_shingles` probes only the rarest shingles and binary-searches the rest (prefix
    filtering): for texts made of real clauses, edited and mixed, it must return exactly the
    records a scan of every clause's stored shingles finds sharing at least `min_shared`."""
    import numpy as np

    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        live = cache.postings.live
        stored = [
            np.frombuffer(raw or b"", dtype=np.uint64) if live[docnum] else np.zeros(0, dtype=np.uint64)
            for docnum, raw in enumerate(cache.column_reader("shingles"))
        ]
        texts = [
            fields["text"]
            for docnum in range(searcher.doc_count_all())
            if live[docnum] and (fields := searcher.stored_fields(docnum)).get("level") == "clause"
        ]
        rng = random.Random(11)
        sample = rng.sample(texts, min(60, len(texts)))
        # Edited and recombined: halves of two clauses, and a clause with a word replaced.
        sample += [a[: len(a) // 2] + b[len(b) // 2 :] for a, b in zip(sample[:10], sample[10:20], strict=True)]
        sample += [" ".join(w if i != 3 else "replaced" for i, w in enumerate(t.split())) for t in sample[20:30]]
        for text in sample:
            hashes = shingle_hashes(shingles(text))
            wanted = np.frombuffer(hashes, dtype=np.uint64)
            overlap = np.array([np.intersect1d(wanted, other, assume_unique=True).size for other in stored])
            for min_shared in sorted({1, 2, 5, (len(wanted) + 1) // 2, len(wanted)}):
                docs, shared, sizes = cache.shared_shingles(hashes, min_shared)
                expected = np.flatnonzero(overlap >= max(1, min_shared))
                assert docs.tolist() == expected.tolist(), (text[:60], min_shared)
                assert shared.tolist() == overlap[expected].tolist()
                assert sizes.tolist() == [len(stored[d]) for d in expected.tolist()]


def test_a_pasted_near_copy_finds_its_source_first(engine: SearchEngine) -> None:
    """The README's example: a date and a word left out, one character changed (Jaccard 0.38)."""
    result = engine.precedents("又提及大会第 59/50 号决议，其中大会给予集体安全条约组织观察员地位，")
    top = result.precedents[0]
    assert (top.doc_id, top.clause.number) == ("zh:000_b19792f0abdd90de", "P3")
    assert SIMILARITY_THRESHOLD <= top.similarity < 1.0


@pytest.mark.needs_shared
def test_a_pasted_part_of_a_clause_finds_its_source_at_one(engine: SearchEngine, clauses) -> None:  # type: ignore[no-untyped-def]
    long_enough = [c for c in clauses if len(shingles(c[1]["text"])) >= 40 and len(c[1]["text"]) < 5000]
    picked = random.Random(7).sample(long_enough, 25)
    for document, clause in picked:
        doc_id = document["doc_id"]
        text = clause["text"]
        part = text[len(text) // 5 : len(text) * 4 // 5]  # the middle three fifths...
        if " " in part:  # ...of whole words, in a language that has spaces
            part = part.split(" ", 1)[1].rsplit(" ", 1)[0]
        result = engine.precedents(part, limit=50)
        best = [p for p in result.precedents if p.similarity == 1.0]
        assert (doc_id, clause["number"]) in {(p.doc_id, p.clause.number) for p in best}, part


def test_pasted_similarity_is_the_exact_overlap(engine: SearchEngine, clauses) -> None:  # type: ignore[no-untyped-def]
    """Jaccard and containment from the snapshot's shingle index equal a plain computation."""
    for _, clause in [c for c in clauses if len(c[1]["text"]) <= 5000][:200:20]:
        text = clause["text"]
        wording = shingles(text)
        for found in engine.precedents(text, min_similarity=0.1, limit=20).precedents:
            other = shingles(found.clause.text)
            containment = len(wording & other) / len(wording) if len(wording) >= 8 else 0.0
            containment = containment if containment >= 0.6 else 0.0
            assert found.similarity == pytest.approx(max(jaccard(wording, other), containment), abs=1e-4)


def test_a_short_formula_is_not_contained_everywhere(engine: SearchEngine) -> None:
    formula = "请秘书长提交报告"
    assert len(shingles(formula)) < 8
    result = engine.precedents(formula)
    assert all(p.similarity < 1.0 or shingles(p.clause.text) == shingles(formula) for p in result.precedents)


def test_the_mersenne_modulo_without_division_equals_the_remainder() -> None:
    """`_mod_mersenne` replaces NumPy's remainder in the MinHash arithmetic; random values almost
    never reach its last step (a value whose top bits and low bits add up to the prime or more),
    so the edges are given here, each against Python's own `%`."""
    import numpy as np

    from indexer.similarity import _mod_mersenne

    prime = (1 << 61) - 1
    edges = [0, 1, prime - 1, prime, prime + 1, 2 * prime, (1 << 61), (1 << 64) - 1, (1 << 63) + prime - 4]
    edges += [(top << 61) | (prime - top + extra) % (1 << 61) for top in range(8) for extra in range(-1, 3)]
    edges += [random.Random(20261204 + n).getrandbits(64) for n in range(1000)]
    values = np.array(edges, dtype=np.uint64)
    _mod_mersenne(values)
    assert values.tolist() == [edge % prime for edge in edges]


def test_minhash_keys_are_made_without_importing_datasketch_or_scipy() -> None:
    """An indexing worker and a service's first precedents search make MinHash band keys; the
    permutations are drawn as datasketch draws them, without importing it (its `lsh` module
    imports scipy: 0.4-0.8 s a process)."""
    import subprocess
    import sys

    probe = (
        "import sys; from indexer.similarity import similarity_fields_batch\n"
        "fields = similarity_fields_batch(['大会欢迎集体安全条约组织同联合国的合作', 'the General Assembly'])\n"
        "print(bool(fields[0]['bands']), 'datasketch' in sys.modules, 'scipy' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert found.split() == ["True", "False", "False"]


@pytest.mark.needs_shared
def test_similarity_columns_read_whole_equal_them_read_value_by_value(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The band keys and the shingle index are made from each segment's column read in one piece
    (indexer/storage/columns.py): the same arrays as reading the columns a value at a time."""
    import numpy as np

    import search_api.core.similar as similar

    with engine._current() as searcher:
        assert len(list(searcher.leaf_searchers())) > 1  # several segments, offsets between them
        whole = engine._snapshot(searcher)
        keys, index = whole._band_keys(), whole._shingle_index()
        monkeypatch.setattr(similar, "fixed_bytes_values", lambda column: None)
        monkeypatch.setattr(similar, "var_bytes_values", lambda column: None)
        assert np.array_equal(whole._band_keys(), keys) and keys.any()
        by_value = whole._shingle_index()
        assert all(np.array_equal(a, b) for a, b in zip(index, by_value, strict=True))
        assert len(index[2]) > 50_000 and index[3].sum() == len(index[2]) == index[1][-1]

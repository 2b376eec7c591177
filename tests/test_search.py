"""The search layer on the index of the shipped seeds."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from whoosh import query as wq

from analyzers import normalize_text, word_analyzer
from search_api.engine import SearchEngine
from search_api.errors import ParameterError, QuerySyntaxError
from search_api.models import SearchRequest

WORDS = word_analyzer()

SEED_DOC = "zh:000_b19792f0abdd90de"


def all_hits(engine: SearchEngine, **request: object) -> list:  # type: ignore[type-arg]
    hits, page = [], 1
    while True:
        result = engine.search(SearchRequest(per_page=100, page=page, facets=(), **request))  # type: ignore[arg-type]
        hits.extend(result.hits)
        if page * 100 >= result.total:
            return hits
        page += 1


def clause_ids(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {f"{h.doc_id}#{h.clause.number}" for h in hits}


def test_words_find_the_seed_clauses_with_their_resolution_fields(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(q="集体安全条约组织"))
    assert result.total > 10
    hit = result.hits[0]
    assert hit.doc_id == SEED_DOC
    assert (hit.session, hit.agenda_items, hit.sponsors) == (73, ["128(t)"], ["Belarus", "Kazakhstan"])
    assert hit.kind == "draft resolution" and hit.clause is not None


@pytest.mark.needs_shared
def test_phrase_is_stricter_than_its_words(engine: SearchEngine) -> None:
    words = clause_ids(all_hits(engine, q="general assembly"))
    phrase = clause_ids(all_hits(engine, q='"general assembly"'))
    assert phrase and phrase < words
    for hit in all_hits(engine, q='"维持和平的切实合作"'):
        assert "维持和平的切实合作" in normalize_text(hit.clause.text)
    assert clause_ids(all_hits(engine, q='"维持和平能力"')) < clause_ids(all_hits(engine, q="维持和平"))


def test_not_and_minus_exclude(engine: SearchEngine) -> None:
    with_word = all_hits(engine, q="集体安全条约组织")
    without = all_hits(engine, q="集体安全条约组织 NOT 秘书处")
    minus = all_hits(engine, q="集体安全条约组织 -秘书处")
    assert clause_ids(without) == clause_ids(minus)
    assert len(without) < len(with_word)
    assert all("秘书处" not in hit.clause.text for hit in without)


@pytest.mark.needs_shared
def test_minus_leaves_out_every_clause_with_the_word(engine: SearchEngine) -> None:
    # Whoosh's own AndNot matcher lets two of these through (clauses with both words).
    peace = clause_ids(all_hits(engine, q="peace"))
    security = clause_ids(all_hits(engine, q="security"))
    minus = all_hits(engine, q="peace -security")
    assert clause_ids(minus) == peace - security
    assert len(minus) == engine.search(SearchRequest(q="peace -security", per_page=0)).total
    assert minus and not any("security" in {t.text for t in WORDS(hit.clause.text)} for hit in minus)


def test_or_and_grouping(engine: SearchEngine) -> None:
    either = clause_ids(all_hits(engine, q="(谅解备忘录 OR 反恐) AND 集体安全条约组织"))
    first = clause_ids(all_hits(engine, q="谅解备忘录 集体安全条约组织"))
    second = clause_ids(all_hits(engine, q="反恐 集体安全条约组织"))
    assert either == first | second and first and second


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("session:73", lambda h: h.session == 73),
        ("sponsor:白俄罗斯", lambda h: "Belarus" in h.sponsors),
        ("sponsor:BLR", lambda h: "Belarus" in h.sponsors),
        ("verb:欢迎", lambda h: h.clause.verb == "欢迎"),
        ("cites:A/RES/59/50", lambda h: "A/RES/59/50" in h.clause.citations),
        ("type:operative", lambda h: h.clause.type == "operative"),
        ("session:[70 TO 75]", lambda h: 70 <= h.session <= 75),
        ("agenda:128(t)", lambda h: "128(t)" in h.agenda_items),
        ('kind:"draft resolution"', lambda h: h.kind == "draft resolution"),
    ],
)
def test_field_queries(engine: SearchEngine, query: str, check) -> None:  # type: ignore[no-untyped-def]
    hits = all_hits(engine, q=query)
    assert hits, query
    assert all(check(hit) for hit in hits), query


def test_a_symbol_finds_the_clauses_citing_it(engine: SearchEngine) -> None:
    hits = all_hits(engine, q="A/RES/59/50")
    assert [(h.doc_id, h.clause.number) for h in hits] == [(SEED_DOC, "P3")]
    assert all_hits(engine, q="S/RES/1631(2005)")[0].clause.number == "P5"


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"session": (73,)}, lambda h: h.session == 73),
        ({"session": (73, 80)}, lambda h: h.session in (73, 80)),
        ({"sponsor": ("Kazakhstan",)}, lambda h: "Kazakhstan" in h.sponsors),
        ({"sponsor": ("哈萨克斯坦", "Cuba")}, lambda h: {"Kazakhstan", "Cuba"} & set(h.sponsors)),
        ({"agenda": ("128(t)",)}, lambda h: "128(t)" in h.agenda_items),
        ({"kind": ("decision",)}, lambda h: h.kind == "decision"),
        ({"type": ("preambular",)}, lambda h: h.clause.type == "preambular"),
        ({"verb": ("欢迎", "提及")}, lambda h: h.clause.verb in ("欢迎", "提及")),
        ({"year_from": 2019, "year_to": 2020}, lambda h: h.date and "2019" <= h.date[:4] <= "2020"),
        (
            {"session": (73,), "type": ("operative",), "verb": ("邀请",)},
            lambda h: h.session == 73 and h.clause.type == "operative" and h.clause.verb == "邀请",
        ),
    ],
)
def test_filters_or_within_a_field_and_across_fields(engine: SearchEngine, filters, check) -> None:  # type: ignore[no-untyped-def]
    hits = all_hits(engine, **filters)
    assert hits
    assert all(check(hit) for hit in hits)


def _walk_counts(engine: SearchEngine, predicate) -> dict[str, Counter]:  # type: ignore[no-untyped-def]
    counts: dict[str, Counter] = {name: Counter() for name in ("session", "sponsor", "agenda", "verb", "kind")}
    with engine._current() as searcher:
        # A clause's resolution fields are on its document record only: join them here by doc_id.
        resolutions = {fields["doc_id"]: fields for fields in searcher.documents(level="document")}
        for clause in searcher.documents(level="clause"):
            fields = {**resolutions[clause["doc_id"]], **clause}
            if not predicate(fields):
                continue
            counts["session"][fields.get("session")] += 1
            counts["kind"][fields.get("kind")] += 1
            if fields.get("verb"):
                counts["verb"][fields["verb"]] += 1
            for sponsor in filter(None, (fields.get("sponsor") or "").split(",")):
                counts["sponsor"][sponsor] += 1
            for item in filter(None, (fields.get("agenda") or "").split(",")):
                counts["agenda"][item] += 1
    return counts


def test_facet_counts_equal_a_walk_over_all_clauses(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(session=(55, 73), per_page=0, facet_limit=200))
    expected = _walk_counts(engine, lambda f: f.get("session") in (55, 73))
    for name in ("sponsor", "agenda", "verb", "kind"):
        got = {v.value: v.count for v in result.facets[name].values}
        assert got == dict(expected[name]), name
        assert result.facets[name].total_values == len(expected[name])
    seed_only = engine.search(SearchRequest(session=(73,), per_page=0))
    sponsors = {v.value: v.count for v in seed_only.facets["sponsor"].values}
    assert sponsors == {"Belarus": 27, "Kazakhstan": 27}  # multi-valued: every sponsor of a clause counts


def test_a_facets_own_selection_does_not_shrink_its_counts(engine: SearchEngine) -> None:
    unfiltered = engine.search(SearchRequest(q="决定", per_page=0, facet_limit=200))
    filtered = engine.search(SearchRequest(q="决定", session=(80,), per_page=0, facet_limit=200))
    assert filtered.total < unfiltered.total
    assert filtered.facets["session"].values == unfiltered.facets["session"].values
    assert {v.value for v in filtered.facets["verb"].values} <= {v.value for v in unfiltered.facets["verb"].values}
    assert sum(v.count for v in filtered.facets["kind"].values) == filtered.total


@pytest.mark.needs_shared
def test_paging_covers_every_hit_exactly_once(engine: SearchEngine) -> None:
    total = engine.search(SearchRequest(q="decides", per_page=0)).total
    assert total > 45
    seen: list[str] = []
    for page in range(1, total // 7 + 2):
        result = engine.search(SearchRequest(q="decides", per_page=7, page=page, facets=()))
        assert result.total == total
        seen.extend(f"{h.doc_id}#{h.clause.number}" for h in result.hits)
    assert len(seen) == len(set(seen)) == total


@pytest.mark.needs_shared
@pytest.mark.parametrize("query", ["维持和平", '"集体安全条约组织秘书处"', "請", "security council"])
def test_highlight_spans_land_on_the_matched_characters(engine: SearchEngine, query: str) -> None:
    result = engine.search(SearchRequest(q=query, per_page=10))
    assert result.hits
    needles = {"維持和平": "维持和平"}.get(query, query).strip('"').lower().split()
    for hit in result.hits:
        assert hit.highlight_spans
        for start, end in hit.highlight_spans:
            marked = normalize_text(hit.clause.text[start:end]).lower()
            assert any(normalize_text(n) in marked or marked in normalize_text(n) for n in needles), marked
        assert "<mark>" in hit.highlight


def test_snippet_is_centred_on_the_match(engine: SearchEngine) -> None:
    hit = engine.search(SearchRequest(q="内列加尔")).hits[0]
    start = hit.highlight.index("<mark>")
    assert 0 < start < len(hit.highlight) - 20


def test_a_long_clauses_snippet_shows_where_the_querys_words_meet() -> None:
    """Not where the commonest query word first appears: the window with the most different
    words matched (an invented clause, laid out as the UDHR's article 16 is)."""
    from search_api.core.highlight import snippet

    text = "The peoples of the world " + "and their nations " * 8 + "shall promote peace and security together."
    spans = [(m.start(), m.end()) for w in ("the", "peace", "security") for m in re.finditer(rf"\b{w}\b", text, re.I)]
    shown = snippet(text, sorted(spans))
    assert "<mark>peace</mark> and <mark>security</mark>" in shown, shown
    assert snippet(text, [(4, 11)]).startswith("The <mark>peoples</mark>")  # one match: around it


def test_document_level_gives_one_hit_per_resolution_with_best_clauses(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(q="集体安全条约组织", level="document"))
    assert [h.doc_id for h in result.hits] == [SEED_DOC]
    assert result.hits[0].clause is None
    assert 1 <= len(result.hits[0].snippets) <= 3 and "<mark>" in result.hits[0].snippets[0]["highlight"]


def test_sort_by_date_is_newest_first(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(kind=("decision",), sort="date", per_page=50, facets=()))
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    by_session = engine.search(SearchRequest(q="decides", sort="session", per_page=50, facets=()))
    sessions = [h.session for h in by_session.hits]
    assert sessions == sorted(sessions, reverse=True)


def test_did_you_mean_when_nothing_is_found(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(q="securty"))
    assert result.total == 0
    assert "security" in result.did_you_mean


@pytest.mark.parametrize("query", ['"unclosed', "(a OR b", "a OR", "session:abc", "AND 联合国", "sponsor:"])
def test_malformed_query_is_a_typed_error(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QuerySyntaxError) as error:
        engine.search(SearchRequest(q=query))
    assert error.value.message and "Traceback" not in str(error.value)


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(per_page=101),
        SearchRequest(page=0),
        SearchRequest(level="page"),
        SearchRequest(sort="x"),
        SearchRequest(q="x" * 1001),
    ],
)
def test_out_of_bounds_parameters_are_refused(engine: SearchEngine, request_: SearchRequest) -> None:
    with pytest.raises(ParameterError):
        engine.search(request_)


def test_facet_values_with_query_syntax_are_values(engine: SearchEngine) -> None:
    # Taken whole, never parsed as a query: no state has that name (and the answer says so), no
    # agenda item is written so (a free-form value: 0 hits).
    with pytest.raises(ParameterError, match="unknown sponsor"):
        engine.search(SearchRequest(sponsor=('Belarus" OR session:73',)))
    assert engine.search(SearchRequest(agenda=("128(t) OR *",))).total == 0


def test_a_filter_value_outside_the_vocabulary_is_named_one_inside_it_is_a_true_zero(engine: SearchEngine) -> None:
    """`sponsor=Narnia` names no state: a 400 with the closest sponsors; a member state or a verb
    concept that no record has is an answer of 0 hits, as a session without resolutions is."""
    with pytest.raises(ParameterError, match="did you mean: Belarus"):
        engine.search(SearchRequest(sponsor=("Belaru",)))
    with pytest.raises(ParameterError, match="unknown language 'xx'"):
        engine.search(SearchRequest(language=("xx",)))
    with pytest.raises(ParameterError, match="unknown verb"):
        engine.search(SearchRequest(verb=("frobnicates",)))
    assert engine.search(SearchRequest(sponsor=("Tuvalu",), session=(73,))).total == 0
    assert engine.search(SearchRequest(verb=("谴责",), session=(73,))).total == 0
    assert engine.search(SearchRequest(cites=("A/RES/1/999",))).total == 0


@pytest.mark.needs_shared
def test_documents_by_symbol_id_or_file_name(engine: SearchEngine) -> None:
    assert engine.document("A/RES/55/100").doc_id == "zh:A/RES/55/100"
    assert engine.document("en:A/RES/55/100").language == "en"
    seed = engine.document("000_b19792f0abdd90de")
    assert len(seed.clauses) == 27 and seed.citations[0] == "A/RES/59/50"
    assert engine.document("A/RES/55/100").other_languages == ["en:A/RES/55/100"]


def test_suggest_completes_words_and_titles(engine: SearchEngine) -> None:
    completions = engine.suggest("集体")
    words = [c["text"] for c in completions if c["kind"] == "term"]
    assert "集体安全条约组织" in words
    assert any(c["kind"] == "title" and "集体安全条约组织" in c["text"] for c in completions)


def test_filters_that_match_nothing_give_nothing(engine: SearchEngine) -> None:
    for level in ("clause", "document"):
        result = engine.search(SearchRequest(level=level, verb=("提及",), session=(80,)))
        assert (result.total, result.hits) == (0, []), level
        assert [v.value for v in result.facets["session"].values] == [73]  # its own filter left out


def test_warm_up_loads_the_snapshot_caches_and_changes_no_answer(seed_index) -> None:  # type: ignore[no-untyped-def]
    fresh = SearchEngine(seed_index)
    fresh.warm()
    for lane in fresh._snapshots.lanes:
        cache = lane.cache
        assert cache is not None
        codes = {f"codes-{field}" for field in ("session", "sponsor", "cites", "verb", "doc_id")}
        assert codes | {"length-codes-text", "length-codes-title", "length-codes-chars"} <= cache.arrays.names()
    request = SearchRequest(q="维持和平 安全", facets=("session", "sponsor"))
    assert fresh.search(request).hits == SearchEngine(seed_index).search(request).hits


# --- clauses inherit their resolution's fields (held by the document record only) -----------------
def _resolutions(engine: SearchEngine) -> dict[str, dict]:  # type: ignore[type-arg]
    with engine._current() as searcher:
        return {fields["doc_id"]: fields for fields in searcher.documents(level="document")}


def test_a_resolution_field_in_the_query_matches_its_clauses_like_the_filter(engine: SearchEngine) -> None:
    by_filter = engine.search(SearchRequest(q="和平", session=(73,), per_page=100, facets=()))
    by_query = engine.search(SearchRequest(q="session:73 和平", per_page=100, facets=()))
    assert by_filter.total > 0 and by_query.total == by_filter.total
    key = lambda hit: (hit.doc_id, hit.clause.number)  # noqa: E731
    # The session term adds its weight (1.0) to every clause of a session-73 resolution.
    assert [(key(h), round(h.score - 1.0, 4)) for h in by_query.hits] == [(key(h), h.score) for h in by_filter.hits]


def test_a_sponsor_query_finds_every_clause_of_the_resolutions_it_sponsored(engine: SearchEngine) -> None:
    resolutions = _resolutions(engine)
    sponsored = {d for d, f in resolutions.items() if "Belarus" in (f.get("sponsor") or "").split(",")}
    expected = 0
    with engine._current() as searcher:
        expected = sum(1 for c in searcher.documents(level="clause") if c["doc_id"] in sponsored)
    result = engine.search(SearchRequest(q="sponsor:Belarus", per_page=100, facets=()))
    assert sponsored and result.total == expected > 0
    assert {hit.doc_id for hit in result.hits} <= sponsored


@pytest.mark.needs_shared
def test_a_clause_hit_shows_its_resolutions_fields(engine: SearchEngine) -> None:
    resolutions = _resolutions(engine)
    hits = [
        hit
        for q in ("和平", "General Assembly", "session:73")
        for hit in engine.search(SearchRequest(q=q, per_page=50, facets=())).hits
    ]
    assert len(hits) > 100 and any(h.sponsors for h in hits) and any(h.date for h in hits)
    for hit in hits:
        resolution = resolutions[hit.doc_id]
        assert hit.clause is not None
        assert (hit.title, hit.symbol or "", hit.session, hit.date) == (
            resolution.get("title", ""),
            resolution.get("symbol") or "",
            resolution.get("session"),
            resolution.get("date"),
        )
        assert hit.sponsors == [s for s in (resolution.get("sponsor") or "").split(",") if s]


def _reference_facet_result(facet: object, counts: dict[object, int], limit: int, english: bool) -> object:
    """facet_result as it was: every value made an object and sorted (the reference)."""
    from search_api.labels import facet_label
    from search_api.models import FacetResult, FacetValue

    values = [
        FacetValue(value.decode("utf-8") if isinstance(value, bytes) else value, count)
        for value, count in counts.items()
        if count > 0 and facet.real(value)  # type: ignore[attr-defined]
    ]
    values.sort(key=lambda v: (-v.count, str(v.value)))
    shown = values[:limit]
    for value in shown:
        value.label = facet_label(facet.name, value.value, "en" if english else "zh")  # type: ignore[attr-defined]
    return FacetResult(facet.label_en if english else facet.label_zh, shown, len(values))  # type: ignore[attr-defined]


def test_facet_results_cut_before_sorting_are_the_full_sorts(engine: SearchEngine) -> None:
    """Only the values that can be shown are sorted: the same values, counts, order and totals as
    sorting them all, for every facet of the corpus at every limit (ties at the cut included)."""
    import numpy as np

    from search_api.core.hits import facet_result
    from search_api.facets import FACETS

    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        clauses = np.flatnonzero(cache.mask(wq.Term("level", "clause")) & cache.postings.live)
        for facet in FACETS:
            counts = cache.count(facet.field, clauses, facet.multi_valued)
            assert counts, facet.name
            for limit in (1, 2, 3, 5, 10, 200):
                for english in (False, True):
                    assert facet_result(facet, counts, limit, english) == _reference_facet_result(
                        facet, counts, limit, english
                    ), (facet.name, limit)


def _reference_spans(text: str, words: set[str], phrases: list[tuple[str, list[str]]]) -> list[tuple[int, int]]:
    """match_spans as it was: the word analyzer itself (not its one-loop form), run again for
    word phrases (the reference)."""
    from analyzers import char_analyzer, word_analyzer
    from analyzers.languages import STEMMED_LANGUAGES, stem_token
    from search_api.core.highlight import _merge

    WORDS, CHARS = word_analyzer(), char_analyzer()

    def by_position(analyzer: object, **options: bool) -> dict[int, dict[str, tuple[int, int]]]:
        found: dict[int, dict[str, tuple[int, int]]] = {}
        for token in analyzer(text, chars=True, positions=True, **options):  # type: ignore[operator]
            found.setdefault(token.pos, {})[token.text] = (token.startchar, token.endchar)
        return found

    spans: list[tuple[int, int]] = []
    if words:
        stemmed = {w.split(":", 1)[0] for w in words if w.split(":", 1)[0] in STEMMED_LANGUAGES}
        for token in WORDS(text, chars=True, positions=True):
            if token.text in words or any(stem_token(language, token.text) in words for language in stemmed):
                spans.append((token.startchar, token.endchar))
    tokens = {f: by_position(CHARS, unigrams=True) if f == "chars" else by_position(WORDS) for f, _ in phrases}
    for field, phrase in phrases:
        here_all = tokens[field]
        for position, here in here_all.items():
            if phrase[0] in here:
                ends = [here_all.get(position + i, {}).get(term) for i, term in enumerate(phrase)]
                if all(ends):
                    spans.append((here[phrase[0]][0], ends[-1][1]))  # type: ignore[index]
    return _merge(spans)


@pytest.mark.parametrize(
    "q",
    [
        "维持和平",
        '"集体安全条约组织"',
        "peace security",
        '"outer space"',
        "decides",
        "大会 决定",
        '"human rights" freedom',
        # Symbols, dates, one character, a quoted word beside a word, parts of longer words
        # (组织 in 集体安全条约组织), `and/or` (a symbol of letters: its pieces are words).
        "59/50",
        "2004年12月2日",
        "和",
        '"和平" peace',
        "decide 维持",
        '"secretary-general" 秘书长',
        "合作 cooperation",
        "and/or",
        '"集体安全"',
        "组织",
    ],
)
def test_highlights_from_one_analysis_are_the_two_analyses(engine: SearchEngine, q: str) -> None:
    """Highlighting analyses a clause once, for the query's tokens only (the others get no span;
    a Chinese run holding none of them is not cut): the same marks as the analyzers themselves
    over the whole clause, run again for word phrases, on every clause each query matches (up
    to 100)."""
    _assert_highlights_are_the_reference(engine, q)


@pytest.mark.needs_shared
@pytest.mark.parametrize("q", ["développement durable", "права человека", "الجمعية العامة", "desarrollo sostenible"])
def test_highlights_in_the_other_languages_are_the_reference(engine: SearchEngine, shared_corpus: Path, q: str) -> None:
    """The same in the stemmed languages of the shared corpus (French, Russian, Arabic folding, Spanish)."""
    _assert_highlights_are_the_reference(engine, q)


@pytest.mark.parametrize("q", ["A/RES/59/50", "cites:A/RES/59/50", "a/res/59/50"])
def test_a_cited_symbol_is_marked_where_the_clause_cites_it(engine: SearchEngine, q: str) -> None:
    """A clause found because it cites the symbol shows the citation marked, as it is written there."""
    hits = engine.search(SearchRequest(q=q, per_page=100)).hits
    citing = [hit for hit in hits if hit.clause and "A/RES/59/50" in hit.clause.citations]
    assert citing, q
    for hit in citing:
        assert hit.clause is not None
        marked = [hit.clause.text[start:end] for start, end in hit.highlight_spans]
        assert marked == ["第 59/50 号"] and "<mark>第 59/50 号</mark>" in hit.highlight, (q, marked)


def test_a_skipped_chinese_run_still_parts_a_phrase() -> None:
    """A Chinese run holding none of the query's words is not cut, but it still stands between
    the words on either side: `"peace security"` is not marked across it."""
    from search_api.core.highlight import match_spans

    for text, words, phrases in [
        ("peace 和平 security, peace security", set(), [("text", ["peace", "security"])]),
        ("维持和平 行动 与 和平 行动", {"行动"}, [("text", ["和平", "行动"])]),
        ("TÜRKİYE 和平 decided", {"en:decid"}, [("chars", ["和平"])]),
    ]:
        assert match_spans(text, words, phrases) == _reference_spans(text, words, phrases) != [], text


def _assert_highlights_are_the_reference(engine: SearchEngine, q: str) -> None:
    from search_api.core.highlight import match_spans
    from search_api.core.query import highlight_terms, parse_query

    words, phrases = highlight_terms(parse_query(q))
    hits = engine.search(SearchRequest(q=q, per_page=100, highlight=False)).hits
    assert hits, q
    marked = 0
    for hit in hits:
        text = hit.clause.text if hit.clause else ""
        spans = match_spans(text, words, phrases)
        assert spans == _reference_spans(text, words, phrases), (q, hit.doc_id)
        marked += bool(spans)
    assert marked, q


def test_results_as_plain_dicts_are_what_asdict_gives(engine: SearchEngine, seed_text: str) -> None:
    """`models.plain` replaces `dataclasses.asdict` (without its deep copies): the same dicts,
    lists and tuples for every kind of result the API answers."""
    from dataclasses import asdict

    from indexer.structure import parse_text
    from search_api.models import plain

    results: list[object] = [
        engine.search(SearchRequest(q="维持和平", facets=("session", "sponsor"))),
        engine.search(SearchRequest(q="集体安全条约组织", level="document")),
        engine.search(SearchRequest(q="freedom", language=("en",), parallel=("zh",))),
        engine.document("A/RES/80/20"),
        engine.precedents("又提及大会第 59/50 号决议，其中大会给予集体安全条约组织观察员地位，"),
        engine.lineage("A/RES/80/20"),
        engine.trend(("peace", "和平")),
        engine.check(parse_text(seed_text, "draft.txt")),
    ]
    for result in results:
        assert plain(result) == asdict(result), type(result).__name__  # type: ignore[call-overload]


def test_a_filter_group_is_the_union_of_its_values_as_whoosh_reads_them(engine: SearchEngine) -> None:
    """Alternatives of one field are read as one mask (numeric values as terms, a resolution's
    field spread to its records once): the same documents as Whoosh's own range query for each
    value, spread to the records, and as the values' masks one by one."""
    import numpy as np

    with engine._current() as searcher:
        cache = engine._snapshot(searcher)
        sessions = sorted({s for s in (f.get("session") for f in searcher.all_stored_fields()) if s})
        assert len(sessions) >= 2
        group = [wq.Term("session", s) for s in sessions[:3]]
        union = cache.any_of(group)
        assert union.any()
        one_by_one = np.logical_or.reduce([cache.any_of([q]) for q in group])
        assert (union == one_by_one).all()
        # Whoosh's reading: the document records in those sessions, then every record they own.
        expected = np.zeros(cache.size, dtype=bool)
        for s in sessions[:3]:
            expected[list(searcher.docs_for_query(wq.NumericRange("session", s, s)))] = True
        assert (union == (cache.inherited(expected) & cache.postings.live)).all()

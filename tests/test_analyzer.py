"""The analysis chain, on real sentences of the seed and the UN corpora."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import random
import re
import unicodedata
from pathlib import Path

import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from analyzers import char_analyzer, normalize, segmenter, word_analyzer
from analyzers.normalize import _nfkc
from analyzers.tokenizer import CLAUSE_SEPARATOR
from indexer.structure import parse_text
from search_api.core.query import parse_query
from tests.conftest import CORPUS, SEED_TEXT
from tests.oracle import oracle
from tests.phrases import SEED_PHRASES


def tokens(text: str, mode: str = "index") -> list[str]:
    return [t.text for t in word_analyzer()(text, mode=mode)]


def ram_index(texts: list[str]):  # type: ignore[no-untyped-def]
    schema = fields.Schema(
        id=fields.ID(stored=True),
        text=fields.TEXT(analyzer=word_analyzer(), stored=True),
        chars=fields.TEXT(analyzer=char_analyzer()),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for number, text in enumerate(texts):
            writer.add_document(id=str(number), text=text, chars=text)
    return ix


def hits(ix, q) -> list[str]:  # type: ignore[no-untyped-def]
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(oracle(q), limit=None)]


@pytest.fixture(scope="module")
def seed_clauses() -> list[str]:
    resolution = parse_text(SEED_TEXT.read_text("utf-8"), SEED_TEXT)
    return [clause.text for clause in resolution.clauses]


@pytest.fixture(scope="module")
def seed_ix(seed_clauses):  # type: ignore[no-untyped-def]
    return ram_index(seed_clauses)


# --- the four failures of the stock analyzer -------------------------------------------------------
def test_phrase_over_compound_and_following_word_is_found(seed_ix) -> None:  # type: ignore[no-untyped-def]
    assert hits(seed_ix, parse_query('"集体安全条约组织秘书处"'))


def test_resolution_symbols_are_kept_whole_with_their_parts() -> None:
    assert "a/res/73/12" in tokens("A/RES/73/12")
    assert {"73/12", "73", "12"} <= set(tokens("A/RES/73/12"))
    assert "1631(2005)" in tokens("第1631(2005)号决议")
    assert {"1631", "2005"} <= set(tokens("第1631(2005)号决议"))
    assert "s/res/1631(2005)" in tokens("S/RES/1631(2005)")
    assert "a/73/l.20" in tokens("见 A/73/L.20。")
    assert tokens("A/RES/73/12", mode="query") == ["a/res/73/12"]


def test_full_width_digits_are_indexed_as_digits() -> None:
    assert "2016" in tokens("２０１６年") or "2016年" in tokens("２０１６年")
    assert "2016" in tokens("２０１６ 年 10 月")


def test_traditional_script_matches_simplified() -> None:
    assert tokens("聯合國", mode="query") == tokens("联合国", mode="query") == ["联合国"]
    ix = ram_index(["联合国大会第七十三届会议"])
    assert hits(ix, parse_query("聯合國大會"))


# --- normalisation ----------------------------------------------------------------------------------
def test_pdf_line_break_inside_a_word_is_removed() -> None:
    assert "联合国" in tokens("联\n合国")
    normalized = normalize("集体安全条约\n\n组织")
    assert normalized.text == "集体安全条约组织"
    assert normalized.original_span(6, 8) == (8, 10)


def test_dates_with_pdf_spacing_match_compact_dates() -> None:
    ix = ram_index(["又提及大会 2004 年 12 月 2 日第 59/50 号决议"])
    assert hits(ix, parse_query("2004年12月2日"))
    assert hits(ix, parse_query("2004年"))
    assert "2015-2020" in tokens("2015-2020 年期间") and "2020" in tokens("2015-2020 年期间")


def test_english_stop_words_do_not_eat_symbol_letters() -> None:
    assert tokens("A/RES/59/50 and the Assembly", mode="query")[0] == "a/res/59/50"
    assert "and" in tokens("and/or")


# --- words, parts and the character field -----------------------------------------------------------
def test_sub_word_finds_compound(seed_ix) -> None:  # type: ignore[no-untyped-def]
    found = hits(seed_ix, parse_query("安全"))
    assert found
    assert "安全" in segmenter.parts("集体安全条约组织")


def test_a_compound_has_the_words_it_starts_and_ends_with_as_parts_at_its_position() -> None:
    assert {"难民", "民营"} <= set(segmenter.parts("难民营"))
    tokens = [(t.text, t.pos) for t in word_analyzer()("设立难民营", positions=True)]
    camp = next(pos for text, pos in tokens if text == "难民营")
    assert ("难民", camp) in tokens


def test_parts_never_straddle_a_word_boundary() -> None:
    assert "国大" not in segmenter.parts("联合国大会")
    assert "合国" not in segmenter.parts("联合国大会")


def test_unquoted_cross_word_string_finds_nothing_but_quoted_finds_it() -> None:
    ix = ram_index(["联合国大会第七十三届会议"])
    assert hits(ix, parse_query("国大")) == []
    assert hits(ix, parse_query('"国大"')) == ["0"]


def test_quoted_string_is_an_exact_substring_even_across_compound_parts(seed_clauses, seed_ix) -> None:  # type: ignore[no-untyped-def]
    assert hits(seed_ix, parse_query('"集体秘书处"')) == []  # parts of 集体安全条约组织 + 秘书处
    assert hits(seed_ix, parse_query("集体 秘书处"))
    expected = {str(i) for i, text in enumerate(seed_clauses) if "组织秘书处" in text}
    assert set(hits(seed_ix, parse_query('"组织秘书处"'))) == expected


def test_single_character_finds_every_clause_containing_it(seed_clauses, seed_ix) -> None:  # type: ignore[no-untyped-def]
    expected = {str(i) for i, text in enumerate(seed_clauses) if "请" in text}
    assert expected
    assert set(hits(seed_ix, parse_query("请"))) == expected


def test_a_character_is_found_wherever_it_stands_even_last_in_a_clause(seed_clauses, seed_ix) -> None:  # type: ignore[no-untyped-def]
    """The character field indexes the bigram each character starts, and a clause's last
    character as itself: a one-character query must find both kinds of occurrence."""
    from search_api.core.phrase import Character

    texts = [normalize(text).text.lower() for text in seed_clauses]
    # `;` and `。` end clauses of the seed where they stand nowhere else: the last-character case.
    assert any(text.endswith(";") and text.count(";") == 1 for text in texts)
    assert any(text.endswith("。") and text.count("。") == 1 for text in texts)
    for char in (";", "。", "请", "会", "2"):
        expected = {str(i) for i, text in enumerate(texts) if char in text}
        assert expected, char
        assert set(hits(seed_ix, Character(char))) == expected, char


@pytest.mark.parametrize(
    ("text", "letters"),
    [("联合国大会 A/RES/73/12，２０１６年", True), ("The General Assembly, A/RES/73/12 (2016)", False)],
    ids=["chinese-keeps-latin-letters", "english-leaves-them-to-the-word-field"],
)
def test_the_character_field_indexes_one_gram_a_position_starting_with_its_character(text: str, letters: bool) -> None:
    kept = [c for c in normalize(text).text.lower() if not c.isspace() and (letters or not "a" <= c <= "z")]
    grams = [(t.pos, t.text) for t in char_analyzer()(text, positions=True)]
    assert [pos for pos, _ in grams] == list(range(len(kept)))
    assert [gram for _, gram in grams] == ["".join(pair) for pair in itertools.pairwise(kept)] + [kept[-1]]
    every = {(t.pos, t.text) for t in char_analyzer()(text, positions=True, unigrams=True)}
    assert every == set(grams) | set(enumerate(kept))


@pytest.mark.parametrize("phrase", SEED_PHRASES)
def test_quoted_phrase_cut_from_a_real_clause_finds_it(phrase, seed_clauses, seed_ix) -> None:  # type: ignore[no-untyped-def]
    expected = {str(i) for i, text in enumerate(seed_clauses) if phrase in normalize(text).text}
    assert expected, f"phrase not in the seed: {phrase}"
    assert expected <= set(hits(seed_ix, parse_query(f'"{phrase}"')))


def test_phrase_of_whole_words_matches_in_the_word_field(seed_clauses, seed_ix) -> None:  # type: ignore[no-untyped-def]
    """Runs of 2 to 5 consecutive top-level words of a clause, as a word-field phrase."""
    rng = random.Random(73)
    tried = 0
    for number, text in enumerate(seed_clauses):
        words = [t.text for t in word_analyzer()(text, mode="query")]
        for _ in range(3):
            size = rng.randint(2, 5)
            if len(words) <= size:
                continue
            start = rng.randrange(0, len(words) - size)
            phrase = wq.Phrase("text", words[start : start + size])
            assert str(number) in hits(seed_ix, phrase), words[start : start + size]
            tried += 1
    assert tried >= 60


def test_no_phrase_matches_across_two_clauses(seed_clauses) -> None:
    ix = ram_index([CLAUSE_SEPARATOR.join(seed_clauses[:2])])
    last_words = [t.text for t in word_analyzer()(seed_clauses[0], mode="query")][-2:]
    first_words = [t.text for t in word_analyzer()(seed_clauses[1], mode="query")][:2]
    assert hits(ix, wq.Phrase("text", last_words))
    assert hits(ix, wq.Phrase("text", first_words))
    assert hits(ix, wq.Phrase("text", last_words + first_words)) == []
    boundary = seed_clauses[0][-2:] + seed_clauses[1][:2]
    assert hits(ix, parse_query(f'"{boundary}"')) == []


# --- offsets ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["聯合國大會", "集体安全条约\n\n组织秘书处", "２０１６年 A/RES/73/12", "2004 年 12 月 2 日"]
)
def test_offsets_point_at_the_original_characters(text: str) -> None:
    for token in word_analyzer()(text, chars=True, positions=True):
        original = text[token.startchar : token.endchar]
        assert token.text in normalize(original).text.lower(), (token.text, original)
    positions = [t.pos for t in word_analyzer()(text, positions=True)]
    assert positions == sorted(positions)


def test_character_field_positions_are_consecutive() -> None:
    grams = [(t.pos, t.text) for t in char_analyzer()("联合国大会", positions=True)]
    assert ("国大", 2) in [(text, pos) for pos, text in grams]
    assert [t.text for t in char_analyzer()("国大", mode="query")] == ["国大"]
    assert [t.text for t in char_analyzer()("请", mode="query")] == ["请"]


def test_nfkc_map_matches_character_by_character_folding() -> None:
    # Real texts mix full-width forms (one character each) with a few that expand (ﬁ, ㈱, ㍻).
    pool = "联合国大会２０１６Ａ／ＲＥＳ，。（）ﬁ㈱㍻①…\u3000 abc聯合國"
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        expected_source = [i for i, c in enumerate(text) for _ in unicodedata.normalize("NFKC", c)]
        expected = "".join(unicodedata.normalize("NFKC", c) for c in text)
        assert _nfkc(text) == (expected, expected_source), text
        normalized = normalize(text)
        assert len(normalized.source) == len(normalized.text)


def test_the_quick_whitespace_check_passes_only_texts_the_full_pass_leaves_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`_no_whitespace_changes` skips the whitespace pass only where the pass would change nothing:
    on random texts of every kind of white space beside CJK, digits and letters, and on every
    clause of the test corpus (the shared corpus's too, where present)."""
    from indexer.corpus import discover
    from indexer.errors import DocumentError
    from indexer.readers import read_document

    normalize_module = importlib.import_module("analyzers.normalize")  # the package exports the function
    quick, full = normalize_module._no_whitespace_changes, normalize_module._fold_whitespace
    pool = "联合国2０a b .  \u3000\xa0\t\n\u2009"
    rng = random.Random(28)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    clauses: list[str] = []
    for path in discover([CORPUS]).documents:
        with contextlib.suppress(DocumentError):
            clauses += [clause.text for clause in read_document(path).clauses]
    texts += clauses
    skipped = [text for text in texts if quick(text)]
    monkeypatch.setattr(normalize_module, "_no_whitespace_changes", lambda text: False)
    for text in skipped:
        assert full(text, list(range(len(text))))[0] == text, repr(text)
    assert sum(map(quick, clauses)) > len(clauses) / 2  # and it skips most clauses
    assert any(full(text, list(range(len(text))))[0] != text for text in texts)


def test_the_rust_segmenter_takes_the_un_words_frequencies_from_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UN words' frequencies are the Python build's (so both builds cut alike), kept in the
    cache so a one-shot search never loads the Python dictionary; a broken cache is made again."""
    monkeypatch.setenv("GA_SEARCH_CACHE", str(tmp_path))
    python_jieba = segmenter._python_jieba()
    expected = {word: python_jieba.FREQ.get(word) for word in segmenter.user_words()}
    assert segmenter.user_word_frequencies() == expected  # worked out, and written
    (saved,) = tmp_path.glob("user-word-frequencies-*.json")
    monkeypatch.setattr(segmenter, "_python_jieba", lambda: pytest.fail("read from the cache, not worked out"))
    assert segmenter.user_word_frequencies() == expected
    saved.write_text("{not json", "utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("GA_SEARCH_CACHE", str(tmp_path))
    assert segmenter.user_word_frequencies() == expected
    rust = segmenter._rust_jieba()
    for text in ("联合国同集体安全条约组织的合作", "哈萨克斯坦共和国和白俄罗斯共和国提交了决议草案", "维持和平行动部"):
        assert rust.cut(text, True) == segmenter.cut_python(text)


def _reference_parts(word: str, tokenizer: object, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """`segmenter.parts` as it was written on jieba's own loaded `Tokenizer` (get_DAG, calc, FREQ):
    the reference the memory-mapped dictionary must agree with."""
    if word in cache:
        return cache[word]
    if len(word) < 3:
        return ()
    dag = tokenizer.get_DAG(word)  # type: ignore[attr-defined]
    whole = len(word) - 1
    dag[0] = [end for end in dag[0] if end != whole] or [0]
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(word, dag, route)  # type: ignore[attr-defined]
    found: list[str] = []
    start = 0
    while start < len(word):
        end = route[start][1] + 1
        piece = word[start:end]
        if len(piece) > 1:
            found.append(piece)
            found.extend(_reference_parts(piece, tokenizer, cache))
        start = end
    freq = tokenizer.FREQ  # type: ignore[attr-defined]
    leading = max((end for end in dag[0] if 0 < end < len(word) - 1), default=None)
    edges = [word[: leading + 1]] if leading is not None else []
    trailing = next((word[s:] for s in range(1, len(word) - 1) if freq.get(word[s:])), None)
    edges += [trailing] if trailing is not None else []
    for edge in edges:
        found.append(edge)
        found.extend(_reference_parts(edge, tokenizer, cache))
    cache[word] = tuple(dict.fromkeys(found))
    return cache[word]


def test_word_parts_from_the_mapped_dictionary_are_jiebas_own(tmp_path: Path) -> None:
    """Every compound of the Chinese texts at hand (the seed draft; 55/100 and the UDHR where the
    shared corpus is), its parts from the memory-mapped dictionary against jieba's loaded one."""
    from analyzers.word_dictionary import MappedFrequencies, save
    from tests.conftest import CORPUS, SEED_TEXT

    tokenizer = segmenter._python_jieba()
    save(tokenizer.FREQ, tokenizer.total, tmp_path / "dictionary", rjieba_total=tokenizer.rjieba_total)
    mapped = MappedFrequencies(tmp_path / "dictionary")
    texts = [SEED_TEXT.read_text("utf-8")]
    texts += [p.read_text("utf-8") for p in (CORPUS / "un_ga_55_100").glob("*.zh")]
    texts += [p.read_text("utf-8") for p in (CORPUS / "udhr").glob("cmn_hans.html")]
    words = {w for text in texts for run in re.findall(r"[\u4e00-\u9fff]+", text) for w in segmenter.cut(run)}
    compounds = sorted(w for w in words if len(w) >= 3)
    assert len(compounds) > 20
    fast: dict[str, tuple[str, ...]] = {}

    def recurse(word: str) -> tuple[str, ...]:
        if word not in fast:
            fast[word] = segmenter.word_parts(word, mapped, recurse)
        return fast[word]

    reference: dict[str, tuple[str, ...]] = {}
    for word in compounds:
        assert recurse(word) == _reference_parts(word, tokenizer, reference), word
    assert mapped.total == tokenizer.total and mapped.frequency("联合国") == tokenizer.FREQ["联合国"]
    assert mapped.rjieba_total == tokenizer.rjieba_total < tokenizer.total
    assert mapped.frequency("联合") == tokenizer.FREQ["联合"] and mapped.frequency("不是一个词汇啊") is None


def test_a_process_that_analyses_much_text_uses_the_loaded_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexer (indexer/writer.py, indexer/shards.py) switches to jieba's loaded dictionary:
    the same parts, looked up in memory."""
    from analyzers.word_dictionary import MappedFrequencies, PythonFrequencies

    monkeypatch.setattr(segmenter, "_LOADED", [])
    segmenter._frequencies.cache_clear()
    segmenter.parts.cache_clear()
    assert isinstance(segmenter._frequencies(), MappedFrequencies)
    mapped = [segmenter.parts(word) for word in ("联合国大会", "集体安全条约组织", "难民营")]
    segmenter.use_loaded_dictionary()
    assert isinstance(segmenter._frequencies(), PythonFrequencies)
    assert [segmenter.parts(word) for word in ("联合国大会", "集体安全条约组织", "难民营")] == mapped
    segmenter._frequencies.cache_clear()


def test_cjk_count_counts_every_ideograph_of_each_block() -> None:
    """`cjk_count` (a run at a time) against a character at a time, on texts mixing the three CJK
    blocks with Latin letters, digits, full-width punctuation and white space."""
    from analyzers.scripts import cjk_count, is_cjk

    pool = "联合国大会\u3400\u4dbf\u4e00\u9fff\uf900\ufaffa1，。 （）\u3000Z"
    rng = random.Random(28)
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        assert cjk_count(text) == sum(map(is_cjk, text)), text

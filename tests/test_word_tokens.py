"""The one-loop word chain (analyzers/word_tokens.py) yields what `word_analyzer()` yields, and
`char_tokens` what the character chain yields for highlighting, token for token, on every stored
text of the test corpus (the seeds and, where present, the shared corpus: six languages, PDFs with
broken lines, full-width forms, symbols and dates)."""

from __future__ import annotations

from pathlib import Path

from whoosh import formats
from whoosh.index import open_dir

from analyzers import char_analyzer, word_analyzer
from analyzers.chain import is_word_chain
from analyzers.tokenizer import char_tokens
from analyzers.word_tokens import word_stream, word_tokens
from indexer.formats import PackedPositions
from indexer.schema import build_schema

# What the real texts may lack: every kind of run, a clause break, a mark-bearing Arabic word.
EDGE_CASES = [
    "",
    "\u2029\u2029和平",
    "S/RES/1631(2005) and/or A/RES/59/50号 2004年12月2日 1990-2000 ＡＲＥＳ ２０１６ 联\n合国",
    "第一段\u2029第二段：集体安全条约组织秘书处\u2029\u2029третий абзац",
    "الْجَمْعِيَّة العامة 128(t) 59/50 a/b 3.5 1,000",
    "elected TÜRKİYE as a member，当选为理事会成员 İİ 和平",  # `İ` lowercases to two characters
]


def _chain(text: str) -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar) for t in word_analyzer()(text, positions=True, chars=True)]


def _stored_texts(index_dir: Path) -> list[str]:
    with open_dir(str(index_dir)).searcher() as searcher:
        return [
            value
            for fields in searcher.all_stored_fields()
            for name in ("text", "title", "notes")
            if isinstance(value := fields.get(name), str) and value
        ]


def test_word_tokens_equal_the_chain_on_the_corpus(seed_index: Path) -> None:
    texts = _stored_texts(seed_index) + EDGE_CASES
    assert len(texts) > 100
    differing = [text[:60] for text in texts if word_tokens(text) != _chain(text)]
    assert not differing, differing[:5]
    assert sum(len(word_tokens(text)) for text in texts) > 5_000  # the seeds alone: 6,700


def test_the_index_stream_gives_the_tokens_terms_and_positions(seed_index: Path) -> None:
    """`word_stream` (indexing's fast path) against `word_tokens` without spans, on the corpus."""
    texts = _stored_texts(seed_index) + EDGE_CASES
    for text in texts:
        tokens = word_tokens(text, spans=False)
        assert word_stream(text) == ([t[0] for t in tokens], [t[1] for t in tokens]), text[:60]
    assert sum(len(word_stream(text)[0]) for text in texts) > 5_000


def test_word_positions_index_what_whoosh_would(seed_index: Path) -> None:
    field = build_schema()["text"]
    stock = formats.Positions()
    for text in _stored_texts(seed_index)[:300] + EDGE_CASES:
        ours = {word.decode("utf-8"): value for word, _, _, value in field.index(text)}
        theirs = {word: value for word, _, _, value in stock.word_values(text, word_analyzer(), mode="index")}
        assert ours.keys() == theirs.keys()
        assert all(PackedPositions().decode_positions(ours[w]) == stock.decode_positions(theirs[w]) for w in ours)


def test_indexes_take_the_one_loop_path(seed_index: Path) -> None:
    # As built and as unpickled from an index's TOC: otherwise the fast path is never taken.
    assert is_word_chain(build_schema()["text"].analyzer)
    assert is_word_chain(open_dir(str(seed_index)).schema["title"].analyzer)
    assert not is_word_chain(build_schema()["chars"].analyzer)


def test_char_tokens_equal_the_character_chain_on_the_corpus(seed_index: Path) -> None:
    def chain(text: str) -> list[tuple[str, int, int, int]]:
        tokens = char_analyzer()(text, positions=True, chars=True, unigrams=True)
        return [(t.text, t.pos, t.startchar, t.endchar) for t in tokens]

    texts = _stored_texts(seed_index) + EDGE_CASES
    differing = [text[:60] for text in texts if char_tokens(text) != chain(text)]
    assert not differing, differing[:5]
    assert sum(len(char_tokens(text)) for text in texts) > 5_000


def test_a_letter_that_lowercases_longer_does_not_shift_the_marks() -> None:
    # `İ`.lower() is two characters: the character field's offsets past it map back to the text.
    from search_api.core.highlight import match_spans

    text = "elected TÜRKİYE and İİ, then 维持和平 and 和平"
    spans = match_spans(text, set(), [("chars", ["和平"])])
    assert [text[a:b] for a, b in spans] == ["和平", "和平"]
    assert spans[0][0] == text.index("和平")

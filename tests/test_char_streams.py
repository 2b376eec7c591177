"""The character field's grams cut as numbers when the segment is written
(indexer/storage/char_streams.py) give the postings of the grams made one by one
(token_streams.py `FieldStream`), term for term, and count the same postings."""

from __future__ import annotations

import numpy as np

from analyzers.tokenizer import char_runs, char_stream
from indexer.readers import read_document
from indexer.storage.char_streams import CharStream
from indexer.storage.token_streams import FieldStream
from tests.conftest import SEEDS

# What the seeds may lack: astral and compatibility ideographs, a NUL, Latin letters in a Chinese
# clause, grams repeated in one document, clause breaks, empty segments and a clause keeping nothing.
EDGE_CASES = [
    "𠀀𠀁𠀀𠀁和平\u0000和平",
    "WHO的和UNDP的A/RES/59/50号\u2029\u2029第二段 第二段",
    "   ",
    "丽\uf900丽",
    "a",
]


def _texts() -> list[str]:
    paths = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".txt", ".md", ".html"))
    return [clause.text for path in paths for clause in read_document(path).clauses] + EDGE_CASES


def _terms(stream: FieldStream | CharStream) -> list[tuple[object, ...]]:
    return [(term, *(a.tolist() for a in arrays)) for term, *arrays in stream.terms()]


def test_grams_cut_as_numbers_give_the_postings_of_grams_made_one_by_one() -> None:
    texts = _texts()
    assert len(texts) > 100  # the seeds: Chinese, English, the UDHR in both
    numbers, one_by_one = CharStream(1.5), FieldStream(1.5)
    for docnum, text in enumerate(texts):
        boost = 2.0 if docnum % 7 == 3 else 1.0
        runs = char_runs(text)
        grams, positions = char_stream(text)
        assert numbers.add(docnum * 2, *runs, boost) == len(grams)  # the field's length
        if grams:
            one_by_one.add(docnum * 2, grams, positions, boost)
        if docnum % 10 == 0:  # counted a file at a time, as a worker asks
            assert len(numbers) == len(one_by_one)
    assert len(numbers) == len(one_by_one) > 5_000
    ours, theirs = _terms(numbers), _terms(one_by_one)
    assert [t[0] for t in ours] == sorted(t[0] for t in ours)  # terms in byte order
    assert ours == theirs
    assert {"𠀀𠀁".encode(), "丽".encode(), b"\x00\xe5\x92\x8c"} <= {t[0] for t in ours}


def test_a_streams_documents_come_back_as_their_grams() -> None:
    stream = CharStream(1.0)
    expected = []
    for docnum, text in enumerate(_texts()[:40] + EDGE_CASES):
        boost = 1.0 + docnum % 3
        if stream.add(docnum, *char_runs(text), boost):
            expected.append((docnum, *char_stream(text), boost))
    assert list(stream.documents()) == expected
    assert list(CharStream(1.0).documents()) == [] and list(CharStream(1.0).terms()) == []


def test_the_keys_sort_as_the_grams_bytes() -> None:
    stream = CharStream(1.0)
    stream.add(0, ["ab", "a", "\U0010ffff", "a\U0010ffff", "\x00a"], [0, 10, 20, 30, 40], 1.0)
    terms = [term for term, *_ in stream.terms()]
    assert terms == sorted({t.encode() for t in ("ab", "b", "a", "\U0010ffff", "a\U0010ffff", "\x00a")})
    assert np.array_equal(next(stream.terms())[4], [40])  # `\x00a` at its run's start

"""A quoted string is what Ctrl-F finds: precision and recall against a substring scan of real
sentences (the UN Parallel Corpus test set, Chinese side), whatever the script of each character."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from analyzers import normalize
from analyzers.scripts import CJK_CHAR
from indexer.writer import build_index
from search_api.engine import SearchEngine
from search_api.models import SearchRequest

Unpc = tuple[SearchEngine, dict[str, str]]
SENTENCES = 2400
NEEDLES = 300
_CJK = CJK_CHAR
_CJK_GAP = re.compile(r"(?<=[^A-Za-z0-9]) (?=[^A-Za-z0-9])|(?<=[\u4e00-\u9fff]) | (?=[\u4e00-\u9fff])")


def comparable(text: str) -> str:
    """The text as the character field compares it: normalised, lower case, no white space."""
    return re.sub(r"\s", "", normalize(text).text.lower())


@pytest.fixture(scope="module")
def unpc(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchEngine, dict[str, str]]:
    """An index of UNPC test-set sentences (the corpus's Chinese side is word-segmented: the
    spaces it put between CJK characters are removed), one operative paragraph each, and the
    stored text of every clause."""
    lines = (shared_corpus / "raw" / "unpc_v1_testsets_anmt" / "UNv1.0.testset.zh").read_text("utf-8").splitlines()
    sentences = [_CJK_GAP.sub("", line).strip() for line in lines[:SENTENCES] if _CJK.search(line)]
    corpus = tmp_path_factory.mktemp("unpc")
    for start in range(0, len(sentences), 40):
        body = "\n\n".join(f"{n}. {s}" for n, s in enumerate(sentences[start : start + 40], start=1))
        (corpus / f"unpc-{start:05d}.txt").write_text(f"大会，\n\n{body}\n", "utf-8")
    index = corpus.parent / "unpc-index"
    report = build_index([corpus], index, workers=1)
    assert not report.failed
    engine = SearchEngine(index)
    from whoosh import index as whoosh_index

    texts: dict[str, str] = {}
    with whoosh_index.open_dir(str(index), "MAIN").searcher() as searcher:
        for fields in searcher.documents(level="clause"):
            texts[fields["id"]] = fields["text"]
    return engine, texts


def needles(texts: dict[str, str]) -> list[str]:
    """Substrings of real clauses, half of them mixing Chinese with Latin letters or digits."""
    chooser = random.Random(17)
    mixed = [t for t in texts.values() if re.search(r"[A-Za-z]", t) and _CJK.search(t)]
    found: list[str] = []
    while len(found) < NEEDLES:
        text = chooser.choice(mixed if len(found) % 2 else list(texts.values()))
        length = chooser.randint(2, 9)
        start = chooser.randrange(0, max(1, len(text) - length))
        needle = text[start : start + length].strip()
        if _CJK.search(needle) and '"' not in needle and needle.strip("，。；：、 "):
            found.append(needle)
    return found


def matches(engine: SearchEngine, needle: str) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        result = engine.search(SearchRequest(q=f'"{needle}"', page=page, per_page=100, facets=()))
        found |= {f"{hit.doc_id}#{hit.clause.number}" for hit in result.hits if hit.clause}
        if page * 100 >= result.total:
            return found
        page += 1


def test_quoted_strings_have_precision_and_recall_one(unpc: tuple[SearchEngine, dict[str, str]]) -> None:
    engine, texts = unpc
    compared = {record: comparable(text) for record, text in texts.items()}
    wrong = []
    for needle in needles(texts):
        expected = {record for record, text in compared.items() if comparable(needle) in text}
        got = matches(engine, needle)
        if got != expected:
            wrong.append((needle, len(got - expected), len(expected - got)))
    assert not wrong, f"{len(wrong)} of {NEEDLES} quoted strings differ from a substring scan: {wrong[:10]}"


@pytest.mark.parametrize(("needle", "absent"), [("WHO的", "的"), ("和UNDP", "和")])
def test_latin_letters_in_a_quoted_string_count(unpc: Unpc, needle: str, absent: str) -> None:
    engine, _ = unpc
    assert len(matches(engine, needle)) < len(matches(engine, absent))


def test_a_compound_answers_to_the_words_it_starts_and_ends_with(unpc: Unpc) -> None:
    """`难民营` (refugee camp) is best cut `难` + `民营` (private): a search for `难民` (refugees)
    must still find the camps: every UNPC sentence with 难民营 is found by 难民."""
    engine, texts = unpc
    camps = {record for record, text in texts.items() if "难民营" in text}
    assert camps
    refugees = engine.search(SearchRequest(q="难民", per_page=0, facets=())).total
    found = set()
    page = 1
    while (page - 1) * 100 < refugees:
        result = engine.search(SearchRequest(q="难民", page=page, per_page=100, facets=()))
        found |= {f"{hit.doc_id}#{hit.clause.number}" for hit in result.hits if hit.clause}
        page += 1
    assert camps <= found


@pytest.mark.parametrize("query", ["维持和平 行动", "秘书长 报告", "可持续 发展", "人权 理事会"])
def test_bare_lines_do_not_outrank_paragraphs(unpc: Unpc, query: str) -> None:
    """With Whoosh's default length normalisation (B 0.75) headings such as `维持和平行动工作组`
    or `秘书长的报告` took the top places of two-word queries (bench/ranking.py)."""
    engine, _ = unpc
    top = engine.search(SearchRequest(q=query, per_page=5, facets=())).hits
    assert len(top) == 5
    assert all(len(hit.clause.text) >= 15 for hit in top if hit.clause), [h.clause.text for h in top if h.clause]

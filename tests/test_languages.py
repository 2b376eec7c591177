"""The six official languages: words of every script, stems in the clause's language, Arabic
normalisation, language detection, one verb concept across languages, labels in the interface
language. On the real texts: the UDHR in its seven versions, 55/100 in Chinese and English, the
80th-session resolutions and the GA decisions (English) of the shared corpus."""

from __future__ import annotations

import html
import re

import pytest

from analyzers import normalize, word_analyzer
from analyzers.languages import detect_language, language_of_file, stem
from indexer.readers.html import read_html
from indexer.verbs import TABLE_LANGUAGES, concept_for, leading_verb, verb_table
from search_api.engine import SearchEngine
from search_api.models import SearchRequest
from tests.conftest import CORPUS, UDHR_LANGUAGES

UDHR = {"zh": "cmn_hans", "zh-Hant": "cmn_hant", "en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "ar": "arb"}
WORDS = word_analyzer()


def _texts(engine: SearchEngine, request: SearchRequest) -> list[str]:
    return [hit.clause.text for hit in engine.search(request).hits if hit.clause]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Все люди рождаются свободными", ["все", "люди", "рождаются", "свободными"]),
        ("Tous les êtres humains naissent égaux", ["tous", "les", "êtres", "humains", "naissent", "égaux"]),
        ("Toda persona tiene derecho a la educación", ["toda", "persona", "tiene", "derecho", "a", "la", "educación"]),
        ("يُولَدُ جميعُ النّاسِ أحرارًا", ["يولد", "جميع", "الناس", "احرارا"]),
    ],
)
def test_words_of_every_script_are_words(text: str, words: list[str]) -> None:
    assert [t.text for t in WORDS(text, mode="query")] == words


def test_arabic_marks_and_letter_forms_fold_and_offsets_stay_on_the_original() -> None:
    text = "إنّ الإعلانَ ـ العالمي"
    folded = normalize(text)
    assert folded.text == "ان الاعلان العالمي"
    spans = [text[t.startchar : t.endchar] for t in WORDS(text, chars=True)]  # Whoosh reuses its token
    assert spans == ["إنّ", "الإعلانَ", "العالمي"]


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("query", "language", "written"),
    [
        ("decided", "en", "Decides"),
        ("woman", "en", "women"),
        ("libre", "fr", "libres"),
        ("libre", "es", "libres"),
        ("свободный", "ru", "свободными"),
        ("حقوق", "ar", "والحقوق"),
    ],
)
def test_a_word_finds_its_other_forms_in_its_language(
    engine: SearchEngine, query: str, language: str, written: str
) -> None:
    texts = _texts(engine, SearchRequest(q=query, language=(language,), per_page=100, facets=()))
    assert any(re.search(rf"(?<!\w){written}(?!\w)", normalize(t).text, re.IGNORECASE) for t in texts), texts[:3]
    # The form written stems like the query: what made the match.
    assert stem(language, written.lower()) == stem(language, query) or written.lower() in ("women",)


@pytest.mark.needs_shared
def test_quoted_words_stay_exact_and_stems_are_highlighted(engine: SearchEngine) -> None:
    assert (
        engine.search(SearchRequest(q='"decided"', language=("en",), facets=())).total
        < engine.search(SearchRequest(q="decided", language=("en",), facets=())).total
    )
    # Other forms only: the stem, less the exact word.
    hits = engine.search(SearchRequest(q='decided -"decided"', language=("en",), per_page=50, facets=())).hits
    assert len(hits) >= 10
    for hit in hits:
        assert hit.clause and not re.search(r"\bdecided\b", hit.clause.text, re.IGNORECASE)
        assert re.search(r"<mark>decid(e|es|ing)</mark>", hit.highlight, re.IGNORECASE), hit.highlight
    # A stem does not cross languages: the French `libre` is not an English word's stem.
    assert all(h.language == "fr" for h in engine.search(SearchRequest(q="libres", language=("fr",), facets=())).hits)


@pytest.mark.needs_shared
@pytest.mark.parametrize("language", list(UDHR))
def test_the_udhr_language_is_told_by_the_page_by_its_name_and_by_its_text(language: str) -> None:
    path = CORPUS / "udhr" / f"{UDHR[language]}.html"
    assert read_html(path).language == language
    assert language_of_file(path) == language
    text = "\n".join(clause.text for clause in read_html(path).clauses)
    assert detect_language(text) == ("zh" if language == "zh-Hant" else language)


def test_file_names_that_say_the_language() -> None:
    assert language_of_file("A_RES_73_12-FR.docx") == "fr"
    assert language_of_file("a_res_73_12-ar.pdf") == "ar"
    assert language_of_file("notes.txt") is None


@pytest.mark.needs_shared
@pytest.mark.parametrize("language", list(UDHR))
def test_udhr_verbs_in_each_language_are_the_same_concepts(engine: SearchEngine, language: str) -> None:
    view = engine.document(f"{language}:A/RES/217(III)")
    preamble = [c for c in view.clauses if c.type == "preambular"]
    assert preamble[0].verb == "鉴于", (preamble[0].text[:40], preamble[0].verb)
    assert sum(c.verb == "鉴于" for c in preamble) >= 6
    if language not in ("zh", "zh-Hant"):  # the Chinese version proclaims with 发布 inside a sentence
        assert "宣布" in {c.verb for c in preamble}
    # The articles open with no verb: they have none, never their first word.
    assert all(c.verb is None for c in view.clauses if c.type != "preambular")


@pytest.mark.needs_shared
def test_55_100_has_the_same_verb_concepts_clause_by_clause(engine: SearchEngine) -> None:
    zh = engine.document("zh:A/RES/55/100").clauses
    en = engine.document("en:A/RES/55/100").clauses
    assert [c.verb for c in zh] == [c.verb for c in en]
    assert all(c.verb for c in zh)


@pytest.mark.needs_shared
def test_english_verbs_are_concepts_never_first_words(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(language=("en",), per_page=0, facets=("verb",), facet_limit=200))
    values = {v.value for v in result.facets["verb"].values}
    assert values and values <= set(verb_table().labels), values - set(verb_table().labels)
    assert len(values) >= 15
    decisions = engine.search(SearchRequest(kind=("decision",), per_page=0, facets=("verb",), facet_limit=200))
    assert {v.value for v in decisions.facets["verb"].values} <= set(verb_table().labels)


@pytest.mark.needs_shared
def test_one_verb_filter_in_any_language(engine: SearchEngine) -> None:
    totals = {value: engine.search(SearchRequest(verb=(value,), per_page=0, facets=())).total for value in (
        "欢迎", "welcome", "se félicite", "Приветствует")}  # fmt: skip
    assert len(set(totals.values())) == 1 and totals["欢迎"] > 0, totals
    languages = engine.search(SearchRequest(verb=("welcome",), per_page=0, facets=("language",))).facets["language"]
    assert {"zh", "en"} <= {v.value for v in languages.values}


@pytest.mark.parametrize(
    ("language", "clause", "concept"),
    [
        ("en", "Strongly condemns all acts", "强烈谴责"),
        ("en", "Once again calls upon all States", "呼吁"),
        ("en", "Noting with appreciation the report", "注意到"),
        ("fr", "Se félicitant du rapport", "欢迎"),
        ("fr", "Prie le Secrétaire général", "请"),
        ("es", "Acogiendo con beneplácito el informe", "欢迎"),
        ("es", "Exhorta a todos los Estados", "呼吁"),
        ("ru", "Вновь подтверждая свою приверженность", "重申"),
        ("ru", "Настоятельно призывает все государства", "敦促"),
        ("ar", "وإذ ترحب بالتقرير", "欢迎"),
        ("ar", "تقرر أن تدرج", "决定"),
        ("zh", "又满意地注意到", "注意到"),
    ],
)
def test_the_verb_table_in_each_language(language: str, clause: str, concept: str) -> None:
    assert leading_verb(clause)[0] == concept
    assert clause.startswith(leading_verb(clause)[1] or "")


def test_the_verb_table_is_consistent() -> None:
    table = verb_table()
    assert all(table.labels.values()) and len(table.labels) >= 40
    for language in TABLE_LANGUAGES:  # every form of every language, read back, is its own concept
        assert len(table.exact[language]) >= 40, language
    assert concept_for("welcome") == concept_for("se félicite") == concept_for("欢迎") == "欢迎"


@pytest.mark.needs_shared
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facet_values_carry_labels_in_the_interface_language(engine: SearchEngine, lang: str) -> None:
    facets = ("sponsor", "kind", "type", "verb", "language")
    result = engine.search(SearchRequest(per_page=0, facets=facets, facet_limit=50), english=lang == "en")
    for name in facets:
        for value in result.facets[name].values:
            assert value.label, (name, value)
            if lang == "zh":  # no English word in the Chinese interface
                assert not re.search(r"[A-Za-z]", value.label), (name, value)
    sponsors = {v.value: v.label for v in result.facets["sponsor"].values}
    assert sponsors["Kazakhstan"] == ("哈萨克斯坦" if lang == "zh" else "Kazakhstan")


def test_the_udhr_versions_are_in_the_test_corpus() -> None:
    assert set(UDHR.values()) == set(UDHR_LANGUAGES)


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("query", "language"), [("rights", "en"), ("droits", "fr"), ("derechos", "es"), ("права", "ru")]
)
def test_snippets_start_and_end_on_word_boundaries(engine: SearchEngine, query: str, language: str) -> None:
    hits = engine.search(SearchRequest(q=query, language=(language,), per_page=50, facets=())).hits
    cut = 0
    for hit in hits:
        assert hit.clause
        shown = html.unescape(re.sub(r"</?mark>", "", hit.highlight)).strip("…")
        text = hit.clause.text
        start = text.find(shown)
        assert start != -1, (shown, text)
        end = start + len(shown)
        assert start == 0 or not (text[start - 1].isalnum() and text[start].isalnum()), shown
        assert end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum()), shown
        cut += start > 0 or end < len(text)
    assert cut >= 3  # long clauses were cut, at word boundaries


@pytest.mark.needs_shared
def test_hits_and_documents_carry_labels_in_the_interface_language(engine: SearchEngine) -> None:
    request = SearchRequest(q="集体安全条约组织", sponsor=("Kazakhstan",), per_page=5, facets=())
    for lang, english in (("zh", False), ("en", True)):
        hits = engine.search(request, english=english).hits
        assert hits
        for hit in hits:
            assert hit.labels["kind"] == ("决议草案" if lang == "zh" else "draft resolution")
            assert ("哈萨克斯坦" if lang == "zh" else "Kazakhstan") in hit.labels["sponsors"]
            assert hit.clause and hit.clause.labels["type"] in (
                ("序言部分", "执行部分") if lang == "zh" else ("preambular", "operative")
            )
    view = engine.document("en:A/RES/55/100", english=False)
    assert view.labels["language"] == "英文" and [c.labels["verb"] for c in view.clauses][:2] == ["重申", "回顾"]
    view = engine.document("zh:A/RES/55/100", english=True)
    assert view.labels["language"] == "Chinese" and [c.labels["verb"] for c in view.clauses][:2] == [
        "reaffirm",
        "recall",
    ]


@pytest.mark.parametrize("query", ["en decides", "es decides", "decides ar"])
def test_a_word_that_is_a_languages_code_is_searched_and_highlighted(engine: SearchEngine, query: str) -> None:
    """`en`, `es` are French and Spanish words and codes of stemmed languages: beside a stem term
    (`en:decid`) they are words, not stems (a query of both had failed to highlight: a 500)."""
    hits = engine.search(SearchRequest(q=query, language=("en",), per_page=20, facets=())).hits
    assert hits and all("<mark>" in hit.highlight for hit in hits)
    assert any(re.search(r"<mark>decid", hit.highlight, re.IGNORECASE) for hit in hits)


@pytest.mark.needs_shared
def test_a_spanish_sentence_with_es_finds_and_marks_the_udhr_clause(engine: SearchEngine) -> None:
    hits = engine.search(SearchRequest(q="la familia es el elemento natural", language=("es",), facets=())).hits
    clause = next(hit for hit in hits if hit.clause and "La familia es el elemento natural" in hit.clause.text)
    marked = {clause.clause.text[start:end].lower() for start, end in clause.highlight_spans}
    assert {"familia", "es", "elemento", "natural"} <= marked
    # The snippet shows where they meet (paragraph 3), not the article's first "la".
    assert "<mark>familia</mark> <mark>es</mark> <mark>el</mark> <mark>elemento</mark>" in clause.highlight

"""Round trips through the IMITATION of the ODS template (tests/ods_template.py): a real text,
set as an ODS-like PDF and DOCX, read back by the readers, gives the same paragraphs and header.

Texts: resolution 55/100 in Chinese (../shared/corpus: the UN's parallel corpus), the seed draft
(seeds/), and the Universal Declaration of Human Rights in the six official languages (../shared).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzers.scripts import CJK_RANGES
from indexer.model import Resolution
from indexer.readers import read_document
from indexer.structure import parse_text
from tests.conftest import SEED_TEXT, SHARED_CORPUS, corpus_file
from tests.ods_template import ImitationDocument, Paragraph, fonts_missing, imitation_docx, imitation_pdf

pytestmark = pytest.mark.skipif(bool(fonts_missing()), reason=f"needs the stand-in fonts {fonts_missing()}")
UDHR = {"ar": "arb", "en": "eng", "es": "spa", "fr": "fra", "ru": "rus", "zh": "cmn_hans"}
DATE_LINES = {"ar": "10 December 1948", "en": "10 December 1948", "es": "10 de diciembre de 1948",
              "fr": "10 décembre 1948", "ru": "10 декабря 1948 года", "zh": "1948年12月10日"}  # fmt: skip
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGES}，。；：、（）《》“”])\s+|\s+(?=[{CJK_RANGES}，。；：、（）《》“”])")


def flat(text: str) -> str:
    """Text as the comparison sees it: spacing folded, none between CJK characters, and Arabic
    vowel marks left out (in a lam-alef ligature a shaped PDF does not tell which letter a mark
    sits on; the analyzers fold them for searching anyway)."""
    return _ARABIC_MARKS.sub("", _CJK_GAP.sub("", re.sub(r"\s+", " ", text))).strip()


def document_of(resolution: Resolution, language: str, job: str, session_line: str, agenda_line: str,
                adoption_line: str, date_line: str) -> ImitationDocument:  # fmt: skip
    paragraphs = [
        Paragraph(c.number if c.type == "operative" else "", flat(c.text))
        for c in resolution.clauses
        if c.type in ("preambular", "operative")
    ]
    numbered = re.fullmatch(r"A/RES/(\d+/\d+)", resolution.symbol or "")
    number = f"{numbered.group(1)}." if numbered else ""
    return ImitationDocument(
        language, resolution.symbol, flat(resolution.title), number if "RES" in (resolution.symbol or "") else "",
        session_line, agenda_line, adoption_line, "", date_line, job, paragraphs,
    )  # fmt: skip


def check_round_trip(document: ImitationDocument, path: Path) -> Resolution:
    read = read_document(path)
    got = [(c.number if c.type == "operative" else "", flat(c.text)) for c in read.clauses]
    expected = [(p.number, p.text) for p in document.paragraphs]
    assert got == expected, path.name
    return read


def _55_100() -> ImitationDocument:
    source = parse_text(corpus_file("un_ga_55_100/UN.en-zh.zh").read_text("utf-8"), "UN.en-zh.zh")
    return document_of(source, "zh", "00-56789", "第五十五届会议", "议程项目 114(b)",
                       "2000年12月4日大会决议", "2001年1月30日")  # fmt: skip


@pytest.mark.parametrize("make", [imitation_pdf, imitation_docx], ids=["pdf", "docx"])
def test_resolution_55_100_in_chinese_round_trips(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = _55_100()
    path = tmp_path / f"A_RES_55_100-ZH.{'pdf' if make is imitation_pdf else 'docx'}"
    path.write_bytes(make(document))
    read = check_round_trip(document, path)
    assert (read.symbol, read.session, str(read.date), read.language) == ("A/RES/55/100", 55, "2000-12-04", "zh")
    assert flat(read.title) == document.title


@pytest.mark.parametrize("make", [imitation_pdf, imitation_docx], ids=["pdf", "docx"])
def test_the_seed_draft_round_trips(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = parse_text(SEED_TEXT.read_text("utf-8"), SEED_TEXT)
    document = document_of(source, "zh", "18-18123", "第七十三届会议", "议程项目 128(t)", "", "2018年11月1日")
    document.sponsors_line = "白俄罗斯和哈萨克斯坦：决议草案"
    path = tmp_path / f"draft-ZH.{'pdf' if make is imitation_pdf else 'docx'}"
    path.write_bytes(make(document))
    read = check_round_trip(document, path)
    assert (read.kind, read.session, read.agenda_items) == ("draft resolution", 73, ("128(t)",))
    assert read.sponsors == source.sponsors


@pytest.mark.needs_shared
@pytest.mark.parametrize("language", sorted(UDHR))
@pytest.mark.parametrize("make", [imitation_pdf, imitation_docx], ids=["pdf", "docx"])
def test_the_udhr_round_trips_in_each_official_language(make, language: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = SHARED_CORPUS / "raw" / "udhr_wooorm" / f"{UDHR[language]}.html"
    source = read_document(html).with_metadata(symbol="A/RES/217(III)")
    adoption = {"en": "Resolution adopted by the General Assembly on 10 December 1948", "zh": "1948年12月10日大会决议"}
    document = document_of(source, language, "48-12345", "", "", adoption.get(language, ""), DATE_LINES[language])
    path = tmp_path / f"A_RES_217(III)-{language.upper()}.{'pdf' if make is imitation_pdf else 'docx'}"
    path.write_bytes(make(document))
    read = check_round_trip(document, path)
    assert read.language == language and read.symbol == "A/RES/217(III)"
    if language in adoption:
        assert str(read.date) == "1948-12-10"

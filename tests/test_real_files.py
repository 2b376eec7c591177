"""The readers on the real UN files of ../shared/corpus/raw (skipped, saying so, where it is absent).

Each test names the failure it guards against, as it was seen on these files before the layout
readers (issue 25): it fails when that fix is undone. The paragraph truth is bench/readers_truth.json,
written by reading the files; bench/readers.py prints the same scores as a table.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench.readers import FURNITURE_IN_TEXT, TRUTH, pair_rows, score
from indexer.model import Resolution
from indexer.readers import read_document
from tests.conftest import HAS_SHARED, SHARED_CORPUS, SHARED_MISSING

pytestmark = pytest.mark.skipif(not HAS_SHARED, reason=SHARED_MISSING)
RAW = SHARED_CORPUS / "raw"
ODS_PDF = RAW / "ods_pdf_gateplugin_unga"
REPORTS = RAW / "ods_reports_mandates"
SCANS = RAW / "scans_un_su_1971"
TRUTHS = json.loads(TRUTH.read_text("utf-8"))["documents"]
_read: dict[Path, Resolution] = {}


def read(path: Path) -> Resolution:
    if path not in _read:
        _read[path] = read_document(path)
    return _read[path]


def clause(resolution: Resolution, number: str) -> str:
    return next(c.text for c in resolution.clauses if c.number == number)


@pytest.mark.parametrize("number", [3, 6, 7, 8])
def test_resolution_pdfs_read_whole_with_every_header_field_right(number: int) -> None:
    name = f"A_RES_73_{number}-EN.pdf"
    result = score(read(ODS_PDF / name), TRUTHS[f"ods_pdf_gateplugin_unga/{name}"])
    assert result["whole"] >= 0.97 * result["paragraphs"], result
    assert result["extra"] == 0 and result["furniture"] == 0, result
    assert result["wrong"] == [], result


def test_all_four_together_are_at_least_97_percent_whole() -> None:
    results = [
        score(read(ODS_PDF / f"A_RES_73_{n}-EN.pdf"), TRUTHS[f"ods_pdf_gateplugin_unga/A_RES_73_{n}-EN.pdf"])
        for n in (3, 6, 7, 8)
    ]
    assert sum(r["whole"] for r in results) >= 0.97 * sum(r["paragraphs"] for r in results)


def test_justified_lines_keep_their_words_in_order() -> None:
    # pdfminer gave "it can fully its established mandate and respond deliver solutions ..."
    assert "fully deliver solutions and services" in clause(read(ODS_PDF / "A_RES_73_6-EN.pdf"), "P6")


def test_operative_numbers_stay_with_their_paragraphs_and_3_and_4_are_apart() -> None:
    resolution = read(ODS_PDF / "A_RES_73_8-EN.pdf")
    assert clause(resolution, "1").startswith("Takes note of the report")
    assert clause(resolution, "3").endswith("in accordance with their legal regime;")
    assert clause(resolution, "4").startswith("Requests the Secretary-General")
    assert [c.type for c in resolution.clauses].count("operative") == 5


def test_no_page_furniture_in_any_clause() -> None:
    for number in (3, 6, 7, 8):
        resolution = read(ODS_PDF / f"A_RES_73_{number}-EN.pdf")
        for item in resolution.clauses:
            assert not FURNITURE_IN_TEXT.search(item.text), item.number
            assert not re.search(rf"A/RES/73/{number}\b", item.text), item.number  # the running head


def test_paragraphs_go_on_across_page_breaks() -> None:
    text = clause(read(ODS_PDF / "A_RES_73_8-EN.pdf"), "P6")
    assert "57/11 of 12 November 2002, 58/7 of 4 November 2003" in text
    assert text.endswith("72/4 of 1 November 2017,")


def test_footnote_marks_leave_the_text_and_their_notes_go_with_the_clause() -> None:
    resolution = read(ODS_PDF / "A_RES_73_8-EN.pdf")
    first = next(c for c in resolution.clauses if c.number == "1")
    assert first.text.endswith("resolution 72/4;")  # was "resolution 72/4;1"
    assert first.notes == ("A/73/85.",)


def test_no_spaces_inside_words_and_hyphens_at_line_ends_kept_whole() -> None:
    assert "Latin America and the Caribbean" in clause(read(ODS_PDF / "A_RES_73_8-EN.pdf"), "P3")
    declaration = clause(read(ODS_PDF / "A_RES_73_3-EN.pdf"), "annex.P1")
    assert "including its drug-resistant forms" in declaration  # was "drug - resistant"


def test_the_declaration_of_73_3_is_an_annex_not_the_resolutions_operatives() -> None:
    resolution = read(ODS_PDF / "A_RES_73_3-EN.pdf")
    own = [c for c in resolution.clauses if c.type != "annex"]
    annex = [c for c in resolution.clauses if c.type == "annex"]
    assert [(c.number, c.type) for c in own] == [("1", "operative")]  # the single unnumbered operative
    assert own[0].text.startswith("Adopts the following political declaration")
    assert [c.number for c in annex if c.number != "annex.P1"] == [f"annex.{n}" for n in range(1, 54)]


@pytest.mark.parametrize("path", sorted(REPORTS.glob("*.docx")) if HAS_SHARED else [], ids=lambda p: p.name)
def test_ods_docx_give_their_symbol_kind_session_and_date_from_the_masthead(path: Path) -> None:
    truth = TRUTHS[f"ods_reports_mandates/{path.name}"]["header"]
    resolution = read(path)
    assert (resolution.symbol, resolution.kind, resolution.session, str(resolution.date)) == (
        truth["symbol"],
        truth["kind"],
        truth["session"],
        truth["date"],
    )
    assert resolution.kind not in ("resolution", "draft resolution")
    assert {c.type for c in resolution.clauses} <= {"paragraph"}  # no preambular/operative typing


def test_a_budget_fascicle_keeps_its_paragraph_numbers() -> None:
    """A/81/6 (Sect. 12) numbers its paragraphs `12.1`, `12.2`, ... with no final point: each is
    the paragraph's number, not part of its text, in the DOCX as ODS issues it."""
    fascicle = read(REPORTS / "A_81_6 (SECT. 12).docx")
    numbers = [c.number for c in fascicle.clauses]
    assert [f"12.{n}" for n in range(1, 30)] == [n for n in numbers if n.startswith("12.")][:29]
    assert clause(fascicle, "12.1").startswith("The United Nations Conference on Trade and Development")


@pytest.mark.parametrize("section", ["10", "11", "12", "13"])
def test_a_fascicles_masthead_notes_and_title_page_are_not_clauses(section: str) -> None:
    """ODS frames a fascicle's masthead notes (`*The present document ...`, `**A/81/50.`) at the
    first page's foot; the DOCX had read them, and the title page's headings after them, as its
    first eleven clauses. Now both readers start at the section's first paragraph and agree on
    the title: the section's (the line after `Section 12`), not the longest heading."""
    docx = read(REPORTS / f"A_81_6 (SECT. {section}).docx")
    pdf = read(REPORTS / f"A_81_6 (SECT. {section}).pdf")
    for document in (docx, pdf):
        assert document.clauses[0].number == f"{section}.1"
        assert not [c.text for c in document.clauses if c.text.startswith("*") or c.text.strip(".") == "A/81/50"]
    assert (
        docx.title
        == pdf.title
        == {
            "10": "Least developed countries, landlocked developing countries and small island developing States",
            "11": "United Nations system support for the African Union’s Agenda 2063: The Africa We Want",
            "12": "Trade and development",
            "13": "International Trade Centre",
        }[section]
    )
    # A framed paragraph that opens with no mark is text: A/80/630's note under its tables.
    assert any(c.text.startswith("Note: The following abbreviations") for c in read(REPORTS / "A_80_630.docx").clauses)


def _texts(resolution: Resolution) -> set[str]:
    return {" ".join(c.text.split()) for c in resolution.clauses}


def test_a_fascicle_pdf_starts_a_paragraph_at_its_number_at_the_top_of_a_page() -> None:
    """`12.9` opens page 4 of A/81/6 (Sect. 12), set out into the margin with no final point: it
    was read into 12.8. The DOCX (Word's own paragraphs) is the truth for both."""
    pdf, docx = read(REPORTS / "A_81_6 (SECT. 12).pdf"), read(REPORTS / "A_81_6 (SECT. 12).docx")
    for number in ("12.8", "12.9", "12.3", "12.4"):
        assert " ".join(clause(docx, number).split()) in _texts(pdf), number


def test_a_lettered_subparagraph_goes_on_at_its_hanging_indent() -> None:
    """(a)-(d) of 12.12 wrap to an indent under their text: each second line had started a clause."""
    pdf, docx = read(REPORTS / "A_81_6 (SECT. 12).pdf"), read(REPORTS / "A_81_6 (SECT. 12).docx")
    lettered = [t for t in _texts(docx) if t.startswith(("(a) Up-to-date", "(b) Extrabudgetary", "(d) Member States"))]
    assert len(lettered) >= 3 and set(lettered) <= _texts(pdf)


def test_a_reports_tables_are_left_out_as_the_docx_leaves_them() -> None:
    """The deliverables' tables are not tagged (their rules and small type tell them), Table 12.5
    is; each cell had become a clause (`Category and subcategory`, `planned actual planned`)."""
    pdf = read(REPORTS / "A_81_6 (SECT. 12).pdf")
    texts = _texts(pdf)
    assert not any(t.startswith(("Category and subcategory", "2025 2025 2026 2027", "planned actual")) for t in texts)
    assert "Three developing countries adopted" not in " ".join(texts)  # a cell of Table 12.5
    # What is not a table's stays: the paragraph that introduces Table 12.1, and its caption.
    assert any(t.startswith("Table 12.1 lists all cross-cutting deliverables") for t in texts)


def test_a_docx_organigrams_text_boxes_are_left_out() -> None:
    """A/80/628's organization charts are text boxes, each written twice (the drawing and its VML
    fallback): 313 of its 490 clauses were their boxes, and the paragraph anchoring a chart
    carried all of its boxes' text."""
    texts = _texts(read(REPORTS / "A_80_628.docx"))
    assert not any("(89 posts and positions)" in text or "1 ASG, 5 P-5" in text for text in texts)
    assert len(texts) < 200


def test_a_pdfs_organization_charts_are_left_out_as_the_docx_leaves_them() -> None:
    """In the PDF the same charts are stroked boxes with plain text, tagged as paragraphs: 166 of
    A/80/628's 332 PDF clauses were none of the DOCX's, most of them boxes. A page of three or more
    stroked boxes under half its width is a chart's (layout/figures.py); the fascicles' figure
    pages (a frame the column's width, a legend box or two) are not."""
    from indexer.layout.chars import read_pages

    texts = _texts(read(REPORTS / "A_80_628.pdf"))
    assert not any(box in text for text in texts for box in ("(89 posts and positions)", "1 ASG, 5 P-5"))
    assert "Organization charts" in texts and len(texts) < 230
    assert "Office of the Director of UNSOS" not in texts
    charts = [page.number for page in read_pages(str(REPORTS / "A_80_628.pdf")) if page.boxes]
    assert charts == [39, 40, 41, 42, 43, 44]
    for name in ("A_81_6 (SECT. 11).pdf", "A_81_6 (SECT. 12).pdf", "A_81_6 (SECT. 13).pdf"):
        assert not [page.number for page in read_pages(str(REPORTS / name)) if page.boxes], name


def test_a_table_drawn_without_rules_is_left_out_and_its_notes_kept() -> None:
    """A fascicle's mandates are a table without rules: a resolution's number and its title, two
    to a row, in 8.5 pt type; every line of it had been a clause of the PDF (the DOCX leaves the
    table out). The subheadings between such tables, in body type, stay; so does a note under a
    table in its small type (`Abbreviations: ...`), which the DOCX keeps as text."""
    texts = _texts(read(REPORTS / "A_81_6 (SECT. 12).pdf"))
    assert not {"1995 (XIX)", "Establishment of the United Nations", "organ of the General Assembly"} & texts
    assert "General Assembly resolutions" in texts
    notes = _texts(read(REPORTS / "A_80_600.pdf"))
    assert any(text.startswith("Abbreviations: FS, Field Service; MC, military contingent") for text in notes)


def test_an_enumeration_run_on_at_a_line_start_is_not_a_subparagraph() -> None:
    """`... attributable primarily to: (a) additional costs ...` wraps before `(a)` in A/80/628's
    PDF: the label at the start of a line under a full one had started a clause."""
    pdf, docx = read(REPORTS / "A_80_628.pdf"), read(REPORTS / "A_80_628.docx")
    paragraph = " ".join(clause(docx, "65").split())
    assert paragraph.startswith("For the 2026/27 period") and "(a) additional costs" in paragraph
    assert paragraph in _texts(pdf)


def test_a_table_that_goes_on_in_body_type_without_rules_is_left_out() -> None:
    """A/80/590's results frameworks: a rule, a header in 7 pt, then rows in 10 pt with no rule
    under them down to the foot of the page; each row had become a clause."""
    texts = _texts(read(REPORTS / "A_80_590.pdf"))
    assert not any(text.startswith(("1.1.1 Percentage of approved", "1.1.2 Completion of the")) for text in texts)
    assert any(text.startswith("The liquidation entails providing rapid") for text in texts)  # 57, above it


def test_an_untagged_table_goes_on_over_the_page_and_its_numbered_rows_are_not_paragraphs() -> None:
    """A/80/590's outputs table runs over five pages with neither rules nor a header repeated: from
    the second page on each cell had become a clause (160 of them). And the results frameworks'
    rows open with a number at the table's edge (`1.1 Tensions in the buffer zone ... 1.1.1`,
    60 pt, 63 pt out of the column), which had been taken for a paragraph's number set into the
    margin (a fascicle's `12.58`, 36 pt out), a line of the body that ended the table."""
    texts = _texts(read(REPORTS / "A_80_590.pdf"))
    assert not any(
        text.startswith(("Generators in Gao handed over", "Medical services", "Conduct and discipline"))
        for text in texts
    )
    assert "Borrowing" in texts  # the body after the table
    texts = _texts(read(REPORTS / "A_80_607.pdf"))
    assert not any("1.1.2 Management of civilian activity" in text for text in texts)
    fascicle = _texts(read(REPORTS / "A_81_6 (SECT. 12).pdf"))
    assert any(text.startswith("Non-tariff measures can affect international trade") for text in fascicle)


def test_a_note_under_a_chart_at_the_pages_foot_is_a_paragraph_as_in_the_docx() -> None:
    """A/80/628's organization charts: `a Establishment.`, `c Conversion.` under each chart, in small
    type at the page's foot, were read as footnotes that no mark of the text points to, and lost;
    the DOCX keeps them as paragraphs. A note opened by a letter is a table's: a paragraph."""
    pdf, docx = _texts(read(REPORTS / "A_80_628.pdf")), _texts(read(REPORTS / "A_80_628.docx"))
    for note in ("a Establishment.", "b Funded by the United Nations country team.", "c Conversion."):
        assert note in docx and note in pdf, note
    resolution = read(ODS_PDF / "A_RES_73_8-EN.pdf")  # numbered footnotes stay notes
    assert next(c for c in resolution.clauses if c.number == "1").notes == ("A/73/85.",)


def test_a_tables_notes_under_its_last_rule_are_paragraphs_and_a_wrapped_note_is_one() -> None:
    """Under a ruled table, its notes in small type (`a Funded under general temporary
    assistance.`, the letter raised; `Note: ...`; `Abbreviations: ...`) had gone with the table,
    which ran on to the next line of the body; the DOCX keeps them as paragraphs. A note's second
    line, at its hanging indent, had started a clause of its own: it is in the same paragraph
    element of the structure tree."""
    pdf, docx = _texts(read(REPORTS / "A_80_628.pdf")), _texts(read(REPORTS / "A_80_628.docx"))
    for note in (
        "a Funded under general temporary assistance.",
        "a Representing the rental value of land and buildings, airport fees and landing rights.",
    ):
        assert note in docx and note in pdf, note
    abbreviations = next(text for text in docx if text.startswith("Abbreviations: MONUSCO"))
    assert abbreviations in pdf and "Democratic Republic of Congo" in abbreviations


def test_a_tagged_pdf_starts_a_paragraph_where_word_starts_one() -> None:
    """`Subprogramme 1` and its title are two paragraph elements of the fascicle's structure tree
    (two paragraphs of the DOCX): the same type, one under the other, they had been one clause."""
    texts = _texts(read(REPORTS / "A_81_6 (SECT. 12).pdf"))
    assert {"Subprogramme 1", "Globalization, interdependence and development"} <= texts
    assert "Subprogramme 1 Globalization, interdependence and development" not in texts


def test_the_structure_tree_marks_a_tagged_tables_cells() -> None:
    """Page 14 of the fascicle: Table 12.5 is tagged `Table` (its cells' lines are marked), the
    paragraph that introduces Table 12.6 is a `P` (not marked)."""
    from indexer.layout.chars import read_pages

    page = read_pages(str(REPORTS / "A_81_6 (SECT. 12).pdf"))[13]
    marked = {line.text.split()[0] for line in page.lines if line.table}
    assert {"Three", "2023", "countries"} <= marked
    assert not any(line.table for line in page.lines if line.text.startswith(("12.35", "Table 12.6", "Deliverables")))


def test_the_reports_pdfs_find_nine_in_ten_of_their_docx_clauses() -> None:
    """bench/readers.py's "PDF against its DOCX" over the ten reports: before the tables were left
    out and the margins read, 1,495 of the DOCX's 2,057 clauses were found in the PDFs with the same
    text, and 7,901 PDF clauses were none of the DOCX's (table cells); A/80/630, its tables gone,
    fell to the plain-text parser (57 of 150) until a paragraph number counted as a signal; then
    1,604 of 1,744 (the DOCX's text boxes out) and 1,232; 1,603 of 1,687 (the fascicles' framed
    masthead notes no longer read as the DOCX's first clauses) and 1,233; the PDF's organization
    charts out, 1,603 and 1,113; tables without rules out too: 1,603 and 497. Now the DOCX reads
    the reports' summaries (1,806 clauses), the PDF's contents end before them, its notes are
    found under their rule and a chart's labels are left out: 1,691 and 320; an untagged table
    followed over the page and its numbered rows told from paragraphs: 1,691 and 49; a letter's
    note at the page's foot (a table's) is a paragraph: 1,719 and 49; a ruled table's notes under
    it, and a line in its paragraph's tagged element kept on it: 1,760 and 46; a landscape page's
    sideways running head out, a table's row at a page's foot no footnote, a unit's power text,
    notes between two framed tables and a variance box's header (tests/test_real_report_pages.py):
    1,787 and 16; italic subheadings read, a subparagraph carried over a page at its hanging
    indent: 1,793 and 11; the running head's rule no table's: 1,795 and 11; contents followed over
    a page whose first entry wraps: 1,795 and 8."""
    rows = pair_rows({path: read(path) for path in sorted(REPORTS.glob("*.pdf")) + sorted(REPORTS.glob("*.docx"))})
    assert len(rows) == 10 and all(row["found"] >= 0.55 * row["docx"] for row in rows), rows
    found, clauses, extra = (sum(row[key] for row in rows) for key in ("found", "docx", "extra"))
    assert found >= 1793 and found >= 0.99 * clauses and extra < 10, (found, clauses, extra)


def test_a_reports_summary_box_is_read_by_both_readers() -> None:
    """ODS frames a budget report's summary as a table of one cell a row: the DOCX reader left it
    out with the tables (all six reports lost their summaries), and the PDF reader took its first
    paragraphs, in regular type on the page after the contents, for more of the contents (which
    ran to the first bold line)."""
    pdf, docx = _texts(read(REPORTS / "A_80_628.pdf")), _texts(read(REPORTS / "A_80_628.docx"))
    opening = "The present report contains the budget performance and the budget for the United Nations Support"
    assert any(text.startswith(opening) for text in docx) and any(text.startswith(opening) for text in pdf)
    for name in ("A_80_590", "A_80_596", "A_80_600", "A_80_607", "A_80_630"):
        assert any(
            text.startswith(("The present report contains", "Total expenditure for"))
            for text in _texts(read(REPORTS / f"{name}.docx"))
        ), name


def test_a_table_notes_mark_is_neither_text_nor_another_tables_note() -> None:
    """`Human resources` + superscript `a` (the summary's table note): the DOCX had read the mark as
    a letter of the heading (`Human resourcesa`); the PDF took it for the document's last note `a`
    (`Conversion.`, 30 pages on). A letter marks a table's note (ODS numbers its footnotes): both
    readers now leave the mark out and read the note as a paragraph."""
    note = "a Represents the highest level of authorized/proposed strength."
    docx = _texts(read(REPORTS / "A_80_628.docx"))
    assert "Human resources" in docx and "Human resourcesa" not in docx and note in docx
    assert "266,000 km2 area of operations" in " ".join(_texts(read(REPORTS / "A_80_600.docx")))  # after a digit: text
    pdf = read(REPORTS / "A_80_628.pdf")
    heading = next(c for c in pdf.clauses if c.text == "Human resources")
    assert heading.notes == () and note in _texts(pdf)


def test_a_line_break_in_one_tagged_paragraph_does_not_start_a_subparagraph() -> None:
    """`... reflects the net impact of:` then `(a) increased requirements ...` on the next line, one
    paragraph element of the structure tree (one paragraph of the DOCX): the label had started a
    clause of its own."""
    texts = _texts(read(REPORTS / "A_80_628.pdf"))
    assert any(
        text.startswith("The unencumbered balance of $13.5 million reflects the net impact of: (a)") for text in texts
    )
    assert not any(text.startswith("(a) increased requirements for military and police") for text in texts)


def test_a_footnote_under_its_rule_is_a_note_not_text() -> None:
    """A/RES/73/6, page 4: the end of the note of P23 under the footnote rule (a rule is furniture,
    so it had gone before the notes were looked for) had run into operative paragraph 5."""
    resolution = read(ODS_PDF / "A_RES_73_6-EN.pdf")
    assert "A/AC.105/1168" not in clause(resolution, "5")
    assert next(c for c in resolution.clauses if c.number == "P23").notes[0].endswith("A/AC.105/1181.")


def test_a_charts_labels_are_not_clauses() -> None:
    """The fascicles' charts: axis labels set sideways (a letter a line) and scale numbers in small
    type had become clauses (`d 45`, `n 15`, `600 500 400 300 200 100`)."""
    for name in ("A_81_6 (SECT. 10).pdf", "A_81_6 (SECT. 11).pdf", "A_81_6 (SECT. 12).pdf"):
        wordless = [text for text in _texts(read(REPORTS / name)) if not re.search(r"[^\W\d_]{3,}", text)]
        assert not wordless, (name, wordless)


def test_a_report_pdf_and_its_docx_agree_on_the_masthead() -> None:
    pdf, docx = read(REPORTS / "A_80_590.pdf"), read(REPORTS / "A_80_590.docx")
    assert (pdf.symbol, pdf.kind, pdf.date, pdf.title) == (docx.symbol, docx.kind, docx.date, docx.title)


def test_the_1971_draft_gives_its_header_through_its_ocr_layer() -> None:
    truth = TRUTHS["scans_un_su_1971/1971-09-29_A_L.632-EN.pdf"]
    result = score(read(SCANS / "1971-09-29_A_L.632-EN.pdf"), truth)
    assert result["wrong"] == [], result
    assert len(truth["header"]["sponsors"]) == 20  # the list wraps over five lines


@pytest.mark.slow
def test_the_image_only_russian_scan_is_read_by_ocr(tmp_path: Path) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("needs tesseract with Russian data: apt-get install tesseract-ocr tesseract-ocr-rus")
    resolution = read(SCANS / "1971-10-25_GA_Resolution_2758_ru.pdf")
    text = " ".join(c.text for c in resolution.clauses)
    assert resolution.language == "ru"
    assert "Китайской Народной Республики" in text
    assert resolution.extra["ocr"].startswith("tesseract")
    assert float(resolution.extra["ocr_confidence"]) > 50
    # The flag goes with the document into the index and out through the API and `show`.
    from indexer.writer import build_index
    from search_api.engine import SearchEngine

    folder = tmp_path / "scan"
    folder.mkdir()
    shutil.copy(SCANS / "1971-10-25_GA_Resolution_2758_ru.pdf", folder)
    build_index([folder], tmp_path / "index", workers=1)
    view = SearchEngine(tmp_path / "index").document("ru:1971-10-25_GA_Resolution_2758_ru")
    assert view.ocr is not None and view.ocr.startswith("tesseract (rus), mean word confidence")


def test_footnotes_are_stored_shown_and_searchable_as_notes(tmp_path: Path) -> None:
    from indexer.writer import build_index
    from search_api.engine import SearchEngine
    from search_api.models import SearchRequest

    folder = tmp_path / "ods"
    folder.mkdir()
    shutil.copy(ODS_PDF / "A_RES_73_8-EN.pdf", folder)
    build_index([folder], tmp_path / "index", workers=1)
    engine = SearchEngine(tmp_path / "index")
    found = engine.search(SearchRequest(q='notes:"A/73/85"'))
    assert [hit.clause.number for hit in found.hits if hit.clause] == ["1"]  # the clause its mark is in
    assert found.hits[0].clause and found.hits[0].clause.notes == ["A/73/85."]  # shown with the hit
    assert engine.search(SearchRequest(q='"A/73/85"')).total == 0  # not in any clause's own text
    clause = next(c for c in engine.document("en:A/RES/73/8").clauses if c.number == "1")
    assert clause.notes == ["A/73/85."]

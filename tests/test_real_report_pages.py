"""The PDF reader on the real ODS reports' pages (../shared/corpus/raw/ods_reports_mandates; skipped,
saying so, where it is absent): what their DOCX has, the PDF must give the same. Each test names
what had gone wrong on these files, and fails when that fix is undone."""

from __future__ import annotations

import re

import pytest

from indexer.layout.chars import read_pages
from indexer.layout.paragraphs import lay_out
from tests.conftest import HAS_SHARED, SHARED_MISSING
from tests.test_real_files import REPORTS, read

pytestmark = pytest.mark.skipif(not HAS_SHARED, reason=SHARED_MISSING)


def _texts(name: str) -> list[str]:
    return [clause.text for clause in read(REPORTS / name).clauses]


def test_a_landscape_pages_sideways_running_head_is_left_out() -> None:
    """An organization chart's page is landscape, its running head set sideways along the edge, a
    glyph to a baseline: its `3` had joined the `Annex` heading (`3 Annex`, `0 Annex`, `3 Map`)."""
    for name in ("A_80_596.pdf", "A_80_600.pdf", "A_80_607.pdf", "A_80_630.pdf"):
        texts = _texts(name)
        assert "Annex" in texts, name
        assert not [t for t in texts if re.fullmatch(r"\d (?:Annex|Map)", t)], name
    # and the chart's notes on those pages are read, as the DOCX has them
    abbreviations = next(t for t in _texts("A_80_607.docx") if t.startswith("Abbreviations: ASG"))
    assert abbreviations in _texts("A_80_607.pdf")


def test_a_tables_row_at_the_pages_foot_is_not_a_footnote() -> None:
    """A/80/590's financial table runs to the foot of its page without a footnote rule: its row
    `3 801.9 3 722.0` (two cells of one row) had been read as note `3`, which a later mark took."""
    laid = lay_out(read_pages(str(REPORTS / "A_80_590.pdf")))
    assert not [note for note in laid.footnotes.values() if "722.0" in note], laid.footnotes
    notes = [note for clause in read(REPORTS / "A_80_590.pdf").clauses for note in clause.notes]
    assert not [note for note in notes if "722.0" in note]


def test_a_units_power_is_text_not_a_notes_mark() -> None:
    """`2,050 m3`, `266,000 km2`: the raised digit after a unit had been a mark (the text lost it)
    and took the document's note of that number."""
    for name, words in (("A_80_590", "collecting 2,050 m3 of general waste"), ("A_80_600", "its 266,000 km2 area")):
        [found] = [c for c in read(REPORTS / f"{name}.pdf").clauses if words in c.text]
        assert not found.notes, found.notes
        assert any(words in t for t in _texts(f"{name}.docx"))


def test_notes_between_two_tables_of_one_frame_end_the_first() -> None:
    """A/80/630's summary frames its staffing table, that table's notes, a heading and the next
    table together: with no line of the body between their rules, both tables and all between
    had been left out as one."""
    texts = _texts("A_80_630.pdf")
    for expected in (
        "a Represents the highest level of authorized/proposed strength.",
        "Legislative history",
        "(Thousands of United States dollars)",
    ):
        assert expected in texts and expected in _texts("A_80_630.docx"), expected
    # a cell's line that opens with the word `a` is not a note (A/80/600's `a cessation of hostilities`)
    assert "a cessation of hostilities" not in _texts("A_80_600.pdf")


def test_a_variance_boxs_header_goes_with_its_table() -> None:
    """`Variance` and `2024/25 variance` head a variance box's amount and percentage, with no rule
    above them: the DOCX has them in the table's first row and leaves them out with it; the PDF
    had made 22 paragraphs of them."""
    headers = {"Variance", "2024/25 variance", "2026/27 variance"}
    for name in ("A_80_590", "A_80_596", "A_80_607", "A_80_628"):
        assert not headers & set(_texts(f"{name}.pdf")), name
        assert not headers & set(_texts(f"{name}.docx")), name


def test_a_subparagraph_goes_on_at_its_hanging_indent_over_a_page_break() -> None:
    """A fascicle's `(b) Coordinate ...` ends a page mid-sentence and goes on at the top of the
    next at its hanging indent: an indented line there had started a paragraph of its own."""
    pdf, docx = _texts("A_81_6 (SECT. 11).pdf"), _texts("A_81_6 (SECT. 11).docx")
    for opening in ("(b) Coordinate the interdepartmental", "(c) Support the African Union Development Agency"):
        [whole] = [t for t in docx if t.startswith(opening)]
        assert whole in pdf, opening
    assert not [t for t in pdf if t.startswith("African Union and African Member States as enshrined")]


def test_an_italic_subheading_is_a_paragraph_of_its_own() -> None:
    """The layout had not read italics: `Lessons learned and planned change` (italic, body type)
    ran into the paragraph above it, and the mandates' italic subheadings between two tables drawn
    without rules went with the tables (A/81/6 (Sect. 12) and (Sect. 13))."""
    pdf = _texts("A_81_6 (SECT. 11).pdf")
    assert "Lessons learned and planned change" in pdf
    assert not [t for t in pdf if t.endswith("employment. Lessons learned and planned change")]
    for name, heading in (
        ("A_81_6 (SECT. 13)", "Economic and Social Council resolutions"),
        ("A_81_6 (SECT. 12)", "United Nations Conference on Trade and Development reports"),
    ):
        assert heading in _texts(f"{name}.pdf") and heading in _texts(f"{name}.docx"), name
    page = read_pages(str(REPORTS / "A_81_6 (SECT. 11).pdf"))
    lines = [line for p in page for line in p.lines if line.text == "Lessons learned and planned change"]
    assert lines and all(line.italic for line in lines)
    assert not any(line.italic for line in page[6].lines if line.text.startswith("(b) Coordinate"))


def test_the_running_heads_rule_starts_no_table() -> None:
    """The rule under the running head, with small type under it (a unit line over a table, or a
    table going on from the page before), had been taken for a table's top rule: the unit line went
    with the table, which the DOCX keeps as a paragraph."""
    for name, unit in (("A_80_628", "(Percentage)"), ("A_80_596", "(Millions of United States dollars)")):
        assert unit in _texts(f"{name}.pdf") and unit in _texts(f"{name}.docx"), name
    # a table going on at the top of a page keeps its row labels over its first row
    assert "Total (I–III)" not in _texts("A_80_600.pdf")
    assert "Total, including temporary positions" not in _texts("A_80_607.pdf")


def test_the_contents_go_on_over_a_page_whose_first_entry_wraps() -> None:
    """A/80/590's contents end on a page whose first entry wraps over four lines and its page
    number before the first dot leader: the page had been taken for the text, its entry and its
    `24` for paragraphs."""
    pdf = _texts("A_80_590.pdf")
    assert "24" not in pdf
    assert not [t for t in pdf if t.startswith("Summary of follow-up action") and t.endswith("requests of the")]
    heading = next(t for t in _texts("A_80_590.docx") if t.startswith("Summary of follow-up action taken"))
    assert heading in pdf

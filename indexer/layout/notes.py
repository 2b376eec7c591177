"""A laid-out document's footnotes: which lines of a page are its notes, and the note a mark in the
text points to.

Footnotes are the lines under the footnote rule (or a run of small type at the foot of a page that
starts with a mark), each note starting with its raised mark. A mark points to the note of that
mark on its own page (Word sets a footnote on its reference's page, or the next when the page is
full): a table's notes are marked `a`, `b`, ... afresh under each table, so the document's last
note `a` is not the one a heading's `a` on page 3 points to (A/80/628's `Human resources`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from indexer.layout.chars import Line, Page
from indexer.layout.furniture import FOOTNOTE_RULE
from indexer.layout.shapes import ROW_TOLERANCE
from indexer.layout.tables import opening_letter, opening_mark

NOTE_START = re.compile(r"^(\*{1,4}|\d{1,3})\s+(?=\S)")
WORD = re.compile(r"[^\W\d_]{3,}")  # three letters in a row (any script): a word, not a label


def split_footnotes(page: Page, lines: list[Line], size: float) -> tuple[list[Line], list[Line]]:
    """The page's text lines and its footnote lines (the footnote rule, and any other rule, in
    neither)."""
    rules = [index for index, line in enumerate(lines) if FOOTNOTE_RULE.match(line.text.strip())]
    if rules:
        below = [index for index in rules if lines[index].base > 0.4 * page.height]
        if below:
            cut = below[0]
            return _without_rules(lines[:cut]), _without_rules(lines[cut + 1 :])
        lines = _without_rules(lines)
    # No rule: a run of small type at the foot of the page; its notes start where a line opens
    # with a mark (`*`, `1`), alone on its row, the highest such line (a table's row that runs to
    # the foot has cells beside it: A/80/590's `3 801.9 3 722.0` had been a note `3`).
    start, opening = len(lines), None
    while start > 0 and lines[start - 1].size < size - 0.9 and lines[start - 1].base > 0.5 * page.height:
        start -= 1
        line = lines[start]
        alone = not any(abs(other.base - line.base) < ROW_TOLERANCE for other in lines if other is not line)
        if alone and (opening_mark(line) is not None or NOTE_START.match(line.text)):
            opening = start
    if opening is not None and opening > 0:
        return lines[:opening], lines[opening:]
    return lines, []


def _without_rules(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not FOOTNOTE_RULE.match(line.text.strip())]


def table_notes(note_lines: list[Line]) -> tuple[list[Line], list[list[Line]]]:
    """The page's footnotes, and apart from them the notes of a table or a chart that Word set at
    the page's foot in small type, each opened by a letter (`a Establishment.` under A/80/628's
    organization charts, `a Represents the highest level ...` under a summary's table): ODS
    numbers its footnotes and letters its tables' notes. The DOCX keeps a table's notes as
    paragraphs; so does the PDF reader (each with the lines that go on it), and a letter that
    marks a line of the text is left out of it, as the DOCX reader leaves it."""
    footnotes: list[Line] = []
    apart: list[list[Line]] = []
    current: list[Line] | None = None  # the note apart that a line without a mark goes on
    for line in note_lines:
        mark = opening_mark(line)
        if opening_letter(line):
            current = [line]
            apart.append(current)
        elif mark is None and current is not None and not NOTE_START.match(line.text):
            if WORD.search(line.text):  # not a chart's scale or the margin's job number
                current.append(line)
        else:
            current = None
            footnotes.append(line)
    return footnotes, apart


class Notes:
    """The document's footnotes as its pages print them (`read` a page's note lines in order)."""

    def __init__(self, join: Callable[[str, str], str]) -> None:
        self._join = join
        self.texts: list[str] = []
        self._on_page: dict[tuple[int, str], int] = {}  # (page, mark): its note, the first there
        self._latest: dict[str, int] = {}
        self._last: int | None = None  # the note a line without a mark goes on

    def read(self, page: int, lines: list[Line]) -> None:
        """A page's footnote lines: a line opening with a mark starts a note, one without goes on
        the note before (across a page break too)."""
        for line in lines:
            mark = opening_mark(line)
            text = line.text
            if mark is None:
                plain = NOTE_START.match(text)
                opens = plain is not None and (
                    self._last is None or plain.group(1).startswith("*") or (page, plain.group(1)) not in self._on_page
                )
                if plain is not None and opens:
                    mark, text = plain.group(1), text[plain.end() :]
            if mark is not None:
                self.texts.append(text.strip())
                self._last = len(self.texts) - 1
                self._on_page.setdefault((page, mark), self._last)
                self._latest[mark] = self._last
            elif self._last is not None:
                self.texts[self._last] = self._join(self.texts[self._last], text)

    def text(self, page: int, mark: str) -> str | None:
        """The note a mark on `page` points to: on that page, else the next, else the document's
        last of that mark; None if none has it (a table's note, read as a paragraph)."""
        for where in (page, page + 1):
            found = self._on_page.get((where, mark))
            if found is not None:
                return self.texts[found]
        latest = self._latest.get(mark)
        return None if latest is None else self.texts[latest]

    def by_mark(self) -> dict[str, str]:
        """Each mark's last note (a document of numbered footnotes has one a mark)."""
        return {mark: self.texts[index] for mark, index in self._latest.items()}

"""Tables that a PDF does not tag, told by their rules and their type.

Word tags some of a report's tables in the PDF's structure tree (indexer/layout/tags.py) and not
others: on A/81/6 (Sect. 12) the performance measures are tagged `Table` and the deliverables'
lists are plain `P`s, so every cell became a paragraph. What the untagged ones share on the real
ODS reports (../shared/corpus/raw/ods_reports_mandates): a drawn rule above the header, the header
in small type (7 or 8.5 pt under a 10 pt body), more rules under it and between rows, and rows
in small type or between two rules. A table here runs from a rule with small type under it down
to its last rule that no paragraph of the body interrupts, then on until a line of the body: a
heading, or, alone on its row, a full line at the column's edge or indented from it (a
paragraph's first), or a number set into the margin. So a table that goes on in body type
without rules to the foot of its page (A/80/590's results frameworks) is left out too; an
italic subheading in body type at the tables' edge or the column's ends one (A/81/6 (Sect. 13)'s
`Economic and Social Council resolutions` between its mandates' tables). A table drawn without
rules (a fascicle's mandates: a resolution's number and its title, two to a row) is told by its
rows: from one of two or more cells in small type on to the last line in small type, short of a
note under it (`a ...`, `Abbreviations: ...`), which the DOCX keeps as text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import takewhile

from indexer.layout.chars import Line
from indexer.layout.shapes import ROW_TOLERANCE

# Type this much smaller than the body's is a table's (its header 7 pt, its rows 8.5 pt).
_SMALL = 1.0
# ODS sets its headings out of the text column by up to 32 pt (`III.` at 91 pt, the column at 123);
# a table's first column starts further out (60 pt).
_HEADING_OUTDENT = 3.5
# A paragraph's number set into the margin stands 36 pt out of the column (a fascicle's `12.58` at
# 87 pt); a table's numbered row at its edge further (A/80/607's `1.1 Tensions ...` at 60 pt).
_NUMBER_OUTDENT = 4.0
# A table's rows follow one another within this many body type sizes (14.5 pt on the real reports).
_ROW_PITCH = 2.0
# A variance box's header stands this many type sizes over its row (18 pt on the real reports).
_HEADER_GAP = 2.5
TABLE_NOTE_MARK = re.compile(r"^[a-z]$")  # a table's note's mark, in the PDF and the DOCX alike
# A note under a table, in the table's type: `a Funded under ...`, `Abbreviations: FS, ...`.
_NOTE_WORDS = r"(?:Notes?|Abbreviations?|Sources?):"
_NOTE_WORD = re.compile("^" + _NOTE_WORDS)
_TABLE_NOTE = re.compile(rf"^(?:[a-z] |{_NOTE_WORDS})")


def opening_mark(line: Line) -> str | None:
    """The raised mark a line opens with (a note's: `1`, `*`, `a`), None if it opens with text."""
    return line.marks[0][1] if line.marks and line.marks[0][0] == 0 else None


def opening_letter(line: Line) -> str | None:
    """The letter a line opens with, raised: a table's note (`a Funded under ...`); ODS numbers
    its footnotes and letters its tables' notes."""
    mark = opening_mark(line)
    return mark if mark is not None and TABLE_NOTE_MARK.match(mark) else None


def _continued_rows(
    lines: list[Line],
    rules: list[float],
    body: Callable[[int], bool],
    alone: Callable[[int], bool],
    small: Callable[[Line], bool],
    headings_from: float,
) -> set[int]:
    """The lines at the top of a page that go on the table the page before ended in: down to a
    line of the body, a heading (bold, alone, set no further out than a heading is) or the first
    rule (a table of the page's own, which the rules find), and only if they hold a row of two
    or more cells in body type (a table's, not a heading over a paragraph: `Component 2:
    support`, bold at the table's edge, is A/80/596's)."""
    # The first rule under the page's first line (the running head's rule is above it).
    top = min((rule for rule in rules if lines and rule > lines[0].base), default=float("inf"))
    rows: set[int] = set()
    for index, line in enumerate(lines):
        heading = line.bold and alone(index) and line.x0 >= headings_from
        if line.base > top or heading or body(index):
            break
        rows.add(index)
    return rows if any(not alone(i) and not small(lines[i]) for i in rows) else set()


def untagged_table_lines(
    lines: list[Line],
    rules: list[float],
    size: float,
    left: float,
    right: float,
    full: float,
    continued: bool = False,
) -> set[int]:
    """Indexes of `lines` (a page's text lines, top to bottom) that are an untagged table's;
    `rules` from `page_rules`, `left` and `right` the text column's edges, `full` where a full
    line of it ends; `continued` if the page before ended in such a table, which then goes on
    from the top of this page until a line of the body (a table's rows, with no rule or header
    repeated: A/80/590's results frameworks over five pages)."""
    found: set[int] = set()
    bases = sorted(line.base for line in lines)

    def alone(index: int) -> bool:  # no other cell on its row (a bisection: pages may be long)
        base = lines[index].base
        return bisect_left(bases, base + ROW_TOLERANCE) - bisect_right(bases, base - ROW_TOLERANCE) <= 1

    def small(line: Line) -> bool:
        return line.size <= size - _SMALL

    def note(index: int) -> bool:
        """A note under a table: `Abbreviations: ...`, or a raised letter and its text."""
        return bool(_TABLE_NOTE.match(lines[index].text) or opening_letter(lines[index]))

    def marked_note(index: int) -> bool:
        """A note told by its mark or its word, not by a plain `a ` (a cell's wrapped line)."""
        return bool(opening_letter(lines[index]) or _NOTE_WORD.match(lines[index].text))

    def body(index: int) -> bool:
        """A line of the body's own: a heading, or body type alone on its row at the column's
        edge (a full line, or one that opens with a number set into the margin)."""
        line = lines[index]
        if small(line):
            return False
        if line.size >= size + _SMALL or (line.bold and alone(index) and line.x0 >= left - 2):
            return True
        if line.italic and alone(index) and line.x0 <= left + 2:
            # An italic subheading at the tables' edge or the column's (A/81/6 (Sect. 13)'s
            # `Economic and Social Council resolutions` between its mandates' tables); an italic
            # title in a cell stands further in.
            return True
        at_edge = abs(line.x0 - left) < 2 and line.x1 - line.x0 > 0.5 * (right - left)
        numbered = (
            left - _NUMBER_OUTDENT * size <= line.x0 < left - 2
            and line.text[:1].isdigit()
            and line.x1 > right - 0.1 * (right - left)
        )
        # A paragraph's full first line, indented or not (a table's row starts at its own cells).
        opening = left - 2 <= line.x0 <= left + 3 * size and line.x1 > full
        return alone(index) and (at_edge or numbered or opening)

    if continued:
        found |= _continued_rows(lines, rules, body, alone, small, left - _HEADING_OUTDENT * size)
    start = 0
    while start < len(rules):
        below = [i for i, line in enumerate(lines) if line.base > rules[start] and i not in found]
        if not below or not small(lines[below[0]]):
            start += 1
            continue
        # The last rule reached before a line of the body or a note (a table's notes come after
        # its last rule: A/80/630's summary sets two tables, notes between, in one frame), then
        # small type under it.
        end = start
        for following in range(start + 1, len(rules)):
            between = [i for i in below if rules[end] < lines[i].base < rules[following]]
            if any(body(i) or marked_note(i) for i in between):
                break
            end = following
        for i in below:
            if lines[i].base < rules[end]:
                found.add(i)
            elif body(i) or note(i):  # under its last rule: the body again, or the table's notes
                break
            else:
                found.add(i)
        start = end + 1
    # A table drawn without rules (a fascicle's mandates: a resolution's number and its title, two
    # to a row, in small type): from a row of two or more small cells to the last small line
    # before a line of body type or a note under the table, which the DOCX keeps as text.
    index = 0
    while index < len(lines):
        if index in found or not small(lines[index]) or alone(index):
            index += 1
            continue
        # Its row labels just above its first row, with no rule between, are its own (a table
        # going on at the top of a page: A/80/600's `Total (I–III)` over `Approved 2024/25 ...`).
        above = index - 1
        while (
            above >= 0
            and above not in found
            and small(lines[above])
            and not note(above)
            and lines[above + 1].base - lines[above].base < _ROW_PITCH * size
            and not any(lines[above].base < rule < lines[above + 1].base for rule in rules)
        ):
            found.add(above)
            above -= 1
        while index < len(lines) and small(lines[index]):
            if alone(index) and note(index):
                break
            found.add(index)
            index += 1
    # A header over a table's right-hand columns, with no rule above it (a variance box's
    # `Variance` or `2024/25 variance` over its amount and percentage): the table's, as the DOCX has
    # it in the table's first row. A unit line or a title over a table starts at the column's edge.
    order = sorted(range(len(lines)), key=lambda i: lines[i].base)
    for position in reversed(range(len(order))):  # a header's lower line first
        line = lines[order[position]]
        if order[position] in found or not small(line) or line.x0 <= (left + right) / 2:
            continue
        # The row under it: the lines from the first that stands lower than its own row.
        next_row = bisect_right(bases, line.base + ROW_TOLERANCE)
        if next_row == len(bases) or bases[next_row] - line.base >= _HEADER_GAP * size:
            continue
        bottom = bases[next_row] + ROW_TOLERANCE
        if any(i in found for i in takewhile(lambda i: lines[i].base < bottom, order[next_row:])):  # noqa: B023
            found.add(order[position])
    return found

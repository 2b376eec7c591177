"""A laid-out document's lines as paragraphs, its footnotes as notes.

What tells paragraphs apart on a UN page (../shared/notes/ods-file-template.md, section 4): lines
of a paragraph are 12 pt apart and paragraphs 18 pt (a gap over 1.35 times the type size starts a
paragraph); a first line is indented against the page's text column (23.8 pt in ODS, judged as
more than half the type size); numbered paragraphs start with their number; headings are bold;
a change of type size is a change of paragraph; a line set out into the margin (a fascicle's
`12.9`) starts one, and a lettered subparagraph's second line at its hanging indent goes on. At a
page break a paragraph goes on unless the new page's first line is indented, set out, numbered
or a heading. A table's cells are left out, as the DOCX reader leaves out a table's paragraphs:
by the PDF's structure tree where Word tagged the table (tags.py), by its rules and type where
it did not (tables.py); where Word tagged its paragraphs, a line that opens another paragraph
element than the line above starts one, and a line in the same element as the line above goes on
its paragraph, a label (`(a)`) at its start or not (tags.py). Footnotes are found and matched to
their marks by notes.py; the marks in the text are kept beside it, never in it. Wrapping a line
that starts with a label (`(a)`) under a full line at the line pitch is an enumeration run on,
not a subparagraph. A block in small type without a word of three letters is a chart's labels.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from analyzers.scripts import CJK_RANGES
from indexer.layout.chars import Line, Page
from indexer.layout.figures import in_box
from indexer.layout.furniture import CONTENTS_LINE, FOOTNOTE_RULE, is_furniture, running_texts
from indexer.layout.notes import WORD, Notes, split_footnotes, table_notes
from indexer.layout.tables import opening_letter, untagged_table_lines

_NUMBERED = re.compile(r"^\s*(?:\d{1,4}(?:\.\d{1,3})?\s*(?:\.\s|．\s?)|\([a-z]{1,4}\)\s|[IVXL]{1,6}\.\s)")
_LABEL = re.compile(r"^\s*(?:\([a-z]{1,4}\)|\(?\d{1,3}\)|\d{1,3}\.|[a-z]\.|[IVXL]{1,6}\.)\s")
_CJK_EDGE = re.compile(rf"[{CJK_RANGES}，。；：、（）《》“”]")
_HEAD_ZONE = 0.12  # the running head stands in the page's top eighth (59 pt of 792)
_PARAGRAPH_GAP = 1.35
# A line that ends within this share of the page's width of the column's right edge is full.
_FULL_SHORT_OF = 0.04
_CONTENTS_LOOKAHEAD = 6  # lines of a page that show whether the contents go on there
_CONTENTS = re.compile(r"^\s*(?:Contents|Table des matières|Índice|Содержание|المحتويات|目录)\s*$")


@dataclass
class Block:
    """A paragraph of a laid-out page: its text, whether it is a heading, its notes."""

    text: str
    page: int
    size: float
    bold: bool
    indented: bool
    right_aligned: bool = False
    marks: list[tuple[int, str]] = field(default_factory=list)  # (page, mark) of its note marks
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the notes its marks point to


@dataclass
class Laid:
    blocks: list[Block]
    footnotes: dict[str, str]
    body_size: float
    pages: int
    signals: int = 0


def body_size(pages: list[Page]) -> float:
    """The type size most characters are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size)] += len(line.text)
    return float(sizes.most_common(1)[0][0]) if sizes else 10.0


def _column_left(pages: list[Page], size: float) -> float:
    """The text column's left edge: where lines start that go on from a full line (a justified
    line, or a typed one reaching the right margin); the commonest start where none does."""
    starts: Counter[float] = Counter()
    fallback: Counter[float] = Counter()
    for page in pages:
        # Lines of the text column (a masthead's right-hand cells start past 40 % of the width).
        body = [line for line in page.lines if abs(line.size - size) < 1 and line.x0 < 0.4 * page.width]
        right = max((line.x1 for line in body), default=0.0)
        for before, line in pairwise(body):
            fallback[round(line.x0)] += 1
            if before.x1 > right - _FULL_SHORT_OF * page.width and 0 < line.base - before.base < 3 * size:
                starts[round(line.x0)] += 1
    chosen = starts or fallback
    return float(chosen.most_common(1)[0][0]) if chosen else 0.0


def _line_pitch(pages: list[Page], size: float) -> float:
    """The commonest distance between the baselines of two lines of body type."""
    gaps: Counter[float] = Counter()
    for page in pages:
        body = [line for line in page.lines if abs(line.size - size) < 1]
        for before, line in pairwise(body):
            if 0 < line.base - before.base < 3 * size:
                gaps[round((line.base - before.base) * 2) / 2] += 1
    return gaps.most_common(1)[0][0] if gaps else 1.2 * size


def join_line(before: str, after: str, cjk: bool = False) -> str:
    """Join two lines of one paragraph: CJK without a space; a word broken at its own hyphen
    (`drug-` / `resistant`: ODS sets hyphenation off, so a line-end hyphen is the word's) whole;
    in a Chinese text, a number broken between its digits (`199` / `4年`) whole."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return before + after
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha() and after[0].isalpha():
        return before + after
    if _CJK_EDGE.match(before[-1]) and _CJK_EDGE.match(after[0]):
        return before + after
    if cjk and (_CJK_EDGE.match(before[-1]) or _CJK_EDGE.match(after[0]) or (before[-1] + after[0]).isdigit()):
        return before + after
    return f"{before} {after}"


def _centre(line: Line) -> float:
    return (line.x0 + line.x1) / 2


def _hangs_under(previous: Line, line: Line, full: float) -> bool:
    """`line` goes on a labelled line (`(a) ...`, `1. ...`) that was full, at the text's indent
    after the label: no more than a label and its tab (four type sizes) in from the label."""
    return (
        previous.x1 > full
        and bool(_LABEL.match(previous.text))
        and 0.5 * line.size < line.x0 - previous.x0 <= 4 * line.size
    )


def lay_out(pages: list[Page], symbol: str | None = None, title: str = "") -> Laid:
    """The document's paragraphs (furniture and footnotes out) and its footnotes by mark."""
    size = body_size(pages)
    left = _column_left(pages, size)
    sample = "".join(line.text for page in pages[:3] for line in page.lines)
    cjk = len(_CJK_EDGE.findall(sample)) > 0.2 * max(len(sample), 1)
    pitch = _line_pitch(pages, size)
    running = running_texts(symbol, title)
    notes = Notes(join_line)
    blocks: list[Block] = []
    previous: Line | None = None
    in_contents = False
    in_table = False  # the page before ended in an untagged table (tables.py)
    signals = 0  # lines set apart by an indent, an outdent or a paragraph number
    for page in pages:
        # The footnote rule stays for split_footnotes to find (a rule anywhere is furniture).
        kept = [
            line
            for line in page.lines
            if FOOTNOTE_RULE.match(line.text.strip()) or not is_furniture(line, page.height, size, running)
        ]
        text_lines, note_lines = split_footnotes(page, kept, size)
        page_right = max(
            (line.x1 for line in text_lines if abs(line.size - size) < 1 and line.x0 < 0.4 * page.width),
            default=page.width,
        )
        full = page_right - _FULL_SHORT_OF * page.width
        # The running head's rule (6 pt under it) is no table's: under it a unit line or a
        # continued table's small type had started one (A/80/628's `(Percentage)`).
        kept_ids = {id(line) for line in kept}
        head = max(
            (line.base for line in page.lines if line.base < _HEAD_ZONE * page.height and id(line) not in kept_ids),
            default=None,
        )
        rules = [rule for rule in page.rules if head is None or rule > head + size]
        untagged = untagged_table_lines(text_lines, rules, size, left, page_right, full, in_table)
        in_table = bool(text_lines) and len(text_lines) - 1 in untagged
        # A table's cell, or an organization chart's box, is left out as the DOCX reader leaves it
        # (layout/tags.py, tables.py, figures.py).
        out = {
            index
            for index, line in enumerate(text_lines)
            if line.table or index in untagged or in_box(line.x0, line.x1, line.base, page.boxes)
        }
        note_lines, apart = table_notes(note_lines)
        notes.read(page.number, note_lines)
        # A table of contents runs from its heading to the first bold line after it, or to the
        # first page whose opening lines are none of its entries (A/80/628's summary, in regular
        # type, opens the page after its contents; an entry may wrap over a few lines).
        in_contents = in_contents and any(CONTENTS_LINE.search(line.text) for line in text_lines[:_CONTENTS_LOOKAHEAD])
        for index, line in enumerate(text_lines):
            if index in out:
                previous = None
                continue
            in_contents = (in_contents and not line.bold) or bool(_CONTENTS.match(line.text))
            if in_contents or CONTENTS_LINE.search(line.text):
                previous = None
                continue
            indented = line.x0 > left + 0.5 * line.size
            # An indented line under another that starts where it does, or centred under a centred
            # one, goes on the same block (a typed sponsor list, a title in capitals); so does the
            # second line of a lettered subparagraph, set at its hanging indent under a full line.
            centred = (
                previous is not None
                and previous.page == line.page
                and line.base - previous.base <= 1.5 * max(pitch, line.size)
                and (
                    (
                        previous.x0 > left
                        and (abs(_centre(line) - _centre(previous)) < line.size or abs(line.x0 - previous.x0) < 2)
                    )
                    or _hangs_under(previous, line, full)
                )
            )
            # A line at the top of a page at the hanging indent of the full line that ended the page
            # before, which ended no sentence, goes on it (a fascicle's `(b) ...`, A/81/6 (Sect. 11)).
            carried = (
                previous is not None
                and previous.page != line.page
                and abs(line.x0 - previous.x0) < 2
                and previous.x0 > left + 0.5 * line.size
                and previous.x1 > full
                and not previous.text.rstrip().endswith((".", ";", ":"))
            )
            # A label at the start of a line under a full one at the line pitch is an enumeration
            # run on (`... primarily to: (a) additional costs ... and (b) ...`, A/80/628), not a
            # subparagraph: ODS sets those apart by a paragraph's gap.
            wrapped = (
                previous is not None
                and previous.page == line.page
                and previous.x1 > full
                and line.base - previous.base <= 1.25 * pitch
                and abs(line.x0 - left) < 2
            )
            # Word's tags: the line goes on the paragraph element the line above ends in (a label
            # after a line break in one paragraph, `... net impact of:` / `(a) increased ...`).
            same_element = (
                previous is not None and previous.page == line.page and previous.blocks[1] == line.blocks[0] != 0
            )
            numbered = bool(_NUMBERED.match(line.text)) and not wrapped and not same_element
            # A line set out into the margin starts a paragraph (a fascicle's `12.9` hangs left of
            # the column: at the top of a page nothing else tells it from the page before's text).
            outdented = line.x0 < left - 0.5 * line.size and not (
                previous is not None and abs(previous.x0 - line.x0) < 2
            )
            # Word's tags: the line opens another paragraph element than the one the line above
            # ends in (on one page: the tree is the page's).
            tagged_break = (
                previous is not None and previous.page == line.page and 0 != previous.blocks[1] != line.blocks[0] != 0
            )
            starts = (
                previous is None
                or bool(opening_letter(line))
                or not blocks
                or tagged_break
                or (
                    not same_element  # Word's tags say where a paragraph goes on, whatever its indent
                    and (
                        (indented and not (centred or carried))
                        or numbered
                        or outdented
                        or abs(line.size - previous.size) > 0.6
                        or line.bold != previous.bold
                        or line.italic != previous.italic  # an italic subheading (`Lessons learned ...`)
                    )
                )
            )
            if not starts and previous is not None:
                if previous.page == line.page:
                    gap = max(_PARAGRAPH_GAP * max(line.size, previous.size), 1.25 * pitch)
                    # A full line followed by one at the column's edge goes on (typed pages are
                    # double-spaced throughout: only the indent tells their paragraphs apart).
                    goes_on = previous.x1 > full and abs(line.x0 - left) < 2
                    starts = line.base - previous.base > (3 * line.size if goes_on else gap)
                else:
                    starts = blocks[-1].right_aligned
            marks = [(line.page, mark) for _, mark in line.marks]
            text = line.text
            letter = opening_letter(line)
            if letter:  # a table's note under it, as the DOCX has it: `a Funded under ...`
                text, marks = f"{letter} {text}", marks[1:]
            # A number only counts after a paragraph's gap (ODS spaces its paragraphs; a page typed
            # line by line has numbered lines too).
            spaced = previous is not None and previous.page == line.page and line.base - previous.base > 1.25 * pitch
            signals += bool(previous is not None and ((indented and not centred) or outdented or (numbered and spaced)))
            if starts:
                right = line.x0 > (page.width / 2) and line.x1 > left + 0.6 * (page.width - 2 * left)
                blocks.append(Block(text, line.page, line.size, line.bold, indented, right, marks, [line.text]))
            else:
                blocks[-1].text = join_line(blocks[-1].text, text, cjk)
                blocks[-1].lines.append(line.text)
                blocks[-1].marks.extend(marks)
            previous = line
        for note in apart:  # after the page's text, where they stand (paragraphs of their own)
            first = note[0]
            text = " ".join([f"{opening_letter(first)} {first.text}", *(line.text for line in note[1:])])
            blocks.append(Block(text, first.page, first.size, False, False, False, [], [line.text for line in note]))
            previous = None
    # A chart's labels (an axis title set sideways, read a letter a line: `d 45`, `e`) are small
    # type without a word: not paragraphs, as the DOCX has none of a chart's text.
    blocks = [block for block in blocks if block.size >= size - 0.9 or WORD.search(block.text)]
    for block in blocks:
        found = (notes.text(page, mark) for page, mark in block.marks)
        block.notes = [text for text in found if text is not None]
    return Laid(blocks, notes.by_mark(), size, len(pages), signals)

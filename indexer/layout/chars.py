"""A PDF page's text layer as positioned lines, through PDFium (pypdfium2).

PDFium was chosen by measurement on the real ODS PDFs (README, "Reading real files"): it reads a
page in 3-7 ms where pdfminer.six takes 100-200 ms, and it gives each glyph's origin, size and
weight, which is what the layout needs. Its own text assembly is not used: it joins line-end
hyphens into U+FFFE and puts superscript marks on lines of their own. Here glyphs are grouped into
lines by baseline, raised small glyphs become marks of the line below them, and words are split
at real space glyphs or at a gap wider than a fifth of the type size (letters of a justified
ODS line sit 0.2-1.4 pt apart, words 2.6 pt and more).
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.layout.figures import Box, chart_boxes
from indexer.layout.shapes import page_rules
from indexer.layout.tags import PageTags, page_structure

# A glyph this much smaller than its line's type, raised above its baseline, is a note mark.
_MARK_SIZE_RATIO = 0.8
# Glyphs whose baselines differ by less than this (points) share a line.
_BASELINE_TOLERANCE = 1.2
# A horizontal gap wider than this many type sizes splits a line into cells (a masthead's columns,
# a running head's symbol and title).
_CELL_GAP = 3.0
_SOFT_HYPHENS = {0xFFFE, 0x02, 0xAD}
_ITALIC_FLAG = 0x40  # a font descriptor's flags (PDF 32000-1, table 123)
# A gap between two glyphs wider than this share of the type size is a word break: on the real ODS
# PDFs, letter gaps (PDFium's glyph boxes) end at 0.18 of the size and missing spaces start at 0.23.
_WORD_GAP = 0.2


@dataclass
class Glyph:
    char: str
    x0: float
    x1: float
    base: float  # baseline, points from the top of the page
    size: float
    bold: bool
    index: int = -1  # in PDFium's text page: what its tags are asked by (indexer/layout/tags.py)


@dataclass
class Line:
    """One line (or one cell of a line) of a page: its text, where it sits, its type."""

    page: int
    text: str
    x0: float
    x1: float
    base: float
    size: float
    bold: bool
    marks: list[tuple[int, str]] = field(default_factory=list)  # (offset in text, mark) note marks
    table: bool = False  # a tagged table's (two of its first, middle and last glyphs): left out
    italic: bool = False  # two of its first, middle and last glyphs in an italic font
    blocks: tuple[int, int] = (0, 0)  # the tagged paragraph elements of its first and last glyphs


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    rules: list[float] = field(default_factory=list)  # where its wide horizontal rules are (tables.py)
    boxes: list[Box] = field(default_factory=list)  # an organization chart's boxes (figures.py)


def _glyphs(textpage: pdfium.PdfTextPage, height: float) -> list[Glyph]:
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    glyphs: list[Glyph] = []
    for index in range(count):
        if pdfium_c.FPDFText_IsGenerated(raw, index):
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in _SOFT_HYPHENS:
            code = 0x2D
        if code < 0x20 and code not in (0x09,):
            continue
        pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(raw, index, origin_x, origin_y)
        # The type size as printed: the font's size times the text matrix's vertical scale (an
        # OCR layer sets size 1 and scales by the matrix; ODS sets the size and a unit matrix).
        pdfium_c.FPDFText_GetMatrix(raw, index, ctypes.byref(matrix))
        if abs(matrix.b) > abs(matrix.a):
            # Set sideways: a landscape page's running head along its edge (`A/80/600`, `32/35`,
            # a glyph to a baseline, one of them had joined the `Annex` heading), a chart's axis title.
            continue
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * (math.hypot(matrix.b, matrix.d) or 1.0)
        weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
        char = " " if code == 0x09 else chr(code)
        x0 = origin_x.value
        x1 = max(right.value, x0)
        glyphs.append(Glyph(char, x0, x1, height - origin_y.value, size, weight >= 600, index))
    return glyphs


def _italic(textpage: object, index: int) -> bool:
    """Whether a glyph's font is italic (its descriptor's Italic flag: Word sets it, as for
    `TimesNewRomanPS-ItalicMT`)."""
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage, index, None, 0, ctypes.byref(flags))
    return bool(flags.value & _ITALIC_FLAG)


def _split_cells(glyphs: list[Glyph]) -> list[list[Glyph]]:
    glyphs.sort(key=lambda g: g.x0)
    cells: list[list[Glyph]] = [[]]
    last: Glyph | None = None
    for glyph in glyphs:
        if last is not None and glyph.char != " " and glyph.x0 - last.x1 > _CELL_GAP * max(glyph.size, 6):
            cells.append([])
        cells[-1].append(glyph)
        if glyph.char != " ":
            last = glyph
    return [cell for cell in cells if any(g.char != " " for g in cell)]


def _line(page: int, glyphs: list[Glyph], marks: list[Glyph], tags: PageTags | None = None) -> Line:
    """Glyphs of one line in x order as text; marks kept beside it as notes, never as text."""
    letters = [g for g in glyphs if g.char != " "]
    size = median(g.size for g in letters)
    text = ""
    ends: list[tuple[float, int]] = []  # each glyph's x and the text's length after it
    previous: Glyph | None = None
    for glyph in glyphs:
        if glyph.char == " ":
            if text and not text.endswith(" "):
                text += " "
            continue
        combining = unicodedata.combining(glyph.char) > 0
        if (
            not combining
            and previous is not None
            and text
            and not text.endswith(" ")
            and glyph.x0 - previous.x1 > _WORD_GAP * size
        ):
            text += " "
        text += glyph.char
        ends.append((glyph.x0, len(text)))
        if not combining:  # a vowel mark sits over its letter: the gap to the next is from the letter
            previous = glyph
    if _right_to_left(text):
        text, ends = _logical(text), []  # marks of a right-to-left line are not placed
    line = Line(
        page,
        text.strip(),
        letters[0].x0,
        letters[-1].x1,
        median(g.base for g in letters),
        round(size, 1),
        sum(g.bold for g in letters) * 2 > len(letters),
    )
    # Its first, middle and last glyphs are asked, not every glyph (a call each would cost a tenth
    # of a page's time): italic when two of them are, a tagged table's when two of them are; its
    # paragraph elements where it starts and ends.
    sample = (letters[0], letters[len(letters) // 2], letters[-1])
    if tags is not None:
        line.italic = sum(_italic(tags.textpage, g.index) for g in sample) >= 2
    if tags is not None and tags.tagged():
        first, middle, last = (tags.content(g.index) for g in sample)
        line.table = sum(mcid in tags.tables for mcid in (first, middle, last)) >= 2
        line.blocks = (tags.blocks.get(first, 0), tags.blocks.get(last, 0))
    shift = 0  # the powers put into the text so far
    for mark in _group_marks(marks):
        offset = max((end for x, end in ends if x < mark[0].x0), default=0) + shift
        raised = "".join(g.char for g in mark)
        if raised in ("2", "3") and _UNIT.search(line.text[:offset]):
            # A unit's power (`2,050 m3`, `266,000 km2`) is text, as the DOCX has it, not a note's
            # mark (which had taken the document's last note `3`).
            line.text = line.text[:offset] + raised + line.text[offset:]
            shift += len(raised)
        else:
            line.marks.append((offset, raised))
    return line


_UNIT = re.compile(r"(?<![^\W\d_])[kcm]?m$")  # metres, after a number or a space (not `Islam`)
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_RUN = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff][A-Za-z0-9\u00c0-\u024f\u0400-\u04ff.,/:()\-]*")
_PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]+")


def _right_to_left(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and len(_RTL.findall(text)) * 2 > len(letters)


def _logical(visual: str) -> str:
    """A right-to-left line read left to right (its glyphs' visual order) back in logical order:
    the whole reversed, then each left-to-right run (digits, Latin) put back as it reads, and
    Arabic presentation forms folded to their letters (what a shaped PDF may map glyphs to)."""
    reversed_text = visual[::-1]
    mirrored = reversed_text.translate(_MIRROR)
    logical = _LTR_RUN.sub(lambda run: run.group()[::-1].translate(_MIRROR), mirrored)
    logical = _MARK_FIRST.sub(r"\2\1", logical)  # a vowel mark reversed before its letter goes after it
    # A paragraph number set right to left reads ".30": its period is neutral and goes after it.
    logical = re.sub(r"^\.(\d{1,4})(?=\s)", r"\1.", logical)
    return _PRESENTATION_FORMS.sub(lambda forms: unicodedata.normalize("NFKC", forms.group()), logical)


_MARK_FIRST = re.compile(r"([\u064b-\u065f\u0670]+)([^\u064b-\u065f\u0670\s])")


_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def _group_marks(marks: list[Glyph]) -> list[list[Glyph]]:
    groups: list[list[Glyph]] = []
    for glyph in sorted(marks, key=lambda g: g.x0):
        if groups and glyph.x0 - groups[-1][-1].x1 < glyph.size:
            groups[-1].append(glyph)
        else:
            groups.append([glyph])
    return [group for group in groups if "".join(g.char for g in group).strip()]


def page_lines(page_number: int, glyphs: list[Glyph], tags: PageTags | None = None) -> list[Line]:
    """Group a page's glyphs into lines by baseline; small raised glyphs become marks."""
    bands: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.base):
        if bands and abs(glyph.base - bands[-1][-1].base) <= _BASELINE_TOLERANCE:
            bands[-1].append(glyph)
        else:
            bands.append([glyph])
    bands = [band for band in bands if any(g.char != " " for g in band)]
    sizes = [median(g.size for g in band if g.char != " ") for band in bands]
    attached: dict[int, list[Glyph]] = {}
    keep: list[int] = []
    for index, band in enumerate(bands):
        below = index + 1
        is_mark = (
            below < len(bands)
            and sizes[index] < _MARK_SIZE_RATIO * sizes[below]
            and 0.2 * sizes[below] < bands[below][0].base - band[0].base < 0.7 * sizes[below]
            and len([g for g in band if g.char != " "]) <= 12
        )
        if is_mark:
            attached.setdefault(below, []).extend(g for g in band if g.char != " ")
        else:
            keep.append(index)
    lines: list[Line] = []
    for index in keep:
        marks = attached.get(index, [])
        for cell in _split_cells(bands[index]):
            low, high = cell[0].x0, cell[-1].x1
            own = [m for m in marks if low - 2 * m.size <= m.x0 <= high + 2 * m.size]
            # A line's own small glyphs a little above its baseline are marks too (a note number
            # set in the same band: `resolution 72/4;1`).
            letters = [g for g in cell if g.char != " "]
            size = median(g.size for g in letters)
            base = median(g.base for g in letters)
            inline = [
                g for g in cell if g.char != " " and g.size < _MARK_SIZE_RATIO * size and base - g.base > 0.15 * size
            ]
            body = [g for g in cell if g not in inline]
            if not any(g.char != " " for g in body):
                continue
            lines.append(_line(page_number, body, own + inline, tags))
    return lines


def mirrored(pages: list[Page]) -> list[Page]:
    """Right-to-left pages with x mirrored, so that the layout's left margin and first-line
    indents are those of the right edge, where an Arabic paragraph starts."""
    flipped = []
    for page in pages:
        lines = [
            Line(
                ln.page,
                ln.text,
                page.width - ln.x1,
                page.width - ln.x0,
                ln.base,
                ln.size,
                ln.bold,
                ln.marks,
                ln.table,
                ln.italic,
                ln.blocks[::-1],
            )
            for ln in page.lines
        ]
        boxes = [(page.width - x1, top, page.width - x0, bottom) for x0, top, x1, bottom in page.boxes]
        flipped.append(Page(page.number, page.width, page.height, lines, page.rules, boxes))
    return flipped


def right_to_left(pages: list[Page]) -> bool:
    """Most of the text's letters are of a right-to-left script (Arabic)."""
    sample = "".join(line.text for page in pages[:3] for line in page.lines)
    return _right_to_left(sample)


def read_pages(path: str) -> list[Page]:
    """Every page of the PDF as lines, top to bottom."""
    document = pdfium.PdfDocument(path)
    try:
        pages: list[Page] = []
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            textpage = page.get_textpage()
            glyphs = _glyphs(textpage, height)
            tags = PageTags(textpage.raw, *page_structure(page.raw))
            rules = page_rules(page.raw, height, width)
            boxes = chart_boxes(page.raw, height, width)
            pages.append(Page(number + 1, width, height, page_lines(number + 1, glyphs, tags), rules, boxes))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()

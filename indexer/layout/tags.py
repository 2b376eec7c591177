"""A tagged PDF's structure tree: which of a page's text belongs to a table, and to which paragraph.

Word's PDFs (every ODS report and resolution measured: ../shared/corpus/raw) are tagged: each
paragraph, heading and table cell is an element of the structure tree, and the page's text
objects carry the marked-content id (MCID) of the element they belong to. The DOCX reader leaves
a table's paragraphs out (a report's figures, its deliverables' lists); from geometry alone a
table's cells look like short paragraphs (the reports' PDFs gave 9,343 clauses, 7,901 of them
none of the DOCX's, most of them cells). The tree says which text is a table's, as Word wrote it, so the PDF reader
leaves out the same text the DOCX reader does. The page's header and footer (masthead, running
heads, job number) are artifacts outside the tree and are never a table's.

The tree's paragraph elements (`P`, headings, list items) also say where Word started a
paragraph: a report's heading and its subtitle (`Subprogramme 1` / `Globalization, ...`), set in
one type one under the other, are two elements, and the layout starts a paragraph where a line
opens another element than the one the line above ends in, and goes on with one where the line
opens the element the line above ends in (a note's second line at its hanging indent; a label
after a line break inside one paragraph), on the same page: each page's tree numbers its own
elements. A paragraph running over a page break is the layout's to follow.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from itertools import count

import pypdfium2.raw as pdfium_c

_TABLE = "Table"
# Elements that are one paragraph each (ISO 32000's block-level structure types), and those that
# only group others; any other element right under the root counts as one paragraph too.
_BLOCKS = frozenset({"P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "Caption", "BlockQuote", "TOCI", "Note"})
_GROUPS = frozenset({"Document", "Part", "Sect", "Div", "Art", "L", "TOC", "NonStruct", "Private"})
# Deeper than any tree Word writes (Document/Sect/Table/TR/TD/P: 6); bounds a hostile file's tree.
_MAX_DEPTH = 64
_TYPE_BUFFER = 32  # bytes: a standard structure type is at most 10 characters, UTF-16


def page_structure(page: object) -> tuple[frozenset[int], dict[int, int]]:
    """The MCIDs of the page's tables' text, and each MCID's paragraph: a number for the block
    element (`P`, a heading, a list item, a cell) its text belongs to, the same for the text of
    one paragraph on this page. Both empty for an untagged PDF."""
    tree = pdfium_c.FPDF_StructTree_GetForPage(page)
    if not tree:
        return frozenset(), {}
    buffer = ctypes.create_string_buffer(_TYPE_BUFFER)
    tables: set[int] = set()
    blocks: dict[int, int] = {}  # MCID -> its paragraph element's number
    paragraphs = count(1)

    def kind(element: object) -> str:
        length = pdfium_c.FPDF_StructElement_GetType(element, buffer, _TYPE_BUFFER)
        if not 2 <= length <= _TYPE_BUFFER:  # longer than any standard type: not written here
            return ""
        return buffer.raw[: length - 2].decode("utf-16-le", "replace")

    def children(element: object) -> list[object]:
        kids = pdfium_c.FPDF_StructElement_CountChildren(element)
        # A child on another page is not loaded with this page's tree: a null handle.
        return [child for i in range(kids) if (child := pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i))]

    def contents(element: object, depth: int) -> list[int]:
        """The MCIDs of the element's text and of every element under it."""
        marked = pdfium_c.FPDF_StructElement_GetMarkedContentIdCount(element)
        mcids = [pdfium_c.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i) for i in range(marked)]
        found = [mcid for mcid in mcids if mcid >= 0]
        if depth < _MAX_DEPTH:
            for child in children(element):
                found += contents(child, depth + 1)
        return found

    def walk(element: object, depth: int) -> None:
        name = kind(element)
        if name == _TABLE:
            tables.update(contents(element, depth))
        elif name in _BLOCKS or (depth == 1 and name not in _GROUPS):
            blocks.update(dict.fromkeys(contents(element, depth), next(paragraphs)))
        elif depth < _MAX_DEPTH:
            for child in children(element):
                walk(child, depth + 1)

    try:
        for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            root = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i)
            if root:
                walk(root, 0)
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    return frozenset(tables), blocks


@dataclass
class PageTags:
    """A page's structure (`page_structure`) and its text page, to ask of a glyph (by its index
    in the text page) whether it is a table's and which paragraph element it is in. A line asks
    for three of its glyphs, not every glyph: the call is most of the cost (1.1 us a glyph)."""

    textpage: object  # pypdfium2's raw text page handle
    tables: frozenset[int] = frozenset()
    blocks: dict[int, int] = field(default_factory=dict)

    def tagged(self) -> bool:
        return bool(self.tables or self.blocks)

    def content(self, index: int) -> int:
        """The marked-content id of the glyph's text object (-1 for none)."""
        mcid: int = pdfium_c.FPDFPageObj_GetMarkedContentID(pdfium_c.FPDFText_GetTextObject(self.textpage, index))
        return mcid

"""A tagged PDF's structure tree: which of a page's text belongs to a table.

Word's PDFs (every ODS report and resolution measured: ../shared/corpus/raw) are tagged: each
paragraph, heading and table cell is an element of the structure tree, and the page's text
objects carry the marked-content id (MCID) of the element they belong to. The DOCX reader leaves
a table's paragraphs out (a report's figures, its deliverables' lists); from geometry alone a
table's cells look like short paragraphs (the reports' PDFs gave 9,343 clauses, 7,901 of them
none of the DOCX's, most of them cells). The tree says which text is a table's, as Word wrote it, so the PDF reader
leaves out the same text the DOCX reader does. The page's header and footer (masthead, running
heads, job number) are artifacts outside the tree and are never a table's.
"""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c

_TABLE = "Table"
# Deeper than any tree Word writes (Document/Sect/Table/TR/TD/P: 6); bounds a hostile file's tree.
_MAX_DEPTH = 64
_TYPE_BUFFER = 32  # bytes: a standard structure type is at most 10 characters, UTF-16


def table_content(page: object) -> frozenset[int]:
    """The MCIDs of the page's text inside the structure tree's `Table` elements; empty for an
    untagged PDF. `page` is a pypdfium2 page handle (`PdfPage.raw`)."""
    tree = pdfium_c.FPDF_StructTree_GetForPage(page)
    if not tree:
        return frozenset()
    buffer = ctypes.create_string_buffer(_TYPE_BUFFER)
    found: set[int] = set()

    def kind(element: object) -> str:
        length = pdfium_c.FPDF_StructElement_GetType(element, buffer, _TYPE_BUFFER)
        if not 2 <= length <= _TYPE_BUFFER:  # longer than any standard type: not written here
            return ""
        return buffer.raw[: length - 2].decode("utf-16-le", "replace")

    def children(element: object) -> list[object]:
        count = pdfium_c.FPDF_StructElement_CountChildren(element)
        # A child on another page is not loaded with this page's tree: a null handle.
        return [child for i in range(count) if (child := pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i))]

    def collect(element: object, depth: int) -> None:
        for i in range(pdfium_c.FPDF_StructElement_GetMarkedContentIdCount(element)):
            mcid = pdfium_c.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i)
            if mcid >= 0:
                found.add(mcid)
        if depth < _MAX_DEPTH:
            for child in children(element):
                collect(child, depth + 1)

    def walk(element: object, depth: int) -> None:
        if kind(element) == _TABLE:
            collect(element, depth)
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
    return frozenset(found)

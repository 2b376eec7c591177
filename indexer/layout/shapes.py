"""The paths a PDF page draws (rules, borders, boxes), read through pypdfium2's raw API, and the wide
horizontal rules among them (a table's: indexer/layout/tables.py)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2.raw as pdfium_c

# A rule is drawn thinner than this (points): Word draws cell borders 0.5-1.5 pt.
_RULE_HEIGHT = 2.0
# Pieces of one rule, or cells of one table row, lie within this of one another (points, vertically).
ROW_TOLERANCE = 1.0
# A table's rules span at least this share of the page's width (a footnote separator: 12 %).
_WIDE = 0.3


def drawn_paths(page: object) -> Iterator[tuple[object, float, float, float, float]]:
    """Each path object of the page (a pypdfium2 page handle) with its bounds: (path, left,
    bottom, right, top), in points from the page's bottom left."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        shape = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(shape) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if pdfium_c.FPDFPageObj_GetBounds(shape, left, bottom, right, top):
            yield shape, left.value, bottom.value, right.value, top.value


def page_rules(page: object, height: float, width: float) -> list[float]:
    """Where the page's wide horizontal rules are, from the top, top to bottom (the pieces Word
    draws a cell's border in, at one height, joined). `page` is a pypdfium2 page handle."""
    pieces: list[tuple[float, float, float]] = []
    for _, left, bottom, right, top in drawn_paths(page):
        if top - bottom <= _RULE_HEIGHT and right - left > _RULE_HEIGHT:
            pieces.append((height - top, left, right))
    rows: list[list[float]] = []  # [top, x0, x1]
    for y, x0, x1 in sorted(pieces):
        if rows and y - rows[-1][0] <= ROW_TOLERANCE:
            rows[-1][1], rows[-1][2] = min(rows[-1][1], x0), max(rows[-1][2], x1)
        else:
            rows.append([y, x0, x1])
    return [y for y, x0, x1 in rows if x1 - x0 >= _WIDE * width]

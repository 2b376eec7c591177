"""The paths a PDF page draws (rules, borders, boxes), read through pypdfium2's raw API."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2.raw as pdfium_c


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

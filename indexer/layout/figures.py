"""An organization chart's boxes, told by their drawn outlines.

Word draws an organization chart (A/80/628's annex, six pages of them) as shapes: each box a
stroked rectangle with its text inside, the lines between them stroked segments. The DOCX reader
leaves such text boxes out; in the PDF their text is plain glyphs, tagged as plain paragraphs, and
every box became a clause (171 of A/80/628's). Measured on every PDF of ../shared/corpus/raw: the
chart pages have 7 to 9 stroked rectangles under half the page's width; no other page has more
than two such (a figure's frame is the column's width, and a chart's legend box stands alone or
in pairs), and a table's borders are filled hairlines, not stroked outlines.
"""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c

from indexer.layout.shapes import drawn_paths

# A box is at least this wide and tall (points): a chart's smallest, 124 x 53.
_MIN_WIDTH, _MIN_HEIGHT = 40.0, 20.0
# ... and narrower than this share of the page (a figure's frame spans the column).
_MAX_SHARE = 0.5
# A page is a chart's with at least this many boxes.
_MIN_BOXES = 3

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (points, from the page's top)


def chart_boxes(page: object, height: float, width: float) -> list[Box]:
    """The boxes of an organization chart drawn on the page, or none. `page` is a pypdfium2 page
    handle."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    boxes: list[Box] = []
    for shape, left, bottom, right, top in drawn_paths(page):
        if not pdfium_c.FPDFPath_GetDrawMode(shape, fill, stroke) or not stroke.value:
            continue
        if (
            pdfium_c.FPDFPath_CountSegments(shape) >= 4
            and _MIN_WIDTH <= right - left < _MAX_SHARE * width
            and top - bottom >= _MIN_HEIGHT
        ):
            boxes.append((left, height - top, right, height - bottom))
    return boxes if len(boxes) >= _MIN_BOXES else []


def in_box(x0: float, x1: float, base: float, boxes: list[Box]) -> bool:
    """A line (its extent and baseline) stands inside one of `boxes`."""
    middle = (x0 + x1) / 2
    return any(left <= middle <= right and top <= base <= bottom for left, top, right, bottom in boxes)

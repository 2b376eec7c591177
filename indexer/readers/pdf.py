"""PDF: the text layer laid out by position (indexer/layout/), then the structure parser.

Each page's glyphs are read through PDFium (indexer/layout/chars.py); furniture, footnotes and
paragraphs are told apart by where they sit on the page (indexer/layout/paragraphs.py). An
image-only PDF (a scan without a text layer) is read by OCR where Tesseract is installed
(indexer/layout/ocr.py), and refused with how to install it where it is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

from analyzers.languages import language_of_file
from indexer.errors import DocumentError
from indexer.layout.chars import mirrored, read_pages, right_to_left
from indexer.layout.ocr import INSTALL_HINT, ocr_pdf, tesseract_available
from indexer.layout.paragraphs import lay_out
from indexer.model import Resolution
from indexer.readers.bounded import run_bounded
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.structure import parse_blocks, parse_text

# A text whose lines (nearly) all start at one margin (printed line by line, no indents, no
# right-hand masthead cells: not the ODS template) goes to the plain-text parser, which reads
# punctuation: fewer than one line in ten set apart by an indent, an outdent (a fascicle's
# `12.1` in the margin) or a paragraph number after a paragraph's gap (A/80/630, its tables out).
_INDENTED_SHARE = 0.1


def pdf_blocks(path: Path) -> list[tuple[str, bool, tuple[str, ...]]] | str:
    """The PDF's paragraphs as (text, is a heading, its footnotes), in reading order; or its lines
    as text where the layout shows no paragraphs."""
    read_bytes(path)  # size check
    try:
        pages = read_pages(str(path))
    except pdfium.PdfiumError as error:
        raise DocumentError(path, f"not a readable PDF: {error}") from error
    if not any(page.lines for page in pages):
        raise NoTextLayer(path, f"the PDF has no text layer (a scanned image): {INSTALL_HINT}")
    laid = lay_out(mirrored(pages) if right_to_left(pages) else pages)
    if laid.signals < _INDENTED_SHARE * sum(len(block.lines) for block in laid.blocks):
        return "\n".join(line for block in laid.blocks for line in block.lines)
    heading_size = laid.body_size
    return [
        (block.text, block.bold and block.size >= heading_size - 0.5 and not block.right_aligned, tuple(block.notes))
        for block in laid.blocks
    ]


class NoTextLayer(DocumentError):
    """An image-only PDF."""


def _read_scan(path: Path, metadata: dict[str, str]) -> Resolution:
    try:
        text = ocr_pdf(path, language_of_file(path))
    except (ValueError, OSError, pdfium.PdfiumError) as error:
        raise DocumentError(path, f"the PDF has no text layer and OCR failed: {error}") from error
    if not text.paragraphs:
        raise DocumentError(path, f"the PDF has no text layer and OCR ({text.languages}) found no text in it")
    resolution = parse_blocks([(paragraph, False, ()) for paragraph in text.paragraphs], path, metadata)
    resolution.extra.update({"ocr": f"tesseract ({text.languages})", "ocr_confidence": str(text.confidence)})
    return resolution


def read_pdf(path: Path) -> Resolution:
    """Read a PDF's text layer; an image-only PDF is refused with that reason."""
    metadata = sidecar_metadata(path)
    # A date the file's name starts with (`1971-09-29_A_L.632-EN.pdf`) stands where the text's
    # own date is unreadable (an OCR layer's `~9 September 1971`); a date the text prints wins.
    named = re.match(r"(\d{4}-\d{2}-\d{2})_", path.name)
    if named and "date" not in metadata:
        metadata["date"] = named.group(1)
    try:
        blocks = run_bounded(path, pdf_blocks)
    except NoTextLayer:
        if not tesseract_available():
            raise
        return _read_scan(path, metadata)
    if isinstance(blocks, str):
        return parse_text(blocks, path, metadata)
    return parse_blocks(blocks, path, metadata)

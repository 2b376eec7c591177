"""PDF: the text layer laid out by position (indexer/layout/), then the structure parser.

Each page's glyphs are read through PDFium (indexer/layout/chars.py); furniture, footnotes and
paragraphs are told apart by where they sit on the page (indexer/layout/paragraphs.py). An
image-only PDF (a scan without a text layer) is read by OCR where Tesseract is installed
(indexer/layout/ocr.py), and refused with how to install it where it is not.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from indexer.errors import DocumentError
from indexer.layout.chars import read_pages
from indexer.layout.paragraphs import lay_out
from indexer.model import Resolution
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.structure import parse_blocks


def pdf_blocks(path: Path) -> list[tuple[str, bool, tuple[str, ...]]]:
    """The PDF's paragraphs as (text, is a heading, its footnotes), in reading order."""
    read_bytes(path)  # size check
    try:
        pages = read_pages(str(path))
    except pdfium.PdfiumError as error:
        raise DocumentError(path, f"not a readable PDF: {error}") from error
    if not any(page.lines for page in pages):
        raise DocumentError(
            path,
            "the PDF has no text layer (a scanned image): install Tesseract to read it by OCR "
            "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-ara "
            "tesseract-ocr-rus tesseract-ocr-fra tesseract-ocr-spa)",
        )
    laid = lay_out(pages)
    heading_size = laid.body_size
    return [
        (block.text, block.bold and block.size >= heading_size - 0.5 and not block.right_aligned, tuple(block.notes))
        for block in laid.blocks
    ]


def read_pdf(path: Path) -> Resolution:
    """Read a PDF's text layer; an image-only PDF is refused with that reason."""
    return parse_blocks(pdf_blocks(path), path, sidecar_metadata(path))

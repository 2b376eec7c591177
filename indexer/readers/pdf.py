"""PDF through pdfminer.six's text extraction, then the plain-text path."""

from __future__ import annotations

from pathlib import Path

from pdfminer.high_level import extract_text
from pdfminer.pdfparser import PDFSyntaxError

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.structure import parse_text


def read_pdf(path: Path) -> Resolution:
    """Read a PDF's text layer; an image-only PDF is refused with that reason."""
    read_bytes(path)  # size check
    try:
        text = extract_text(str(path))
    except PDFSyntaxError as error:
        raise DocumentError(path, f"not a readable PDF: {error}") from error
    except Exception as error:  # pdfminer raises many unrelated types on broken files
        raise DocumentError(path, f"not a readable PDF: {type(error).__name__}: {error}") from error
    if not text.strip():
        raise DocumentError(path, "the PDF has no text layer (scanned image?)")
    return parse_text(text.replace("\x0c", "\n"), path, sidecar_metadata(path))

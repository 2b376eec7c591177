"""Readers: one module a format, each turning a file into a `Resolution` (or MARC records)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers.docx import read_docx
from indexer.readers.html import read_html
from indexer.readers.igov import read_igov_json
from indexer.readers.pdf import read_pdf
from indexer.readers.text import read_text

READERS: dict[str, Callable[[Path], Resolution]] = {
    ".txt": read_text,
    ".md": read_text,
    ".zh": read_text,
    ".en": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".json": read_igov_json,
}
RECORD_SUFFIXES = (".xml", ".marcxml")
IGNORED_NAMES = {"README.md", "SOURCES.md"}


def is_document(path: Path) -> bool:
    return path.suffix.lower() in READERS and path.name not in IGNORED_NAMES and ".meta." not in path.name


def read_document(path: Path) -> Resolution:
    """Read one document file; raises `DocumentError` with the reason if it cannot be read."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(path, f"unsupported file type {path.suffix!r}")
    try:
        return reader(path)
    except DocumentError:
        raise
    except RecursionError as error:
        raise DocumentError(path, "nested too deeply to read (deeper than the reader's recursion limit)") from error
    except (OSError, ValueError, UnicodeError) as error:
        raise DocumentError(path, f"{type(error).__name__}: {error}") from error

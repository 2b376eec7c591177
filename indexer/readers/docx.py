"""DOCX: `word/document.xml` read with lxml, paragraph by paragraph, automatic numbering kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.readers.limits import MAX_UNCOMPRESSED_XML_BYTES
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.readers.xml import safe_parser
from indexer.structure import parse_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """The document's paragraphs as lines; numbered list paragraphs get their `N.` back."""
    read_bytes(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise DocumentError(path, f"not a DOCX (ZIP) file: {error}") from error
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError as error:
            raise DocumentError(path, "not a Word document: word/document.xml is missing") from error
        if info.file_size > MAX_UNCOMPRESSED_XML_BYTES:
            raise DocumentError(path, f"word/document.xml expands to {info.file_size:,} bytes: refused")
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise DocumentError(path, f"truncated or corrupt DOCX: {error}") from error
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(path, f"malformed XML in word/document.xml: {error}") from error
    lines: list[str] = []
    counters: dict[tuple[str, str], int] = {}
    for paragraph in root.iter(f"{_W}p"):
        text = "".join(node.text or "" for node in paragraph.iter(f"{_W}t"))
        num_id = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        level = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
        if num_id is not None and text.strip():
            key = (num_id.get(f"{_W}val", ""), level.get(f"{_W}val", "0") if level is not None else "0")
            counters[key] = counters.get(key, 0) + 1
            text = f"{counters[key]}. {text}" if key[1] == "0" else f"({chr(96 + counters[key])}) {text}"
        if text.strip():
            lines.append(text)
    # A blank line between DOCX paragraphs: each one is a paragraph for the structure parser.
    return "\n\n".join(lines)


def read_docx(path: Path) -> Resolution:
    """Read a resolution from a DOCX file."""
    return parse_text(docx_text(path), path, sidecar_metadata(path))

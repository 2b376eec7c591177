"""DOCX as ODS issues it, read with lxml from the parts Word writes.

- The masthead (United Nations, the symbol, Distr., the date) sits in the first page's header part
  (`word/header3.xml` in ODS files, named by the first section's `headerReference w:type="first"`);
  it is read first, as the document's header lines. Footer parts (job number, barcode) are not read.
- Each `w:p` of `word/document.xml` is one paragraph: paragraphs come from the file's structure,
  never from punctuation (masthead lines carry none). Tabs and line breaks are spaces.
- Paragraphs inside tables (a report's contents and figures) and text boxes (a drawing's boxes,
  written twice: the drawing and its VML fallback) are left out, the paragraph that anchors a
  drawing keeps its own text only. A table of one cell a row is a box (a report's summary): its
  paragraphs are text.
- Automatic numbering (`w:numPr`) becomes the paragraph's printed number (`1.`, `(a)`).
- Footnote references (`w:footnoteReference`) are marks, not text; the notes' text from
  `word/footnotes.xml` goes with the paragraph that points to it.
- Headings (styles `HCh`, `H1`, `H23`, `Title...`, or all runs bold) are told to the structure
  parser, which starts an annex at one.
- The masthead's notes (a fascicle's `*The present document ...`), framed at the first page's
  foot, are notes, not paragraphs: they go with the paragraph whose mark points to them, and are
  not kept where that is a masthead line, as the PDF reader does not keep them.
Every part is size-checked (its declared size) before it is inflated.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from indexer.errors import DocumentError
from indexer.layout.tables import TABLE_NOTE_MARK
from indexer.model import Resolution
from indexer.readers.limits import MAX_UNCOMPRESSED_XML_BYTES
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.readers.xml import safe_parser
from indexer.structure import parse_blocks

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TEXT_BOX = f"{_W}txbxContent"
_HEADING_STYLE = re.compile(r"^(?:H\d|HCh|H23|Title|AgendaTitle)")

Block = tuple[str, bool, tuple[str, ...]]
# The notes of a report's masthead (`*The present document ...`, `**A/81/50.`) are framed
# paragraphs (`w:framePr`) that Word places at the first page's foot, each opened by its mark; the
# mark itself is plain text where it points (`Items 138 and 139 of the preliminary list**`).
_MASTHEAD_NOTE = re.compile(r"^(\*{1,4})\s*(?=\S)")
_TRAILING_MARK = re.compile(r"(?<!\*)\*{1,4}$")


def _part(archive: zipfile.ZipFile, name: str, path: Path, required: bool = False) -> etree._Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        if required:
            raise DocumentError(path, f"not a Word document: {name} is missing") from error
        return None
    if info.file_size > MAX_UNCOMPRESSED_XML_BYTES:
        raise DocumentError(path, f"{name} expands to {info.file_size:,} bytes: refused")
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise DocumentError(path, f"truncated or corrupt DOCX: {error}") from error
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(path, f"malformed XML in {name}: {error}") from error


def _in_text_box(node: etree._Element, paragraph: etree._Element) -> bool:
    """`node` sits in a text box (`w:txbxContent`) drawn inside `paragraph`."""
    for parent in node.iterancestors():
        if parent is paragraph:
            return False
        if parent.tag == _TEXT_BOX:
            return True
    return False


def _text(paragraph: etree._Element) -> str:
    pieces: list[str] = []
    boxed = paragraph.find(f".//{_TEXT_BOX}") is not None  # a drawing's text is not the paragraph's
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}noBreakHyphen"):
        if boxed and _in_text_box(node, paragraph):
            continue
        if node.tag == f"{_W}t":
            if not _is_note_mark(node, pieces):
                pieces.append(node.text or "")
        elif node.tag == f"{_W}noBreakHyphen":
            pieces.append("-")
        else:
            pieces.append(" ")
    return re.sub(r"\s+", " ", "".join(pieces).replace("\u00a0", " ")).strip()


def _is_note_mark(node: etree._Element, before: list[str]) -> bool:
    """A table note's mark: one superscript letter straight after a word (`Human resources` + `a`,
    pointing to the note `a Represents ...` under the table), which the PDF reader reads as a mark
    too. A superscript after a digit (`1er`, `21st`) or a number (`km2`) is text."""
    run = node.getparent()
    align = run.find(f"{_W}rPr/{_W}vertAlign") if run is not None else None
    if align is None or align.get(f"{_W}val") != "superscript" or not TABLE_NOTE_MARK.match(node.text or ""):
        return False
    preceding = "".join(before[-3:])
    return bool(preceding) and not preceding[-1].isdigit() and not preceding[-1].isspace()


def _is_heading(paragraph: etree._Element) -> bool:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    if style is not None and _HEADING_STYLE.match(style.get(f"{_W}val", "")):
        return True
    runs = [run for run in paragraph.iter(f"{_W}r") if "".join(t.text or "" for t in run.iter(f"{_W}t")).strip()]
    return bool(runs) and all(run.find(f"{_W}rPr/{_W}b") is not None for run in runs)


def _first_page_header(archive: zipfile.ZipFile, document: etree._Element, path: Path) -> etree._Element | None:
    """The header part the first section shows on its first page (the ODS masthead)."""
    rels = _part(archive, "word/_rels/document.xml.rels", path)
    if rels is None:
        return None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
    section = next(document.iter(f"{_W}sectPr"), None)
    if section is None:
        return None
    for reference in section.iter(f"{_W}headerReference"):
        if reference.get(f"{_W}type") == "first":
            target = targets.get(reference.get(f"{_R}id"), "")
            if target and not target.startswith(("/", "..")):
                return _part(archive, f"word/{target}", path)
    return None


def _footnotes(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    root = _part(archive, "word/footnotes.xml", path)
    if root is None:
        return {}
    notes = {}
    for note in root.iter(f"{_W}footnote"):
        note_id = note.get(f"{_W}id", "")
        if note.get(f"{_W}type") in (None, "normal"):
            notes[note_id] = " ".join(filter(None, (_text(p) for p in note.iter(f"{_W}p"))))
    return notes


def docx_blocks(path: Path) -> list[Block]:
    """The masthead's paragraphs, then the document's, as (text, is a heading, its notes)."""
    read_bytes(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise DocumentError(path, f"not a DOCX (ZIP) file: {error}") from error
    with archive:
        document = _part(archive, "word/document.xml", path, required=True)
        assert document is not None
        masthead = _first_page_header(archive, document, path)
        notes = _footnotes(archive, path)
    blocks: list[Block] = []
    if masthead is not None:
        blocks += [(text, False, ()) for text in (_text(p) for p in masthead.iter(f"{_W}p")) if text]
    counters: dict[tuple[str, str], int] = {}
    marked: dict[str, str] = {}  # the masthead's notes by their marks
    boxes: dict[etree._Element, bool] = {}
    for paragraph in document.iter(f"{_W}p"):
        text = _text(paragraph)
        if not text or not _in_text(paragraph, boxes):
            continue
        note = _MASTHEAD_NOTE.match(text) if paragraph.find(f"{_W}pPr/{_W}framePr") is not None else None
        if note:
            marked[note.group(1)] = text[note.end() :]
            continue
        num_id = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        level = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
        if num_id is not None:
            key = (num_id.get(f"{_W}val", ""), level.get(f"{_W}val", "0") if level is not None else "0")
            counters[key] = counters.get(key, 0) + 1
            text = f"{counters[key]}. {text}" if key[1] == "0" else f"({chr(96 + counters[key])}) {text}"
        references = [ref.get(f"{_W}id", "") for ref in paragraph.iter(f"{_W}footnoteReference")]
        blocks.append((text, _is_heading(paragraph), tuple(notes[r] for r in references if r in notes)))
    return [_with_marked_note(block, marked) for block in blocks] if marked else blocks


def _in_text(paragraph: etree._Element, boxes: dict[etree._Element, bool]) -> bool:
    """Whether a paragraph is one of the text's: not in a table (a report's contents, its figures)
    other than a box, nor in a text box (an organigram's boxes, each twice: the drawing and its VML
    fallback). A box is a table of one cell a row: ODS frames a report's summary so (its
    paragraphs, headings and notes; the figures inside it are tables of their own), and the PDF
    prints it as text in a frame."""
    for parent in paragraph.iterancestors():
        if parent.tag == _TEXT_BOX:
            return False
        if parent.tag == f"{_W}tbl":
            box = boxes.get(parent)
            if box is None:
                box = boxes[parent] = all(len(row.findall(f"{_W}tc")) == 1 for row in parent.iterchildren(f"{_W}tr"))
            if not box:
                return False
    return True


def _with_marked_note(block: Block, marked: dict[str, str]) -> Block:
    """A paragraph that ends with a masthead note's mark (`... preliminary list**`) without it,
    the note among its notes; any other as it is."""
    text, heading, notes = block
    mark = _TRAILING_MARK.search(text)
    if mark is None or mark.group() not in marked:
        return block
    return text[: mark.start()].rstrip(), heading, (*notes, marked[mark.group()])


def read_docx(path: Path) -> Resolution:
    """Read a resolution, draft or other UN document from a DOCX file."""
    return parse_blocks(docx_blocks(path), path, sidecar_metadata(path))

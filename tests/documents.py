"""DOCX and PDF files made by the tests from the real texts in seeds/ (the readers under test are
the real ones; only the file format is ours)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF

from indexer.model import Resolution

CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
SEED_HEADER = ("第七十三届会议", "议程项目 128(t)", "白俄罗斯和哈萨克斯坦：决议草案")


def _numbered(paragraph) -> None:  # type: ignore[no-untyped-def]
    properties = paragraph._p.get_or_add_pPr()
    numbering = OxmlElement("w:numPr")
    level, number = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    level.set(qn("w:val"), "0")
    number.set(qn("w:val"), "1")
    numbering.extend([level, number])
    properties.append(numbering)


def docx_bytes(header: tuple[str, ...], resolution: Resolution, body_start: str = "大会，") -> bytes:
    """A DOCX of `resolution`: its header lines, then its clauses, operative ones numbered by
    Word's automatic numbering (as in the UN's own DOCX files), not in the text."""
    document = docx.Document()
    for line in (*header, resolution.title, body_start):
        document.add_paragraph(line)
    for clause in resolution.clauses:
        paragraph = document.add_paragraph(clause.text)
        if clause.type == "operative" and "(" not in clause.number:
            _numbered(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_docx(path: Path, seed: Resolution) -> Path:
    path.write_bytes(docx_bytes(SEED_HEADER, seed))
    return path


def cjk_font() -> Path | None:
    """A font with Chinese glyphs (scripts/test installs fonts-wqy-zenhei when run as root)."""
    return next((font for font in CJK_FONTS if font.exists()), None)


def pdf_bytes(text: str, font: Path | None = None) -> bytes:
    """A PDF whose text layer holds `text`, line by line (Helvetica for Latin-1 text)."""
    pdf = FPDF()
    pdf.add_page()
    if font is not None:
        pdf.add_font("cjk", fname=str(font))
        pdf.set_font("cjk", size=10)
    else:
        pdf.set_font("Helvetica", size=9)
        text = text.encode("latin-1", "replace").decode("latin-1")
    for line in text.splitlines():
        pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

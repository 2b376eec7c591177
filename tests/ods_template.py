"""An IMITATION of the ODS template for resolutions, as PDF and DOCX, to test the readers in the
languages no real ODS file of this corpus is in (Chinese, French, Spanish, Russian, Arabic).

Not a UN file: it renders real texts (resolution 55/100 in Chinese, the seed draft, the UDHR in
six languages) into the layout measured on the real English ODS PDFs
(../shared/notes/ods-file-template.md): US Letter 612 x 792 pt; the text column x 123.38-488.65;
body 10 pt on a 12 pt pitch with 6 pt after a paragraph; a preambular paragraph's first line at
147.14; an operative number at 147.14 and its text at 170.90; page 1's masthead ("United Nations"
14 pt at baseline 57.8, the symbol right-aligned to 552, "General Assembly" 20 pt bold at 86.4,
"Distr.: General" and the date at x 397, the session and agenda item at x 60, 222.3 and 233.9),
the adoption line 14 pt bold, the title 12 pt bold with its number before the column; pages 2+
with the running head (8.5 pt bold, the symbol and the title, on one line in Chinese) over a rule
at 64.8 and the footer (the page number n/N and the job number with its language tag, `2/32
15-16301 (C)`); page 1's footer the job number, the release date and the barcode. Fonts stand in
for the UN's: Liberation Serif (metrics of Times New Roman), WenQuanYi Zen Hei (Chinese), DejaVu
Sans (Cyrillic, Arabic); Arabic is shaped and set right to left (HarfBuzz, through fpdf2).
Lines are set flush left, not justified. The DOCX puts the masthead in the first page's header
part and the running head and job number in the others, as ODS's DOCX do.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

PAGE_W, PAGE_H = 612.0, 792.0
LEFT, RIGHT = 123.38, 488.65
INDENT, NUMBER_TEXT = 147.14, 170.90
PITCH, AFTER = 12.0, 6.0
BOTTOM_FIRST, BOTTOM = PAGE_H - 86.4, PAGE_H - 57.6
FONTS = {
    "latin": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "latin-bold": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "zh": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "wide": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "wide-bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
LANGUAGE_TAGS = {"ar": "A", "en": "E", "es": "S", "fr": "F", "ru": "R", "zh": "C"}
MASTHEAD = {
    "en": ("United Nations", "General Assembly", "Distr.: General"),
    "fr": ("Nations Unies", "Assemblée générale", "Distr. générale"),
    "es": ("Naciones Unidas", "Asamblea General", "Distr. general"),
    "ru": ("Организация Объединенных Наций", "Генеральная Ассамблея", "Distr.: General"),
    "ar": ("الأمم المتحدة", "الجمعية العامة", "Distr.: General"),
    "zh": ("联合国", "大会", "Distr.: General"),
}
BODY_START = {
    "en": "The General Assembly,",
    "fr": "L’Assemblée générale,",
    "es": "La Asamblea General,",
    "ru": "Генеральная Ассамблея,",
    "ar": "إن الجمعية العامة،",
    "zh": "大会，",
}


@dataclass
class Paragraph:
    number: str  # "" for a preambular paragraph, "1" for an operative one
    text: str


@dataclass
class ImitationDocument:
    language: str
    symbol: str | None
    title: str
    title_number: str  # "55/100." before the title, or ""
    session_line: str
    agenda_line: str
    adoption_line: str  # "" for a draft
    sponsors_line: str  # a draft's "X and Y: draft resolution", or ""
    date_line: str
    job: str  # "15-16301"
    paragraphs: list[Paragraph] = field(default_factory=list)


class _Pdf(FPDF):
    def __init__(self, document: ImitationDocument) -> None:
        super().__init__(unit="pt", format="Letter")
        self.document = document
        self.set_auto_page_break(False)
        self.set_margins(60, 72, 60)
        for name, path in FONTS.items():
            self.add_font(name.split("-")[0], "B" if name.endswith("bold") else "", path)
        self.script = "zh" if document.language == "zh" else "wide" if document.language in ("ru", "ar") else "latin"
        self.arabic = document.language == "ar"

    def use(self, size: float, bold: bool = False) -> None:
        family = self.script if self.script != "zh" else "zh"
        self.set_font(family, "B" if bold and family != "zh" else "", size)

    def put(self, x: float, baseline: float, text: str, size: float, bold: bool = False, right: float = 0) -> None:
        """Text at a baseline; with `right`, set to end at that x. Arabic is shaped and set right to
        left; the furniture's Latin and digits (symbol, job number) left to right, as ODS sets them."""
        if self.arabic:
            rtl = any("\u0600" <= ch <= "\u06ff" for ch in text)
            self.set_text_shaping(
                use_shaping_engine=True, direction="rtl" if rtl else "ltr", script="arab" if rtl else "latn"
            )
        self.use(size, bold)
        width = self.get_string_width(text)
        left = right - width if right else x
        self.set_xy(left, baseline - size * 0.8)
        self.cell(width + 1, size, text)

    def header(self) -> None:
        d = self.document
        if self.page_no() == 1:
            united, assembly, distr = MASTHEAD[d.language]
            self.put(LEFT, 57.8, united, 14)
            if d.symbol:
                self.put(0, 56.5, d.symbol, 10, right=552)
            self.put(LEFT, 86.4, assembly, 20, bold=True)
            self.put(397, 86.7, distr, 10)
            self.put(397, 98.4, d.date_line, 10)
            self.put(60, 222.3, d.session_line, 10, bold=True)
            self.put(60, 233.9, d.agenda_line, 10)
            return
        head = f"{d.title} {d.symbol or ''}".strip()
        if d.language == "zh" or not d.symbol:
            self.put(60, 59.0, head, 8.5, bold=True)  # title and symbol on one line
        else:
            self.put(60, 59.0, d.symbol, 8.5, bold=True)
            self.put(0, 49.2, d.title, 8.5, bold=True, right=552)
        self.line(59.3, 64.8, 553.3, 64.8)

    def footer(self) -> None:
        d = self.document
        tag = LANGUAGE_TAGS[d.language]
        if self.page_no() == 1:
            self.put(65.4, 747.6, f"{d.job} ({tag})    021215", 10)
            self.put(65.4, 762.2, f"*{d.job.replace('-', '')}*", 12)
            return
        self.put(60, 755.3, f"{self.page_no()}/{{nb}}", 8.5, bold=True)
        self.put(0, 753.8, f"{d.job} ({tag})", 7, right=552)


def _split(pdf: _Pdf, text: str, first: float, rest: float) -> list[str]:
    """`text` broken into lines of the widths given (CJK anywhere, other scripts at spaces)."""
    pdf.use(10)
    lines: list[str] = []
    width = first
    cjk = pdf.document.language == "zh"
    units = list(text) if cjk else text.split(" ")
    current = ""
    for unit in units:
        candidate = current + unit if cjk or not current else f"{current} {unit}"
        if current and pdf.get_string_width(candidate) > width:
            lines.append(current)
            current, width = unit, rest
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def imitation_pdf(document: ImitationDocument) -> bytes:
    """The document set in the imitation of the ODS template, as PDF bytes."""
    pdf = _Pdf(document)
    pdf.alias_nb_pages()
    pdf.add_page()
    rtl = document.language == "ar"
    y = 266.0

    def line(x: float, text: str, size: float = 10, bold: bool = False) -> None:
        nonlocal y
        bottom = BOTTOM_FIRST if pdf.page_no() == 1 else BOTTOM
        if y > bottom:
            pdf.add_page()
            y = 82.3
        if rtl:  # set from the right edge of the column, the first line's indent on the right
            pdf.put(0, y, text, size, bold, right=RIGHT - (x - LEFT))
        else:
            pdf.put(x, y, text, size, bold)

    def block(text: str, size: float, bold: bool, x: float = LEFT, first: float = LEFT) -> None:
        nonlocal y
        for index, part in enumerate(_split(pdf, text, RIGHT - first, RIGHT - x)):
            line(first if index == 0 else x, part, size, bold)
            y += size * 1.25 if size > 10 else PITCH
        y += AFTER + 6

    if document.adoption_line:
        block(document.adoption_line, 14, True)
    if document.sponsors_line:
        block(document.sponsors_line, 10, False)
    title = f"{document.title_number} {document.title}".strip()
    if document.title_number:
        pdf.put(0, y, document.title_number, 12, bold=True, right=110.9)  # on the right tab before the column
        block(document.title, 12, True)
    else:
        block(title, 12, True)
    block(BODY_START[document.language], 10, False, first=INDENT)
    for paragraph in document.paragraphs:
        if paragraph.number:
            line(INDENT, f"{paragraph.number}.")
            block(paragraph.text, 10, False, first=NUMBER_TEXT)
        else:
            block(paragraph.text, 10, False, first=INDENT)
    return bytes(pdf.output())


def imitation_docx(document: ImitationDocument) -> bytes:
    """The document as ODS issues DOCX: masthead in the first page's header, running head and
    job number in the other headers and footers, one paragraph a `w:p`, numbers typed."""
    out = docx.Document()
    section = out.sections[0]
    section.different_first_page_header_footer = True
    united, assembly, distr = MASTHEAD[document.language]
    masthead = section.first_page_header
    masthead.paragraphs[0].text = united
    for text in (document.symbol or "", assembly, distr, document.date_line):
        if text:
            masthead.add_paragraph(text)
    section.header.paragraphs[0].text = f"{document.symbol or ''} {document.title}".strip()
    section.footer.paragraphs[0].text = f"{document.job} ({LANGUAGE_TAGS[document.language]})"
    section.first_page_footer.paragraphs[0].text = f"*{document.job.replace('-', '')}*"
    for text, bold in (
        (document.session_line, True),
        (document.agenda_line, False),
        (document.adoption_line, True),
        (document.sponsors_line, False),
        (f"{document.title_number}\t{document.title}".strip(), True),
        (BODY_START[document.language], False),
    ):
        if text:
            run = out.add_paragraph().add_run(text)
            run.bold = bold
            run.font.size = Pt(10)
    for paragraph in document.paragraphs:
        out.add_paragraph(f"\t{paragraph.number}.\t{paragraph.text}" if paragraph.number else f"\t{paragraph.text}")
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def fonts_missing() -> list[str]:
    """The stand-in fonts this machine lacks (scripts/test installs them)."""
    return [path for path in FONTS.values() if not Path(path).exists()]

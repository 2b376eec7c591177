"""OCR of an image-only PDF (a scan without a text layer) with Tesseract, where it is installed.

Each page is rendered by PDFium at 300 dpi to a greyscale PGM (no imaging library needed) and read
by the `tesseract` command in TSV form, which gives every word with its block, paragraph and line
and a confidence. Tesseract's own layout analysis orders the columns of a two-column page, so its
paragraphs are taken as the document's. The text is flagged as OCR, with its mean confidence.
Bounded: at most `MAX_OCR_PAGES` pages and `OCR_SECONDS` seconds a page.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from indexer.layout.paragraphs import join_line

# Tesseract's names for the official languages' trained data.
TESSERACT_LANGUAGES = {"ar": "ara", "en": "eng", "es": "spa", "fr": "fra", "ru": "rus", "zh": "chi_sim"}
MAX_OCR_PAGES = 50
OCR_SECONDS = 180
_DPI = 300
INSTALL_HINT = (
    "install Tesseract to read it by OCR (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim "
    "tesseract-ocr-ara tesseract-ocr-rus tesseract-ocr-fra tesseract-ocr-spa)"
)


@dataclass
class OcrText:
    paragraphs: list[str]
    confidence: float  # mean word confidence, 0-100
    languages: str


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def installed_languages() -> set[str]:
    result = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return {line.strip() for line in result.stdout.splitlines()[1:] if line.strip()}


def ocr_pdf(path: Path, language: str | None) -> OcrText:
    """The PDF's pages read by Tesseract, as paragraphs; raises ValueError when it cannot."""
    have = installed_languages()
    wanted = [TESSERACT_LANGUAGES[language]] if language in TESSERACT_LANGUAGES else list(TESSERACT_LANGUAGES.values())
    usable = [name for name in wanted if name in have] or [name for name in ("eng",) if name in have]
    if not usable:
        raise ValueError(f"Tesseract has no trained data for {'+'.join(wanted)}: {INSTALL_HINT}")
    languages = "+".join(usable)
    document = pdfium.PdfDocument(str(path))
    paragraphs: list[str] = []
    confidences: list[float] = []
    try:
        if len(document) > MAX_OCR_PAGES:
            raise ValueError(f"{len(document)} pages to OCR: more than {MAX_OCR_PAGES}")
        with tempfile.TemporaryDirectory(prefix="ga-search-ocr-") as folder:
            for number in range(len(document)):
                image = Path(folder) / f"page{number}.pgm"
                bitmap = document[number].render(scale=_DPI / 72, grayscale=True)
                pixels = bitmap.to_numpy()
                grey = pixels[:, :, 0] if pixels.ndim == 3 else pixels
                height, width = grey.shape
                image.write_bytes(f"P5 {width} {height} 255\n".encode() + grey.tobytes())
                try:
                    result = subprocess.run(
                        ["tesseract", str(image), "stdout", "-l", languages, "--dpi", str(_DPI), "tsv"],
                        capture_output=True,
                        text=True,
                        timeout=OCR_SECONDS,
                        check=False,
                    )
                except subprocess.TimeoutExpired as error:
                    raise ValueError(f"OCR of page {number + 1} took over {OCR_SECONDS} s") from error
                if result.returncode != 0:
                    raise ValueError(f"tesseract failed: {result.stderr.strip()[-300:]}")
                page_paragraphs, page_confidences = _paragraphs(result.stdout)
                paragraphs += page_paragraphs
                confidences += page_confidences
    finally:
        document.close()
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrText(paragraphs, round(confidence, 1), languages)


def _paragraphs(tsv: str) -> tuple[list[str], list[float]]:
    """Tesseract's TSV as paragraphs (its block and paragraph numbers), lines joined."""
    paragraphs: dict[tuple[str, str], list[str]] = {}
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, paragraph, line = cells[2], cells[3], cells[4]
        lines.setdefault((block, paragraph, line), []).append(cells[11])
        paragraphs.setdefault((block, paragraph), [])
        confidences.append(float(cells[10]))
    for (block, paragraph, _), words in lines.items():
        paragraphs[(block, paragraph)].append(" ".join(words))
    texts = []
    for parts in paragraphs.values():
        text = ""
        for part in parts:
            # Printed volumes hyphenate: a line-end hyphen before a lower-case letter is the break's.
            hyphenated = text.endswith("-") and part[:1].islower()
            text = text[:-1] + part if hyphenated else join_line(text, part)
        texts.append(text)
    return [text for text in texts if text.strip()], confidences

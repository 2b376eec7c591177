"""Page furniture of UN documents: what a page prints that is not the document's text.

Known by position (the top band of pages after the first, the bottom band of every page) and by
the UN's patterns, which are the same in the six languages: job numbers with their language tag
(`18-18418 (E) 071118`, `15-16301 (C)`), barcodes (`*1818418*`), page numbers (`2/32`), running
heads (the symbol, the running title or both), the footnote rule, the recycling mark's words.
Measured on the real ODS PDFs (../shared/notes/ods-file-template.md): running heads sit at
49-59 pt from the top of a 792 pt page, the first body line at 82; footers at 747-762, the last
body or footnote line at 734 at most.
"""

from __future__ import annotations

import re

from indexer.layout.chars import Line

# Top band of pages after the first, bottom band of every page, as shares of the page's height.
TOP_BAND = 0.09
BOTTOM_BAND = 0.935
_JOB = r"\d{2}-\d{5}(?:\s*\((?:[ACEFRSX]|Ch?)\))?(?:\s+\d{6})?"
_PAGE = r"\d{1,4}\s*/\s*\d{1,4}"
FURNITURE = re.compile(
    rf"^(?:{_JOB}|\*\d{{5,}}\*|{_PAGE}|{_PAGE}\s+{_JOB}|{_JOB}\s+{_PAGE}|{_JOB}\s+\*\d{{5,}}\*"
    r"|Please recycle.*|请回收.*|Merci de recycler.*|Sírvase reciclar.*|Просьба отправить на вторичную переработку.*"
    r"|_{5,}|-{20,})$"
)
FOOTNOTE_RULE = re.compile(r"^[_\-–—]{5,}$")
# A table of contents' line: a dot leader, then the page number or nothing.
CONTENTS_LINE = re.compile(r"(?:\s?\.){6,}\s*\d*\s*$")


def is_furniture_text(text: str) -> bool:
    """A line that is furniture wherever it stands (job number, barcode, page number, rule)."""
    return bool(FURNITURE.match(text.strip()))


def is_furniture(line: Line, height: float, body_size: float, running: set[str]) -> bool:
    """Furniture by pattern anywhere; in the bands, small type and running heads too."""
    text = line.text.strip()
    if is_furniture_text(text):
        return True
    in_top = line.page > 1 and line.base < TOP_BAND * height
    in_bottom = line.base > BOTTOM_BAND * height
    if not (in_top or in_bottom):
        return False
    return (
        line.size < body_size - 0.5
        or _squeeze(text) in running
        or any(_squeeze(text) in head for head in running if len(text) > 8)
    )


def running_texts(symbol: str | None, title: str) -> set[str]:
    """What a running head may print: the symbol, the title, both, squeezed of spaces."""
    heads = {_squeeze(title)} if title else set()
    if symbol:
        heads |= {_squeeze(symbol), _squeeze(f"{symbol} {title}"), _squeeze(f"{title} {symbol}")}
    return {head for head in heads if head}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()

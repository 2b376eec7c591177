"""What kind of document a masthead names, and the masthead's own lines.

Resolutions (`A/RES/73/8`, `2758 (XXVI)`) and drafts (`A/73/L.3`, `A/L.632`, a sponsors line
`...: draft resolution`) have preambular and operative clauses. A symbol of another kind of
document (`A/80/590`, `A/81/6 (Sect. 13)`) is a report, a note, a letter or another document,
told by the words under its masthead (`Report of the Secretary-General`, `Note by the
Secretary-General`, `Letter dated ...`) in the six languages; such a document has paragraphs and is
never counted as a resolution.
"""

from __future__ import annotations

import re

NON_RESOLUTION_KINDS = ("report", "note", "letter", "document")
# Older symbols: a draft of the 1970s (`A/L.632`), a resolution numbered by session (`2758 (XXVI)`).
OLD_GA_SYMBOL = re.compile(r"\b(A/L\.\d+(?:/(?:Rev|Add|Corr)\.\d+)*)")
OLD_RESOLUTION_NUMBER = re.compile(r"^\s*(\d{1,4})\s*\(([IVXL]{1,8})\)\s*[.．]")
_RESOLUTION_SYMBOL = re.compile(r"^A/RES/|/DEC/")
_DRAFT_SYMBOL = re.compile(r"/L\.\d")
_KIND_WORDS = (
    ("report", re.compile(r"^\s*(?:Report of|Rapport d[ue]|Informe del?|Доклад|تقرير|.{0,30}的报告\s*$)", re.M)),
    ("note", re.compile(r"^\s*(?:Note by|Note d[ue]|Nota del?|Записка|مذكرة|.{0,30}的说明\s*$)", re.M)),
    (
        "letter",
        re.compile(r"^\s*(?:Letter dated|Lettre datée|Carta de fecha|Письмо|رسالة|\d{4}年.{0,12}日.{0,40}的信)", re.M),
    ),
)
# The symbol as a masthead prints it, a line of its own (`A/81/6 (Sect. 13)/Part A*`: the star is
# a footnote's mark).
MASTHEAD_SYMBOL = re.compile(
    r"^\s*(A/[A-Z0-9./]+(?:\([IVXL]+\))?(?: \((?:Sect|Part)\. ?\d+\))?(?:/[A-Za-z0-9.]+(?: [A-Z0-9])?)*)\**\s*$"
)
# Lines of a masthead and the header under it (before the document's own text starts).
MASTHEAD_LINE = re.compile(
    r"^\s*(?:United Nations|Nations Unies|Naciones Unidas|Организация Объединенных Наций|الأمم المتحدة|联合国"
    r"|General Assembly|Assemblée générale|Asamblea General|Генеральная Ассамблея|الجمعية العامة|大会"
    r"|Distr\.?.*|Original:.*|[A-Z]/[\w./() *]+|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}年\d{1,2}月\d{1,2}日"
    r"|.*\bsession|.*届会议|Agenda items?.*|Items? .*|议程项目.*|Contents|目录|\S)\s*$"
)


def document_kind(symbol: str | None, header: str, default: str = "resolution") -> str:
    """The kind of the document: `default` (what the header's sponsor line said, or resolution)
    unless its symbol is a plain document's, then the kind its masthead words name."""
    if default != "resolution" or symbol is None:
        return default
    if _RESOLUTION_SYMBOL.search(symbol) or not symbol.startswith("A/"):
        return default
    if _DRAFT_SYMBOL.search(symbol):
        return "draft decision" if re.search(r"draft decision|决定草案", header, re.I) else "draft resolution"
    for kind, words in _KIND_WORDS:
        if words.search(header):
            return kind
    return "document"


# A budget fascicle's title page: `Part IV` / `International cooperation for development` /
# `Section 12` / `Trade and development` (A/81/6 (Sect. 12)).
_FASCICLE_SECTION = re.compile(r"^Section \d{1,2}[A-Z]?$")


def document_title(header_lines: list[str]) -> str:
    """A report's title: a budget fascicle's section title (the line after `Section 12`); the line
    above `Report of ...` (`Note by ...`); else the longest header line that is not masthead."""
    for index, line in enumerate(header_lines[:-1]):
        if _FASCICLE_SECTION.match(line.strip()) and header_lines[index + 1].strip():
            return header_lines[index + 1].strip()
    for index, line in enumerate(header_lines[1:], 1):
        if any(words.match(line) for _, words in _KIND_WORDS) and not MASTHEAD_LINE.match(header_lines[index - 1]):
            return header_lines[index - 1].strip()
    candidates = [line.strip() for line in header_lines if line.strip() and not MASTHEAD_LINE.match(line)]
    candidates = [line for line in candidates if not re.match(r"^(?:Report|Note|Letter)\b", line)]
    return max(candidates, key=len, default="")

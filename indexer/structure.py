"""The structure of a resolution's text: header fields, then preambular and operative clauses.

Works on text as extracted from PDF (Chinese or English): lines broken inside sentences, paragraphs
that start on an indented line (or one paragraph a line where nothing is indented), a header
before `大会，` / `The General Assembly,`, numbered operative paragraphs (`1.`, `1．`) with lettered
sub-paragraphs (`(a)`), which become clauses of their own (`4(a)`).
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from itertools import pairwise
from pathlib import Path

import cn2an

from analyzers.languages import detect_language, language_of_file
from analyzers.scripts import CJK_RANGES, cjk_count
from analyzers.symbols import LANGUAGES, PRINTED_GA_SYMBOL, origin_symbols
from indexer.clauses import OPERATIVE_NUMBER, SUB_PARAGRAPH, Paragraph, document_paragraphs, resolution_clauses
from indexer.errors import DocumentError
from indexer.kinds import (
    MASTHEAD_LINE,
    MASTHEAD_SYMBOL,
    NON_RESOLUTION_KINDS,
    OLD_GA_SYMBOL,
    OLD_RESOLUTION_NUMBER,
    document_kind,
    document_title,
)
from indexer.model import Resolution
from indexer.sponsors import parse_sponsors

# The line that opens a resolution's text, in the six languages.
_BODY_START = re.compile(
    r"^\s*(大会\s*[，,]?|The General Assembly\s*,?|L[’']Assemblée générale\s*,?|La Asamblea General\s*,?"
    r"|Генеральная Ассамблея\s*,?|(?:إن )?الجمعية العامة\s*[،,]?)\s*$"
)
_ZH_SESSION = re.compile(r"第([零〇一二三四五六七八九十百]+)届(?:特别|紧急特别)?会议")
_EN_SESSION = re.compile(r"\b([A-Za-z]+(?:-[a-z]+)?)\s+(?:special\s+|emergency special\s+)?session\b")
_AGENDA = re.compile(r"(?:议程项目|Agenda items?)\s*((?:\d+\s*(?:\([a-z]{1,4}\))?[\s,、和及and]*)+)")
_AGENDA_ITEM = re.compile(r"\d+\s*(?:\([a-z]{1,4}\))?")
_ZH_SPONSORS = re.compile(r"^\s*(.+?)\s*[：:]\s*(决议草案|决定草案|修正案)\s*$")
_ZH_SPONSORS_ADOPTED = re.compile(r"提案国[^：:]*[：:]\s*([^。]+)")
_EN_SPONSORS = re.compile(r"^\s*(.+?)\s*:\s*(draft resolution|draft decision|amendment)\s*$", re.I)
_TITLE = re.compile(r"^\s*(\d{1,3}/\d{1,4})\s*[.．]\s*(.+)$")
_ZH_RESOLUTION_NUMBER = re.compile(r"^\s*第\s*(\d{1,3})/(\d{1,4})\s*号决议")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_EN_ADOPTED = re.compile(r"(?:adopted by the General Assembly|plenary meeting,) on (\d{1,2} [A-Z][a-z]+ \d{4})", re.I)
_EN_SPONSORS_ADOPTED = re.compile(r"sponsored in the Committee by:\s*([^.]+)")
# The adoption line of a resolution's header: `2018年11月16日大会决议` (before any other date, such
# as the distribution date, that the header prints).
_ZH_ADOPTED = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*大会决议")
_ZH_KIND = {"决议草案": "draft resolution", "决定草案": "draft decision", "修正案": "amendment"}
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGES}，。；：、》《“”）（])\s+(?=[{CJK_RANGES}，。；：、》《“”）（])")
_ORDINAL_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_ORDINAL_TENS = [
    "tenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
]
_TENS = ["ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TEENS = [
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:")
_FOOTNOTE_MARK = re.compile(r"\s?\[\^[^\]]+\]")
_CLOSING_LINE = re.compile(
    r"^\s*(\d+(?:st|nd|rd|th) plenary meeting(?:\s+\d{1,2} [A-Z][a-z]+ \d{4})?|第\s*\d+\s*次全体会议"
    r"|\d{1,2} [A-Z][a-z]+ \d{4}|-{3,})\s*$"
)
# A Latin line that cannot open a paragraph: lower case, or a number that is not `N.` (`53/77 K of`).
_CONTINUATION = re.compile(r"^\s*(?:[a-z]|\d+(?![.．]\s|\d)|[A-Z]\.\d)")


_PARAGRAPH_END = set(",;:.，；：。")
# A footnote that PDF extraction left where its page ended (`1 United Nations, Treaty Series,
# vol. 610, No. 8843.`, `7 Argentina, Armenia, ...`): a bare number, a space, a capital. A clause
# never starts so: an operative one is `1. Reaffirms`, a preambular one starts with its verb.
_PAGE_FOOTNOTE = re.compile(r"^\d{1,2} (?:[A-Z]|A/|See )")


def join_lines(text: str) -> str:
    """Undo PDF line breaks: drop white space between CJK characters, fold the rest to one space."""
    return re.sub(r"\s+", " ", _CJK_GAP.sub("", text)).strip()


def is_chinese(text: str) -> bool:
    sample = text[:4000]
    return cjk_count(sample) > len(sample) * 0.1


def english_ordinal(word: str) -> int | None:
    """`Eightieth` -> 80, `seventy-third` -> 73 (UN session headers spell sessions out)."""
    word = word.lower()
    if word in _ORDINAL_UNITS:
        return _ORDINAL_UNITS.index(word) + 1
    if word in _ORDINAL_TENS:
        return (_ORDINAL_TENS.index(word) + 1) * 10
    if word in _TEENS:
        return _TEENS.index(word) + 11
    tens, _, unit = word.partition("-")
    if unit and tens not in _TENS:
        # An OCR layer's misreading of a typed header (`rrwenty-sixth`): the nearest tens word.
        tens = next(iter(difflib.get_close_matches(tens, _TENS, n=1, cutoff=0.75)), tens)
    if tens in _TENS and unit in _ORDINAL_UNITS:
        return (_TENS.index(tens) + 1) * 10 + _ORDINAL_UNITS.index(unit) + 1
    return None


def _paragraphs(lines: list[str]) -> list[Paragraph]:
    """Group physical lines into paragraphs, by indentation where the text has it."""
    content = []
    in_footnote = False
    for number, line in enumerate(lines):
        if _FOOTNOTE_DEFINITION.match(line):
            in_footnote = True
            continue
        if in_footnote and (line[:1] in (" ", "\t") or not line.strip()):
            continue
        in_footnote = False
        if line.strip() and not _CLOSING_LINE.match(line):
            content.append((number, line))
    indented = sum(1 for _, line in content if line[:1] in (" ", "\t", "\u3000"))
    uses_indent = 0.2 * len(content) <= indented <= 0.8 * len(content)
    # Blocks: runs of consecutive lines. Where some block spans several lines (pdfminer's text
    # boxes, Markdown), a blank line is what ends a paragraph.
    gaps = [b - a for (a, _), (b, _) in pairwise(content)]
    uses_blocks = not uses_indent and 1 in gaps and any(gap > 1 for gap in gaps)
    paragraphs: list[Paragraph] = []
    previous_number = -2
    for number, line in content:
        numbered = bool(OPERATIVE_NUMBER.match(line) or SUB_PARAGRAPH.match(line))
        if uses_indent:
            starts = line[:1] in (" ", "\t", "\u3000") or numbered
        elif uses_blocks:
            starts = number != previous_number + 1 or numbered
        else:
            # Footnote numbers may trail a paragraph ("Platform for Action, 10"): look past them.
            ended = not paragraphs or re.sub(r"[\s\d]+$", "", paragraphs[-1].text)[-1:] in _PARAGRAPH_END
            starts = numbered or (ended and not _CONTINUATION.match(line))
        previous_number = number
        if starts or not paragraphs:
            paragraphs.append(Paragraph(line.strip(), number))
        else:
            paragraphs[-1].text += "\n" + line.strip()
    for paragraph in paragraphs:
        paragraph.text = join_lines(_FOOTNOTE_MARK.sub("", paragraph.text))
    return [p for p in paragraphs if not _PAGE_FOOTNOTE.match(p.text)]


def _session(header: str, symbol: str | None) -> int | None:
    if symbol:
        match = re.match(r"A/(?:RES/|DEC/|C\.\d/)?(\d{1,3})/", symbol)
        if match:
            return int(match.group(1))
    zh = _ZH_SESSION.search(header)
    if zh:
        return int(cn2an.cn2an(zh.group(1), "smart"))
    en = _EN_SESSION.search(header)
    return english_ordinal(en.group(1)) if en else None


def _agenda_items(header: str) -> tuple[str, ...]:
    match = _AGENDA.search(header)
    if not match:
        return ()
    return tuple(re.sub(r"\s+", "", item) for item in _AGENDA_ITEM.findall(match.group(1)))


def metadata_date(value: str, source: Path | str) -> date:
    """A date given as metadata (front matter, a `.meta.json`, a record), or a clear error that
    names the file and the field."""
    try:
        return date.fromisoformat(value[:10])
    except ValueError as error:
        raise DocumentError(source, f"its metadata field 'date' ({value[:40]!r}) is not a date: {error}") from error


def _masthead_date(lines: list[str]) -> date | None:
    """A report's or letter's date: the masthead's own date line (`7 January 2026`)."""
    for line in lines:
        printed = re.fullmatch(r"\s*(?:Distr\.?:? *\w+ +)?(\d{1,2} [A-Z][a-z]+ \d{4})\s*", line)
        if printed:
            return _closing_date([printed.group(1)])
    return None


def _closing_date(lines: list[str]) -> date | None:
    """The date of a resolution's closing lines (`18th plenary meeting`, `10 October 2018`)."""
    for line in reversed(lines):
        found = _parse_date(f"plenary meeting, on {line.strip()}") or _parse_date(line)
        if found:
            return found
    return None


def _parse_date(text: str) -> date | None:
    zh = _ZH_ADOPTED.search(text) or _ZH_DATE.search(text)
    if zh:
        try:
            return date(int(zh.group(1)), int(zh.group(2)), int(zh.group(3)))
        except ValueError:
            return None
    en = _EN_ADOPTED.search(text)
    if en:
        from datetime import datetime

        try:
            return datetime.strptime(en.group(1), "%d %B %Y").date()
        except ValueError:
            return None
    return None


def parse_text(text: str, source: Path | str, metadata: dict[str, str] | None = None) -> Resolution:
    """Parse a resolution's plain text. `metadata` (front matter, a record) overrides the text."""
    lines = text.splitlines()
    body_start = next((i for i, line in enumerate(lines) if _BODY_START.match(line)), None)
    header_lines = lines[:body_start] if body_start is not None else []
    body_lines = lines[body_start + 1 :] if body_start is not None else lines
    return _assemble(header_lines, body_lines, None, text, source, metadata or {})


def parse_blocks(
    blocks: list[tuple[str, bool, tuple[str, ...]]],
    source: Path | str,
    metadata: dict[str, str] | None = None,
) -> Resolution:
    """Parse a document a layout reader has already cut into paragraphs (PDF, DOCX): each block
    is (text, is a heading, its footnotes). Header lines are whole paragraphs (a wrapped title,
    a sponsor list over five lines); the body's paragraphs are taken as they are."""
    texts = [text for text, _, _ in blocks]
    body_start = next((i for i, text in enumerate(texts) if _opens_body(text)), None)
    if body_start is None:
        body_start = _masthead_end(blocks)
        header, body = texts[:body_start], blocks[body_start:]
    else:
        header, body = texts[:body_start], blocks[body_start + 1 :]
    paragraphs = [
        Paragraph(text, number, heading, notes)
        for number, (text, heading, notes) in enumerate(body)
        if text.strip() and not _CLOSING_LINE.match(text)
    ]
    closing = [text for text, _, _ in body if _CLOSING_LINE.match(text)]
    return _assemble(header, closing, paragraphs, "\n\n".join(texts), source, metadata or {})


def _opens_body(text: str) -> bool:
    """The body's opening line, not the masthead's "大会" / "Генеральная Ассамблея" (the same words
    without the comma: where the opening has no article, its comma tells it apart)."""
    if not _BODY_START.match(text):
        return False
    return text.rstrip().endswith((",", "，", "،")) or text.lstrip().startswith(("The ", "L", "La ", "إن"))


def _masthead_end(blocks: list[tuple[str, bool, tuple[str, ...]]]) -> int:
    """Where a document without `The General Assembly,` (a report, a letter) starts its text:
    after the masthead's lines and the bold title lines that follow it."""
    end = 0
    for index, (text, heading, _) in enumerate(blocks[:40]):
        if heading or MASTHEAD_LINE.match(text):
            end = index + 1
        elif end:
            break
    return end


def _assemble(
    header_lines: list[str],
    body_lines: list[str],
    paragraphs: list[Paragraph] | None,
    text: str,
    source: Path | str,
    metadata: dict[str, str],
) -> Resolution:
    header = "\n".join(header_lines)
    chinese = is_chinese(text)
    kind, title, symbol = "resolution", "", None
    sponsors: tuple[str, ...] = ()
    for line in header_lines:
        sponsor_line = _ZH_SPONSORS.match(line) or _EN_SPONSORS.match(line)
        if sponsor_line:
            sponsors = parse_sponsors(sponsor_line.group(1))
            kind = _ZH_KIND.get(sponsor_line.group(2), sponsor_line.group(2).lower())
        adopted = _ZH_SPONSORS_ADOPTED.search(line) or _EN_SPONSORS_ADOPTED.search(line)
        if adopted and not sponsors:
            sponsors = parse_sponsors(adopted.group(1))
        number = _ZH_RESOLUTION_NUMBER.match(line)
        if number and not symbol:
            symbol = f"A/RES/{number.group(1)}/{number.group(2)}"
        title_match = _TITLE.match(line)
        if title_match and not title:
            title = join_lines(title_match.group(2))
            symbol = symbol or f"A/RES/{title_match.group(1)}"
        older = OLD_RESOLUTION_NUMBER.match(line)
        if older and not title:  # `2758 (XXVI). Restoration of ...`: numbered by session
            title = join_lines(line[older.end() :])
            symbol = symbol or f"A/RES/{older.group(1)}({older.group(2)})"
    if not title and kind != "resolution":
        # Drafts: the title is the line after the sponsors line (`白俄罗斯和哈萨克斯坦：决议草案`).
        after = [line for line in header_lines if line.strip()]
        for index, line in enumerate(after):
            if (_ZH_SPONSORS.match(line) or _EN_SPONSORS.match(line)) and index + 1 < len(after):
                title = join_lines(after[index + 1])
            elif _EN_SPONSORS.match(line) and index > 0:
                # Older drafts print the title, in capitals, above the sponsors.
                title = join_lines(after[index - 1])
    symbol = metadata.get("symbol") or symbol
    printed_alone = next((m.group(1) for m in map(MASTHEAD_SYMBOL.match, header_lines[:8]) if m), None)
    if not symbol and printed_alone:
        symbol = printed_alone
    if not symbol:
        printed = PRINTED_GA_SYMBOL.search(header) or OLD_GA_SYMBOL.search(header)
        symbol = printed.group(1) if printed else None
    kind = document_kind(symbol, header, default=kind)
    if not title and kind in NON_RESOLUTION_KINDS:
        title = document_title(header_lines)
    title = metadata.get("title_override") or title or join_lines(metadata.get("title", ""))
    # The adoption date printed in the text wins over a record's date (often the distribution
    # date); a header without one takes the closing line's (`18th plenary meeting / 10 October 2018`).
    when = _parse_date(header)
    if when is None and metadata.get("date"):
        when = metadata_date(str(metadata["date"]), source)
    if when is None and kind in NON_RESOLUTION_KINDS:
        when = _masthead_date(header_lines)
    elif when is None and paragraphs is not None:
        when = _closing_date(body_lines)
    if metadata.get("kind"):
        kind = metadata["kind"]
    if paragraphs is None:
        # A line repeating the title inside the body is a page's running head, not text.
        running_heads = {title, f"{symbol.split('/')[-2]}/{symbol.split('/')[-1]}. {title}" if symbol else title}
        paragraphs = _paragraphs([line for line in body_lines if join_lines(line) not in running_heads])
    source_path = str(source)
    # A fetched file's metadata names its language (`EN`, `zh`); else its file name
    # (`A_RES_73_12-FR.docx`), else its script and stop words.
    language = str(metadata.get("language", "")).lower()
    if language not in LANGUAGES:
        language = language_of_file(source_path) or ("zh" if chinese else detect_language(text))
    clauses = document_paragraphs(paragraphs) if kind in NON_RESOLUTION_KINDS else resolution_clauses(paragraphs)
    return Resolution(
        symbol=symbol,
        language=language,
        kind=kind,
        session=int(metadata["session"]) if metadata.get("session") else _session(header, symbol),
        agenda_items=_agenda_items(header),
        title=title,
        sponsors=sponsors,
        date=when,
        text=text,
        clauses=clauses,
        source_path=source_path,
        origin=origin_symbols(header),
    )

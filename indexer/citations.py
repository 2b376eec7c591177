"""References to other resolutions inside a clause, as UN symbols.

Chinese: `第 59/50 号决议` -> `A/RES/59/50`; lists (`第 64/256 号、…第 65/122 号…决议`) take the
noun that closes the list; `第 1631(2005) 号决议` -> `S/RES/1631(2005)`; `第217 A(III)号决议`
-> `A/RES/217(III)`. English: `resolution 54/169`, `resolutions 64/256 … and 67/6`,
`Security Council resolution 1631 (2005)`. Symbols written out (`A/RES/73/12`) are kept as written.
Decisions (`第 73/401 号决定`, `decision 73/401`) are cited as `A/DEC/73/401`. A range
(`第 64/256 号至第 64/260 号决议`, `resolutions 64/256 to 64/260`) cites every number in it.
"""

from __future__ import annotations

import re

from analyzers.symbols import CITED_RESOLUTION

_ZH_GA = re.compile(r"第\s*(\d{1,3})\s*/\s*(\d{1,4})\s*(?:[A-Z]\s*)?号")
_ZH_SC = re.compile(r"第\s*(\d{1,4})\s*\(\s*(\d{4})\s*\)\s*号")
_ZH_OLD = re.compile(r"第\s*(\d{1,4})\s*(?:[A-Z]\s*)?\(\s*([IVXL]+)\s*\)\s*号")
_ZH_NOUN = re.compile(r"决议|决定")
_EN_GA = re.compile(r"(?<![/\w])(\d{1,3})/(\d{1,4})(?![/\d])")
_EN_SC = re.compile(r"(?<![/\w])(\d{1,4})\s*\((\d{4})\)")
_EN_OLD = re.compile(r"(?<![/\w])(\d{1,4})\s*(?:[A-Z]\s*)?\(([IVXL]+)\)")
_EN_NOUN = re.compile(r"\b(resolutions?|decisions?)\b", re.IGNORECASE)
# Ranges: `第 64/256 至 64/260 号`, `第 64/256 号至第 64/260 号`, `resolutions 64/256 to 64/260`, `64/256–64/260`.
_RANGE = re.compile(
    r"(\d{1,3})\s*/\s*(\d{1,4})\s*(?:号)?\s*(?:至|到|to|[-–—])\s*(?:第\s*)?(\d{1,3})\s*/\s*(\d{1,4})(?![/\d])"
)
MAX_RANGE = 60
# What separates the items of a list of citations, so that a long list keeps its noun however far
# it is: `69/32 of 2 December 2014, 70/27 ... and 79/20`, `36/87 A and B of 9 December 1981, `,
# `第 64/256 号、2010 年 12 月 13 日第 65/122 号`; PDF text may lose spaces (`68/557of 8September 2014`).
_EN_LIST_GAP = re.compile(
    r"\s*(?:[A-Z](?:\s*(?:,|and)\s*[A-Z]\b)*\s*)?"  # parts: A and B
    r"(?:of\s*\d{1,2}\s*[A-Za-z]+\s*\d{4}\s*)?"  # of 2 December 2014
    r"(?:,\s*(?:and\s+)?|and\s+)"
)
_ZH_LIST_GAP = re.compile(r"\s*(?:、|和|及|以及|,|，)\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*)?(?:的\s*)?")


def _zh_noun_after(text: str, position: int) -> str | None:
    match = _ZH_NOUN.search(text, position, position + 120)
    return match.group() if match else None


def _en_noun_before(text: str, position: int) -> str | None:
    nouns = list(_EN_NOUN.finditer(text, max(0, position - 160), position))
    return nouns[-1].group().lower().rstrip("s") if nouns else None


def find_citations(text: str) -> tuple[str, ...]:
    """The symbols of the resolutions and decisions cited in `text`, in order, without repeats."""
    return tuple(dict.fromkeys(symbol for _, _, symbol in citation_spans(text)))


def citation_spans(text: str) -> list[tuple[int, int, str]]:
    """Each citation in `text` as (start, end, symbol), in order: the characters that cite it
    (`第 59/50 号`, `59/50`, `A/RES/59/50`; for a number inside a range, the whole range), which a
    search for the symbol marks."""
    found: list[tuple[int, int, str]] = []
    if "/" not in text and "(" not in text:  # every form below has one (most clauses have neither)
        return found
    for match in CITED_RESOLUTION.finditer(text):
        found.append((match.start(1), match.end(1), re.sub(r"\s+", "", match.group(1))))
    # Chinese lists close with their noun: read them from the end.
    noun: str | None = None
    following = len(text)
    for match in reversed(list(_ZH_GA.finditer(text))):
        if not _ZH_LIST_GAP.fullmatch(text, match.end(), following):
            noun = _zh_noun_after(text, match.end())
        following = match.start()
        if noun:
            prefix = "A/RES" if noun == "决议" else "A/DEC"
            found.append((match.start(), match.end(), f"{prefix}/{match.group(1)}/{match.group(2)}"))
    for match in _ZH_SC.finditer(text):
        if _zh_noun_after(text, match.end()) == "决议":
            found.append((match.start(), match.end(), f"S/RES/{match.group(1)}({match.group(2)})"))
    for match in _ZH_OLD.finditer(text):
        if _zh_noun_after(text, match.end()) == "决议":
            found.append((match.start(), match.end(), f"A/RES/{match.group(1)}({match.group(2)})"))
    # English lists open with their noun: an item right after another keeps the noun.
    noun = None
    previous_end = -1
    for match in _EN_GA.finditer(text):
        if previous_end < 0 or not _EN_LIST_GAP.fullmatch(text, previous_end, match.start()):
            noun = _en_noun_before(text, match.start())
        previous_end = match.end()
        if noun and not _inside_symbol(text, match.start()):
            prefix = "A/RES" if noun == "resolution" else "A/DEC"
            found.append((match.start(), match.end(), f"{prefix}/{match.group(1)}/{match.group(2)}"))
    for match in _EN_SC.finditer(text):
        if _en_noun_before(text, match.start()) == "resolution" and "Security Council" in text:
            found.append((match.start(), match.end(), f"S/RES/{match.group(1)}({match.group(2)})"))
    for match in _EN_OLD.finditer(text):
        if _en_noun_before(text, match.start()) == "resolution":
            found.append((match.start(), match.end(), f"A/RES/{match.group(1)}({match.group(2)})"))
    for match in _RANGE.finditer(text):
        session, first, last_session, last = (int(g) for g in match.groups())
        cited = {symbol for _, _, symbol in found}
        series = next((p for p in ("A/RES", "A/DEC") if f"{p}/{session}/{first}" in cited), None)
        if series and session == last_session and 0 < last - first <= MAX_RANGE:
            found.extend((match.start(), match.end(), f"{series}/{session}/{n}") for n in range(first + 1, last))
    found.sort()
    return found


def _inside_symbol(text: str, position: int) -> bool:
    return position > 0 and text[position - 1] in "/."

"""Text normalisation that remembers where every character came from.

`normalize(text)` returns a `Normalized`: the cleaned text plus, for each of its characters, the
index of the original character it came from. Tokenizers work on the cleaned text and report
offsets through that map, so highlights land on the original characters.

Steps, in order:
1. Unicode NFKC per character (full-width `２０１６` -> `2016`, `Ａ／ＲＥＳ` -> `A/RES`).
2. Arabic: marks (short vowels, tatweel) dropped, letter forms folded (analyzers/languages.py).
3. Traditional to simplified Chinese with OpenCC (`t2s`), to its fixed point (`薴` -> `苧` -> `苎`).
4. Whitespace: a run of white space between two CJK characters, or between a CJK character and a
   digit, is dropped (PDF extraction breaks lines inside words and pads numbers with spaces:
   `联\\n合国` -> `联合国`, `2004 年 12 月` -> `2004年12月`); any other run becomes one space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

from analyzers.languages import ARABIC_MARKS, fold_arabic
from analyzers.scripts import CJK_RANGES

_CJK = CJK_RANGES
_CHANGING_WHITESPACE = re.compile(rf"(?<=[{_CJK}0-9])\s+(?=[{_CJK}0-9])|\s{{2,}}|[^\S ]+|^\s+|\s+$")
_JOINABLE = re.compile(rf"[{_CJK}0-9]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_JOINING_SPACE = re.compile(rf"[{_CJK}0-9] [{_CJK}0-9]")
_MAX_CHAIN = 4  # conversions after the first: of 28,096 CJK characters one chains (薴), by one step


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, per character, the index of its source character."""

    text: str
    source: tuple[int, ...]
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text (with the Arabic
        marks that followed its last letter, which normalisation dropped)."""
        if start >= len(self.source):
            return len(self.original), len(self.original)
        stop = self.source[end - 1] + 1
        while stop < len(self.original) and self.original[stop] in ARABIC_MARKS:
            stop += 1
        return self.source[start], stop


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


class _NfkcTable(dict[int, str]):
    """Code point -> its NFKC form, filled on first sight, for `str.translate`."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code))
        return folded


_NFKC_TABLE = _NfkcTable()


def _nfkc(text: str) -> tuple[str, list[int]]:
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text)))
    folded = text.translate(_NFKC_TABLE)
    # No character folds to nothing, so the same length means one character for each: the map
    # is the identity (full-width punctuation and digits, the usual case).
    if len(folded) == len(text):
        return folded, list(range(len(text)))
    source: list[int] = []
    for index, char in enumerate(text):
        source.extend([index] * len(_NFKC_TABLE[ord(char)]))
    return folded, source


def _convert(text: str) -> str:
    """OpenCC's `t2s`, to its fixed point: some of its mappings chain (`薴` -> `苧` -> `苎`), and a
    text normalised once must normalise to itself, or a query that quotes an indexed clause's
    normalised text would not find it. Each step is a whole conversion; a text it leaves as it
    is (simplified Chinese, most of the corpus) costs one."""
    converted = _converter().convert(text)
    for _ in range(_MAX_CHAIN):
        if converted == text:
            break
        text, converted = converted, _converter().convert(converted)
    return converted


def _to_simplified(text: str, source: list[int]) -> tuple[str, list[int]]:
    if not _CJK_CHAR.search(text):
        return text, source
    converted = _convert(text)
    if len(converted) == len(text):
        return converted, source
    # A phrase rule changed the length: convert character by character to keep the map exact.
    chars = [_convert(char) for char in text]
    new_source: list[int] = []
    for char, origin in zip(chars, source, strict=True):
        new_source.extend([origin] * len(char))
    return "".join(chars), new_source


def _no_whitespace_changes(text: str) -> bool:
    """True only if `_fold_whitespace` leaves `text` as it is (most clauses: 96 % of the shared
    corpus's), found by C-level scans: no white space but single ASCII spaces (`isprintable` is
    False for every other white space character), none at either end, none between two joinable
    characters. Otherwise (False) the whole pass decides."""
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        return False
    return " " not in text or not _JOINING_SPACE.search(text)


def _fold_whitespace(text: str, source: list[int]) -> tuple[str, list[int]]:
    if _no_whitespace_changes(text):
        return text, source
    # Only runs that change are visited: a single space between non-joinable characters (most
    # of running Latin text) is left alone, which keeps this linear in the number of changes.
    pieces: list[str] = []
    new_source: list[int] = []
    last = 0
    for match in _CHANGING_WHITESPACE.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        joins_words = bool(before and after and _JOINABLE.match(before) and _JOINABLE.match(after))
        keep_space = before and after and not (joins_words and not (before.isdigit() and after.isdigit()))
        if keep_space and text[start:end] == " ":
            continue
        pieces.append(text[last:start])
        new_source.extend(source[last:start])
        if keep_space:
            pieces.append(" ")
            new_source.append(source[start])
        last = end
    if not pieces:
        return text, source
    pieces.append(text[last:])
    new_source.extend(source[last:])
    return "".join(pieces), new_source


@lru_cache(maxsize=2048)
def normalize(text: str) -> Normalized:
    """Normalise `text` for indexing or querying; see the module docstring for the steps.

    Memoised: indexing one clause normalises its text for its verb, the word field, the character
    field and its MinHash shingles, a document's clauses one pass after the other, and every clause
    record repeats its resolution's title. 2,048 texts hold a long report's paragraphs (at 256, the
    shared corpus's records normalised 29,984 texts, at 2,048 11,850; about 5 MB, 10 us a text)."""
    folded, source = _nfkc(text)
    folded, kept = fold_arabic(folded)
    if kept is not None:
        source = [source[index] for index in kept]
    simplified, source = _to_simplified(folded, source)
    compact, source = _fold_whitespace(simplified, source)
    return Normalized(compact, tuple(source), text)


def normalize_text(text: str) -> str:
    """The normalised text alone, for comparing strings (titles, verbs, names)."""
    return normalize(text).text

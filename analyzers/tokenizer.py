"""Whoosh tokenizer and filters for Chinese UN texts.

Position scheme (word field)
----------------------------
Every top-level word gets the next position: `集体安全条约组织|秘书处|同|联合国|秘书处` -> 0,1,2,3,4.
Tokens added at index time *inside* a word share that word's position:
- the parts of a compound (`集体安全条约组织` -> `集体`, `安全`, `条约`, `组织`, ...; see
  `segmenter.parts`), so `安全` finds the compound;
- the parts of a symbol, reference or date (`a/res/73/12` -> `73/12`, `73`, `12`), so `73/12` and
  `12` find it.
Queries are cut into top-level words only, so a phrase of whole words has consecutive positions
exactly as in the text, and the parts never create matches that straddle a word boundary.
Clause boundaries (U+2029 in the field value) add a gap of `CLAUSE_GAP` positions, far more than
any phrase slop, so no phrase matches across two clauses.

Position scheme (character field)
---------------------------------
Every character of the normalised text except white space and ASCII letters (Latin text is
searched by words) gets the next position; at each position the index holds the bigram it starts
(the last character of a clause, which starts none, as itself). So every occurrence of a character
is the first character of exactly one indexed gram. A quoted string is a phrase of its bigrams at
consecutive positions: an exact substring match, like Ctrl-F, whatever the segmentation. A
one-character query is the grams that start with it (search_api/core/evaluate.py). Indexing each
character as well, as Lucene's CJK bigrams can, would double the field's postings (it was half of
all the index wrote) for what the grams starting with it give.

Offsets
-------
`startchar`/`endchar` always point into the *original* text (before normalisation), through the
map that `normalize` keeps, so highlights land on the characters the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator, Sequence
from operator import add

from whoosh.analysis import Filter, Token, Tokenizer

from analyzers import segmenter
from analyzers.normalize import Normalized, normalize
from analyzers.scripts import ALPHABETIC_RANGES, CJK_RANGES
from analyzers.symbols import SYMBOL_TOKEN

CLAUSE_SEPARATOR = "\u2029"
CLAUSE_GAP = 100

_CJK = CJK_RANGES
_LETTERS = ALPHABETIC_RANGES
RUN_PATTERN = re.compile(
    rf"""
    (?P<symbol>{SYMBOL_TOKEN})
  | (?P<ref>\d{{1,4}}\(\d{{4}}\)|(?<![\d/])\d{{1,3}}/\d{{1,4}}(?![\d/]))
  | (?P<date>\d{{4}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?|\d{{1,2}}月\d{{1,2}}日)
  | (?P<range>\d{{4}}[-–—~]\d{{4}}(?!\d))
  | (?P<number>\d+(?:[.,]\d+)*)
  | (?P<latin>[{_LETTERS}]+(?:['’][{_LETTERS}]+)?)
  | (?P<cjk>[{_CJK}]+)
    """,
    re.VERBOSE,
)
_SYMBOL_TAIL = re.compile(r"(\d+)/(\d+)$")
_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")
_LETTER_OR_SPACE = re.compile(rf"[{_LETTERS}\s]")
_SPACE = re.compile(r"\s")
_HAS_CJK = re.compile(f"[{_CJK}]")


def _not_in_char_field(text: str) -> re.Pattern[str]:
    """What the character field leaves out of a (normalised) text: white space always (PDF
    extraction spaces and breaks Chinese at random); letters of alphabetic scripts (Latin,
    Cyrillic, Arabic) too, unless the text has CJK characters. A Chinese clause keeps its Latin
    letters (`WHO的`, `和UNDP`, `A/RES/59/50号`) so that a quoted string mixing scripts is an exact
    substring; a clause in another language, whose letters the word field serves, does not double
    the index with letter bigrams. A quoted string is searched here only when it has CJK
    characters, so it and the clauses it can match follow the same rule."""
    return _SPACE if _HAS_CJK.search(text) else _LETTER_OR_SPACE


def clause_segments(value: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each clause-separated segment of a field value."""
    offset = 0
    for segment in value.split(CLAUSE_SEPARATOR):
        yield offset, segment
        offset += len(segment) + 1


def symbol_parts(symbol: str) -> list[str]:
    """Searchable parts of a UN symbol: `a/res/73/12` -> `73/12`, `res`, `73`, `12`."""
    parts: list[str] = []
    tail = _SYMBOL_TAIL.search(symbol)
    if tail:
        parts.append(f"{tail.group(1)}/{tail.group(2)}")
    for piece in symbol.split("/")[1:]:
        parts.append(piece)
        parts.extend(ref_parts(piece))
    return [p for p in dict.fromkeys(parts) if p and p != symbol]


def ref_parts(ref: str) -> list[str]:
    """Parts of a short reference: `1631(2005)` -> `1631`, `2005`; `59/50` -> `59`, `50`."""
    return [p for p in re.split(r"[()/]", ref) if p and p != ref and re.fullmatch(r"\w+", p)]


def date_parts(date: str) -> list[str]:
    """Parts of a Chinese date: `2004年12月2日` -> `2004年`, `2004`, `2004年12月`, `12月2日`."""
    match = _DATE.fullmatch(date)
    if not match:
        return []
    year, month, day = match.groups()
    parts = [f"{year}年", year]
    if month:
        parts.append(f"{year}年{month}月")
    if month and day:
        parts.append(f"{month}月{day}日")
    return [p for p in parts if p != date]


def letter_words(text: str) -> list[str]:
    """The words of alphabetic scripts in `text`, normalised and lowercased: the `latin` runs of
    the word chain, found with one pass of its pattern (what the `stems` field stems)."""
    return [match.group().lower() for match in RUN_PATTERN.finditer(normalize(text).text) if match.lastgroup == "latin"]


class RunTokenizer(Tokenizer):
    """Normalises the text and splits it into typed runs (symbol, date, number, latin, cjk...).

    Each token carries `kind`, and `normalized`/`nstart` so later filters can cut a run and still
    map offsets back to the original text. Positions are assigned by `PositionFilter`.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.start_pos = start_pos
        for segment_index, (offset, segment) in enumerate(clause_segments(value)):
            normalized = normalize(segment)
            for match in RUN_PATTERN.finditer(normalized.text):
                kind = match.lastgroup or "cjk"
                text = match.group()
                if kind == "symbol":
                    text = text.rstrip(".-")
                    if not any(c.isdigit() for c in text):
                        kind = "latin_symbol"
                token.text = text
                token.kind = kind
                token.normalized = normalized
                token.nstart = match.start()
                token.char_offset = start_char + offset
                token.segment = segment_index
                token.same_position = False
                token.stopped = False
                token.boost = 1.0
                if chars:
                    start, end = normalized.original_span(match.start(), match.start() + len(text))
                    token.startchar = start_char + offset + start
                    token.endchar = start_char + offset + end
                yield token


def _set_span(token: Token, normalized: Normalized, start: int, end: int) -> None:
    original_start, original_end = normalized.original_span(start, end)
    token.startchar = token.char_offset + original_start
    token.endchar = token.char_offset + original_end


class SegmentFilter(Filter):
    """Cuts CJK runs into words with jieba; at index time also emits each word's parts."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if token.kind != "cjk":
                yield token
                continue
            run, normalized, base = token.text, token.normalized, token.nstart
            index_mode = token.mode != "query"
            cursor = 0
            for word in segmenter.cut(run):
                start = base + cursor
                cursor += len(word)
                token.text, token.kind, token.same_position = word, "word", False
                if token.chars:
                    _set_span(token, normalized, start, start + len(word))
                yield token
                if not index_mode:
                    continue
                for part in segmenter.parts(word):
                    inner = word.find(part)
                    token.text, token.same_position = part, True
                    if token.chars:
                        _set_span(token, normalized, start + inner, start + inner + len(part))
                    yield token


# The searchable parts of each kind of run (added at the whole's position at index time).
PARTS_OF_KIND: dict[str, Callable[[str], list[str]]] = {
    "symbol": symbol_parts,
    "ref": ref_parts,
    "date": date_parts,
    "range": lambda text: re.split(r"[-–—~]", text),
}


class PartsFilter(Filter):
    """Keeps symbols, references, dates and ranges whole, and at index time adds their parts."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if token.kind == "latin_symbol":
                # Letters and slashes only (`and/or`): plain words, not a symbol.
                whole_start = token.startchar if token.chars else 0
                for piece in re.finditer(r"[A-Za-z]+", token.text):
                    token.text, token.kind, token.same_position = piece.group(), "latin", False
                    if token.chars:
                        token.startchar = whole_start + piece.start()
                        token.endchar = whole_start + piece.end()
                    yield token
                continue
            yield token
            split = PARTS_OF_KIND.get(token.kind)
            if split is None or token.mode == "query":
                continue
            for part in split(token.text.lower()):
                token.text, token.same_position = part, True
                yield token


class PositionFilter(Filter):
    """Assigns positions: the next one to each top-level token, the same one to its parts."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        position = -1
        segment = 0
        for token in tokens:
            if token.segment != segment:
                position += CLAUSE_GAP * (token.segment - segment)
                segment = token.segment
            if not token.same_position or position < 0:
                position += 1
            if token.positions:
                token.pos = token.start_pos + position
            yield token


def char_stream(value: str) -> tuple[list[str], list[int]]:
    """Every gram `CharTokenizer` yields for `value` at index time and its position, in its
    order (each kept character's bigram, then the last character alone), without a token object
    per gram: the field's postings (tests check it against the tokenizer). A segment's grams
    stand at consecutive positions."""
    return char_run_tokens(*char_runs(value))


def char_run_tokens(texts: Sequence[str], starts: Sequence[int]) -> tuple[list[str], list[int]]:
    """The grams and positions of runs given by `char_runs`."""
    grams: list[str] = []
    positions: list[int] = []
    for kept, start in zip(texts, starts, strict=True):
        grams += char_grams(kept)
        positions += range(start, start + len(kept))
    return grams, positions


def char_runs(value: str) -> tuple[list[str], list[int]]:
    """What `char_stream`'s grams are cut from: the text each clause segment keeps in the field
    (its normalised text lowercased, without what `_not_in_char_field` leaves out; segments that
    keep nothing are left out) and the position of its first gram. Indexing keeps these until
    the segment is written, and cuts the grams of all of them at once
    (indexer/storage/char_streams.py)."""
    texts: list[str] = []
    starts: list[int] = []
    position = 0
    for segment_index, (_, segment) in enumerate(clause_segments(value)):
        if segment_index:
            position += CLAUSE_GAP
        text = normalize(segment).text.lower()
        kept = _not_in_char_field(text).sub("", text)
        if kept:
            texts.append(kept)
            starts.append(position)
        position += len(kept)
    return texts, starts


def char_grams(kept: str) -> list[str]:
    """A kept text's grams in the field's order: each character joined to the next, then the last
    character alone."""
    grams = list(map(add, kept[:-1], kept[1:]))
    grams.append(kept[-1])
    return grams


def _lowered(normalized: Normalized) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """The normalised text lowercased (what the character field holds), and the map of a span of
    it to the original text. Lowercasing lengthens a few letters (`İ` -> `i̇`, two characters):
    past one, the lowered text's indexes are not the normalised text's (a highlight there raised
    IndexError), so they are mapped back through the letter each came from."""
    text = normalized.text.lower()
    if len(text) == len(normalized.text):
        return text, normalized.original_span
    origin = [index for index, char in enumerate(normalized.text) for _ in char.lower()]
    return text, lambda start, end: normalized.original_span(origin[start], origin[end - 1] + 1)


def _char_field_segment(segment: str) -> tuple[str, Callable[[int, int], tuple[int, int]], list[int]]:
    """A clause segment as the character field reads it: its normalised text lowercased, the map
    of a span of that to the segment, and the indexes of the characters the field keeps."""
    text, span = _lowered(normalize(segment))
    left_out = _not_in_char_field(text)
    return text, span, [i for i, c in enumerate(text) if not left_out.match(c)]


def char_tokens(value: str, wanted: Container[str] | None = None) -> list[tuple[str, int, int, int]]:
    """What `CharTokenizer` yields for highlighting (index mode, `unigrams=True`, positions and
    offsets) as (gram, position, startchar, endchar), in its order, without a `Token` a gram:
    each kept character, then the bigram it starts (tests compare the two on the corpus). With
    `wanted`, only the grams in it (the others cost no span)."""
    out: list[tuple[str, int, int, int]] = []
    append = out.append
    position = 0
    for segment_index, (offset, segment) in enumerate(clause_segments(value)):
        if segment_index:
            position += CLAUSE_GAP
        text, span, kept = _char_field_segment(segment)
        for index, following in zip(kept, [*kept[1:], None], strict=False):
            gram = text[index]
            if wanted is None or gram in wanted:
                start, end = span(index, index + 1)
                append((gram, position, offset + start, offset + end))
            if following is not None:
                gram += text[following]
                if wanted is None or gram in wanted:
                    start, end = span(index, following + 1)
                    append((gram, position, offset + start, offset + end))
            position += 1
    return out


class CharTokenizer(Tokenizer):
    """Character bigrams, for exact-substring (Ctrl-F) matching.

    At index time every kept character yields the bigram it starts (the last one of a clause,
    which starts none, itself), one position each; with `unigrams=True` (highlighting) it also yields
    itself, at the same position. At query time a string of one character yields it; a longer
    one yields its bigrams.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        unigrams: bool = False,
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        query = mode == "query"
        for segment_index, (offset, segment) in enumerate(clause_segments(value)):
            if segment_index:
                position += CLAUSE_GAP
            text, span, kept = _char_field_segment(segment)
            if query and len(kept) == 1:
                kept_pairs: list[tuple[int, int | None]] = [(kept[0], None)]
            else:
                kept_pairs = list(zip(kept, [*kept[1:], None], strict=False))  # empty text: no pairs
            for index, following in kept_pairs:
                spans = []
                itself = len(kept) == 1 if query else unigrams or following is None
                if itself:
                    spans.append((text[index], index, index + 1))
                if following is not None:
                    spans.append((text[index] + text[following], index, following + 1))
                for gram, start, end in spans:
                    token.text = gram
                    token.boost = 1.0
                    token.stopped = False
                    if positions:
                        token.pos = position
                    if chars:
                        first, last = span(start, end)
                        token.startchar = start_char + offset + first
                        token.endchar = start_char + offset + last
                    yield token
                position += 1

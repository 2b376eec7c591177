"""The word chain in one loop: the tokens `word_analyzer()` yields at index time, with their
positions and character spans, without a Whoosh `Token` passed through five generators a token.

Highlighting runs the chain over every clause it shows and indexing over every clause it writes;
this loop does the same work in 0.4-0.6 of the time (3,000 SYNTHETIC clauses: with offsets 0.66-0.92
-> 0.36 CPU s, positions alone 0.76 -> 0.39-0.47 CPU s).
It follows analyzers/tokenizer.py step for step (runs, jieba words and their parts, symbol and
date parts, lowercase, positions with the clause gap); tests/test_word_tokens.py compares the two
on every clause of the real corpus, and `word_analyzer()` stays the definition.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain, repeat
from typing import Protocol

from analyzers import segmenter
from analyzers.normalize import normalize
from analyzers.tokenizer import CLAUSE_GAP, PARTS_OF_KIND, RUN_PATTERN, clause_segments

WordToken = tuple[str, int, int, int]  # text, position, start and end in the original text
_LETTER_PIECES = re.compile(r"[A-Za-z]+")


class Wanted(Protocol):
    """The tokens a caller wants (highlighting: the query's), so that the others cost no span and
    the Chinese runs that cannot hold one are not cut."""

    def keep(self, token: str) -> bool: ...

    def may_hold(self, run: str) -> bool:
        """False only if no token cut from this run of Chinese characters can be kept."""
        ...


def word_tokens(value: str, spans: bool = True, wanted: Wanted | None = None) -> list[WordToken]:
    """Every token of `value` as `word_analyzer()(value, positions=True, chars=True)` yields it
    (index mode): (text, position, startchar, endchar), in the chain's order. Without `spans`
    (indexing: postings need no offsets) start and end are 0.

    With `wanted`, only the tokens it keeps, and a Chinese run it says holds none counts as one
    position: the positions then tell which kept tokens stand together (no token of a skipped run
    stands between them), not how far apart the others are."""
    out: list[WordToken] = []
    append = out.append
    keep = wanted.keep if wanted is not None else None
    position = -1
    last_segment = 0
    for segment_index, (offset, segment) in enumerate(clause_segments(value)):
        normalized = normalize(segment)
        span = normalized.original_span if spans else _no_span
        for match in RUN_PATTERN.finditer(normalized.text):
            kind = match.lastgroup or "cjk"
            text = match.group()
            nstart = match.start()
            if segment_index != last_segment:  # PositionFilter: the gap comes with the next token
                position += CLAUSE_GAP * (segment_index - last_segment)
                last_segment = segment_index
            if kind == "cjk":
                if wanted is not None and not wanted.may_hold(text):
                    position += 1
                    continue
                cursor = nstart
                for word in segmenter.cut(text):
                    position += 1
                    lowered = word.lower()
                    if keep is None or keep(lowered):
                        start, end = span(cursor, cursor + len(word))
                        append((lowered, position, offset + start, offset + end))
                    for part in segmenter.parts(word):
                        lowered = part.lower()
                        if keep is None or keep(lowered):
                            inner = cursor + word.find(part)
                            start, end = span(inner, inner + len(part))
                            append((lowered, position, offset + start, offset + end))
                    cursor += len(word)
                continue
            text, tokens, pieces = _run_tokens(kind, text)
            run_span: tuple[int, int] | None = None  # a span only for a token kept
            for token, step, start, end in tokens:
                position += step
                if keep is None or keep(token):
                    run_span = run_span or span(nstart, nstart + len(text))
                    if pieces:  # a letter word of `and/or`: its place in the run, from the run's start
                        append((token, position, offset + run_span[0] + start, offset + run_span[0] + end))
                    else:
                        append((token, position, offset + run_span[0], offset + run_span[1]))
    return out


def word_stream(value: str) -> tuple[list[str], list[int]]:
    """The terms and positions of `word_tokens(value, spans=False)`, what indexing needs: a
    Chinese run's words and their parts are laid out a run at a time (each word's entry, itself
    and its parts, made once a word), with no tuple and no position arithmetic in Python a token."""
    texts: list[str] = []
    positions: list[int] = []
    position = -1
    last_segment = 0
    for segment_index, (_, segment) in enumerate(clause_segments(value)):
        for match in RUN_PATTERN.finditer(normalize(segment).text):
            if segment_index != last_segment:
                position += CLAUSE_GAP * (segment_index - last_segment)
                last_segment = segment_index
            kind = match.lastgroup or "cjk"
            if kind == "cjk":  # CJK ideographs only: lowercasing changes none
                entries = list(map(_word_and_parts, segmenter.cut(match.group())))
                texts += chain.from_iterable(entries)
                first = position + 1
                position += len(entries)
                positions += chain.from_iterable(map(repeat, range(first, position + 1), map(len, entries)))
                continue
            for token, step, _, _ in _run_tokens(kind, match.group())[1]:
                position += step
                texts.append(token)
                positions.append(position)
    return texts, positions


@lru_cache(maxsize=200_000)
def _word_and_parts(word: str) -> tuple[str, ...]:
    """A Chinese word's tokens at its position: itself, then its parts (segmenter.parts)."""
    return (word, *segmenter.parts(word))


def _run_tokens(kind: str, text: str) -> tuple[str, list[tuple[str, int, int, int]], bool]:
    """A run of another kind than Chinese as the chain cuts it: its text (a symbol's trailing dots
    and hyphens off), its tokens, each (lowered text, positions advanced before it, start and end
    in that text), and whether they are pieces of it. A symbol with no digit (`and/or`) is its
    letter words, each a position of its own; any other run is one position: itself lowered, then
    its parts (a symbol's, a reference's, a date's, a range's)."""
    if kind == "symbol":
        text = text.rstrip(".-")
        if not any(c.isdigit() for c in text):
            pieces = _LETTER_PIECES.finditer(text)
            return text, [(piece.group().lower(), 1, piece.start(), piece.end()) for piece in pieces], True
    lowered = text.lower()
    tokens = [(lowered, 1, 0, len(text))]
    split = PARTS_OF_KIND.get(kind)
    if split is not None:
        tokens += [(part.lower(), 0, 0, len(text)) for part in split(lowered)]
    return text, tokens, False


def _no_span(start: int, end: int) -> tuple[int, int]:
    return 0, 0

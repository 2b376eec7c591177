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
            if kind == "symbol":
                text = text.rstrip(".-")
                if not any(c.isdigit() for c in text):
                    kind = "latin_symbol"
            if kind == "latin_symbol":  # letters and slashes only (`and/or`): plain words
                run_start = None
                for piece in _LETTER_PIECES.finditer(text):
                    position += 1
                    lowered = piece.group().lower()
                    if keep is None or keep(lowered):
                        if run_start is None:
                            run_start = offset + span(nstart, nstart + len(text))[0]
                        append((lowered, position, run_start + piece.start(), run_start + piece.end()))
                continue
            position += 1
            lowered = text.lower()
            split = PARTS_OF_KIND.get(kind)
            if keep is not None:
                tokens = [lowered, *map(str.lower, split(lowered))] if split is not None else [lowered]
                tokens = [token for token in tokens if keep(token)]
                if tokens:
                    start, end = span(nstart, nstart + len(text))
                    out.extend((token, position, offset + start, offset + end) for token in tokens)
                continue
            start, end = span(nstart, nstart + len(text))
            start, end = offset + start, offset + end
            append((lowered, position, start, end))
            if split is not None:
                for part in split(lowered):
                    append((part.lower(), position, start, end))
    return out


def _no_span(start: int, end: int) -> tuple[int, int]:
    return 0, 0

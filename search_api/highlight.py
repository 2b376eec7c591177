"""Highlights: the matched characters of a clause, found by running the same analyzers over it.

Word terms are marked where the word analyzer produced them (offsets into the original text, so
after normalisation, traditional script or PDF line breaks, the marks still land on the right
characters). Quoted strings are marked where their bigrams (Chinese) or words (Latin) stand at
consecutive positions: the exact phrase, not every place one of its parts happens to appear.
"""

from __future__ import annotations

import html
from typing import Any

from analyzers import char_analyzer, word_analyzer
from analyzers.languages import STEMMED_LANGUAGES, stem_token

SNIPPET_CHARS = 120
WORDS = word_analyzer()
CHARS = char_analyzer()


def _by_position(analyzer: Any, text: str, **options: bool) -> dict[int, dict[str, tuple[int, int]]]:
    """Token texts at each position with their character spans (parts share their word's)."""
    by_position: dict[int, dict[str, tuple[int, int]]] = {}
    for token in analyzer(text, chars=True, positions=True, **options):
        by_position.setdefault(token.pos, {})[token.text] = (token.startchar, token.endchar)
    return by_position


def match_spans(text: str, words: set[str], phrases: list[tuple[str, list[str]]]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of `text` that the query matched."""
    spans: list[tuple[int, int]] = []
    if words:
        # Stems (`en:decid`) mark every word of the clause with that stem in their language.
        stemmed = {word.split(":", 1)[0] for word in words if word.split(":", 1)[0] in STEMMED_LANGUAGES}
        for token in WORDS(text, chars=True, positions=True):
            if token.text in words or any(stem_token(language, token.text) in words for language in stemmed):
                spans.append((token.startchar, token.endchar))
    # Each character's own span too: a one-character query marks the character, not its bigram.
    tokens = {
        field: _by_position(CHARS, text, unigrams=True) if field == "chars" else _by_position(WORDS, text)
        for field in {f for f, _ in phrases}
    }
    for field, phrase in phrases:
        by_position = tokens[field]
        for position, here in by_position.items():
            if phrase[0] not in here:
                continue
            ends = [by_position.get(position + i, {}).get(term) for i, term in enumerate(phrase)]
            if all(ends):
                spans.append((here[phrase[0]][0], ends[-1][1]))  # type: ignore[index]
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """HTML-escaped snippet centred on the first match, matches wrapped in <mark>."""
    if not spans:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else "")
    first_start, first_end = spans[0]
    start = max(0, min(first_start - (width - (first_end - first_start)) // 2, len(text) - width))
    end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(html.escape(text[cursor:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)

"""Highlights: the matched characters of a clause, found by running the same analyzers over it.

Word terms are marked where the word analyzer produced them (offsets into the original text, so
after normalisation, traditional script or PDF line breaks, the marks still land on the right
characters). Quoted strings are marked where their bigrams stand at consecutive positions: the
exact substring, not every place one of its bigrams happens to appear.
"""

from __future__ import annotations

import html

from analyzers import char_analyzer, word_analyzer

SNIPPET_CHARS = 120
WORDS = word_analyzer()
CHARS = char_analyzer()


def match_spans(text: str, words: set[str], phrases: list[list[str]]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of `text` that the query matched."""
    spans: list[tuple[int, int]] = []
    if words:
        for token in WORDS(text, chars=True, positions=True):
            if token.text in words:
                spans.append((token.startchar, token.endchar))
    if phrases:
        grams = [(t.pos, t.text, t.startchar, t.endchar) for t in CHARS(text, chars=True, positions=True)]
        by_position: dict[int, dict[str, tuple[int, int]]] = {}
        for position, gram, start, end in grams:
            by_position.setdefault(position, {})[gram] = (start, end)
        for phrase in phrases:
            for position, grams_here in by_position.items():
                if phrase[0] not in grams_here:
                    continue
                ends = [by_position.get(position + i, {}).get(g) for i, g in enumerate(phrase)]
                if all(ends):
                    spans.append((grams_here[phrase[0]][0], ends[-1][1]))  # type: ignore[index]
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

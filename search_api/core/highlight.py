"""Highlights: the matched characters of a clause, found by running the same analyzers over it.

Word terms are marked where the word analyzer produced them (offsets into the original text, so
after normalisation, traditional script or PDF line breaks, the marks still land on the right
characters). Quoted strings are marked where their bigrams (Chinese) or words (Latin) stand at
consecutive positions: the exact phrase, not every place one of its parts happens to appear. A
resolution's symbol is marked where a clause cites it, however it is written there (`第 59/50 号`,
`resolution 59/50`): the clause was found through its `cites` field, read by indexer/citations.py.
"""

from __future__ import annotations

import html
from functools import lru_cache

from analyzers.languages import stem_term_parts, stem_token
from analyzers.scripts import is_cjk
from analyzers.tokenizer import char_tokens
from analyzers.word_tokens import word_tokens
from indexer.citations import citation_spans

SNIPPET_CHARS = 120


def _by_position(tokens: list[tuple[str, int, int, int]]) -> dict[int, dict[str, tuple[int, int]]]:
    """Token texts at each position with their character spans (parts share their word's)."""
    by_position: dict[int, dict[str, tuple[int, int]]] = {}
    for text, position, start, end in tokens:
        by_position.setdefault(position, {})[text] = (start, end)
    return by_position


@lru_cache(maxsize=100_000)
def _stem_forms(token: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A clause word's stems as indexed in each of the query's stemmed languages (`en:decid`):
    worked out once a word, not once a word a hit (a third of a highlight's time)."""
    return frozenset(stem_token(language, token) for language in languages)


class _QueryTokens:
    """The clause tokens a query can mark (`word_tokens`' `wanted`): its words, a word phrase's
    words, and every token whose stem in one of the query's stemmed languages is a query stem."""

    def __init__(self, words: frozenset[str], phrase_words: frozenset[str]) -> None:
        self.words = words
        self.phrase_words = phrase_words
        # A stem term is `en:decid`: its text after the language is what a stemmed token holds. A
        # word that is only a language's code ("es", "en" in Spanish and French) is no stem term.
        stems = {parts for parts in map(stem_term_parts, words) if parts is not None}
        self.stemmed = tuple(sorted({language for language, _ in stems}))
        texts = words | phrase_words | {stem for _, stem in stems}
        self.chinese = [text for text in texts if any(is_cjk(char) for char in text)]

    def marks(self, token: str) -> bool:
        """Whether a clause token is one of the query's words (or has one of its stems)."""
        if token in self.words:
            return True
        return bool(self.stemmed) and not self.words.isdisjoint(_stem_forms(token, self.stemmed))

    def keep(self, token: str) -> bool:
        return token in self.phrase_words or self.marks(token)

    def may_hold(self, run: str) -> bool:
        # Tokens cut from a Chinese run (words and their parts) are substrings of it.
        return any(text in run for text in self.chinese)


@lru_cache(maxsize=256)
def _query_tokens(words: frozenset[str], phrase_words: frozenset[str]) -> _QueryTokens:
    """One a query, not one a shown clause."""
    return _QueryTokens(words, phrase_words)


def match_spans(text: str, words: set[str], phrases: list[tuple[str, list[str]]]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of `text` that the query matched. The clause is analysed
    once a field, for the query's tokens only: its word tokens serve both the words and the word
    phrases."""
    spans: list[tuple[int, int]] = []
    cited = {phrase[0] for field, phrase in phrases if field == "cites"}
    if cited:  # the characters that cite the symbol, as the indexer read the citation
        spans.extend((start, end) for start, end, symbol in citation_spans(text) if symbol in cited)
        phrases = [(field, phrase) for field, phrase in phrases if field != "cites"]
    phrase_words = {field: frozenset(w for f, phrase in phrases if f == field for w in phrase) for field, _ in phrases}
    wanted = _query_tokens(frozenset(words), phrase_words.get("text", frozenset()))
    clause_tokens = word_tokens(text, wanted=wanted) if words or "text" in phrase_words else []
    if words:
        spans.extend((start, end) for token, _, start, end in clause_tokens if wanted.marks(token))
    # Each character's own span too: a one-character query marks the character, not its bigram.
    tokens = {
        field: _by_position(char_tokens(text, grams) if field == "chars" else clause_tokens)
        for field, grams in phrase_words.items()
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


def _inside_word(text: str, at: int) -> bool:
    """Whether `at` falls between two letters of a space-separated word (never inside CJK text,
    which has no spaces to break at)."""
    if not 0 < at < len(text):
        return False
    before, after = text[at - 1], text[at]
    return before.isalnum() and after.isalnum() and not (is_cjk(before) or is_cjk(after))


def _word_start(text: str, start: int, limit: int) -> int:
    """`start` moved forward past a cut word (to at most `limit`, the first shown match)."""
    if not _inside_word(text, start):
        return start
    space = text.find(" ", start, limit)
    return space + 1 if space != -1 else start


def _word_end(text: str, end: int, limit: int) -> int:
    """`end` moved back before a cut word (to no less than `limit`, the shown matches' end)."""
    if not _inside_word(text, end):
        return end
    space = text.rfind(" ", limit, end)
    return space if space >= limit else end


def _densest(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """(first, last) index of the run of matches that fits in `width` characters with the most
    different words matched, then the most matches, the earliest of equals: a long clause's
    snippet shows where the query's words meet, not where its commonest one first appears ("la"
    at the start of the UDHR's article 16 for "la familia es el elemento natural")."""
    best = (0, 0, 0, 0)  # (different words, matches, -first, last)
    seen: dict[str, int] = {}
    first = 0
    for last, (_, end) in enumerate(spans):
        word = text[spans[last][0] : end].casefold()
        seen[word] = seen.get(word, 0) + 1
        while first < last and end - spans[first][0] > width:
            dropped = text[spans[first][0] : spans[first][1]].casefold()
            seen[dropped] -= 1
            if not seen[dropped]:
                del seen[dropped]
            first += 1
        best = max(best, (len(seen), last - first + 1, -first, last))
    return -best[2], best[3]


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """HTML-escaped snippet centred on its matches (`_densest`), matches wrapped in <mark>."""
    if not spans:
        end = _word_end(text, min(len(text), width), 0)
        return html.escape(text[:end]) + ("…" if len(text) > end else "")
    first, last = _densest(text, spans, width)
    first_start, first_end = spans[first][0], spans[last][1]
    start = max(0, min(first_start - (width - (first_end - first_start)) // 2, len(text) - width))
    end = min(len(text), start + width)
    # In space-separated languages a snippet starts and ends on word boundaries.
    start, end = _word_start(text, start, first_start), _word_end(text, end, first_end)
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

"""Sponsor lists (`白俄罗斯和哈萨克斯坦`, `Belarus and Kazakhstan`) to canonical State names.

Names are matched against the member-state table longest first, before splitting on `、 和 及 ，`,
so `安提瓜和巴布达` and `特立尼达和多巴哥` stay whole. Canonical names are the English short names.
"""

from __future__ import annotations

import re

from analyzers.dictionaries import member_states

_SEPARATORS = re.compile(r"\s*(?:、|，|,|;|；|及|和|\band\b)\s*", re.IGNORECASE)


def parse_sponsors(text: str) -> tuple[str, ...]:
    """Canonical names of the States named in a sponsor list; unknown names are kept as written."""
    names: list[tuple[int, str]] = []
    pieces: list[str] = []
    last = 0
    for match in member_states.names_pattern().finditer(text):
        state = member_states.lookup(match.group())
        if state:
            names.append((match.start(), state.english))
            pieces.append(text[last : match.start()] + "\0")
            last = match.end()
    remaining = "".join(pieces) + text[last:]
    offset = 0
    for piece in _SEPARATORS.split(remaining):
        start = remaining.find(piece, offset) if piece else offset
        offset = start + len(piece)
        piece = piece.strip("\0 .。:：")
        if not piece or "\0" in piece:
            continue
        state = member_states.lookup(piece)
        names.append((start, state.english if state else piece))
    names.sort()
    return tuple(dict.fromkeys(name for _, name in names))


def canonical_sponsor(name: str) -> str:
    """The canonical name for a user's `--sponsor` value (`BLR`, `白俄罗斯`, `belarus`)."""
    state = member_states.lookup(name.strip())
    return state.english if state else name.strip()

"""What changed between two wordings, as a diff a person reads at a glance.

Chinese is compared character by character, Latin text word by word, after the analyzer's
normalisation (so `聯合國` against `联合国`, `２０１６` against `2016` or a PDF line break is not a
change). The parts carry the texts as written: joining the `equal` and `insert` parts gives back
the later text, and the `delete` parts are what the earlier one had instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from analyzers import normalize
from analyzers.scripts import CJK_RANGES

_CJK = CJK_RANGES
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|\S")


@dataclass
class DiffPart:
    op: str  # "equal", "delete" (only in the earlier text) or "insert" (only in the later one)
    text: str


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Comparison keys and the original text of each token (with the spacing that follows it)."""
    normalized = normalize(text)
    keys: list[str] = []
    starts: list[int] = []
    for match in _TOKEN.finditer(normalized.text):
        keys.append(match.group().lower())
        starts.append(normalized.original_span(match.start(), match.end())[0])
    if not starts:
        return [], [text] if text else []
    starts[0] = 0  # leading spacing belongs to the first token
    ends = [*starts[1:], len(text)]
    return keys, [text[start:end] for start, end in zip(starts, ends, strict=True)]


def diff(earlier: str, later: str) -> list[DiffPart]:
    """The parts of `earlier` kept, deleted and inserted to give `later`, adjacent parts merged."""
    old_keys, old_text = _tokens(earlier)
    new_keys, new_text = _tokens(later)
    parts: list[DiffPart] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1].text += text
        else:
            parts.append(DiffPart(op, text))

    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(new_text[j1:j2]))
        else:
            add("delete", "".join(old_text[i1:i2]))
            add("insert", "".join(new_text[j1:j2]))
    if not old_keys and not new_keys:
        add("equal", later)
    return parts


def changed_characters(parts: list[DiffPart]) -> tuple[int, int]:
    """How many characters were deleted and inserted, spacing aside."""
    deleted = sum(len("".join(p.text.split())) for p in parts if p.op == "delete")
    inserted = sum(len("".join(p.text.split())) for p in parts if p.op == "insert")
    return deleted, inserted

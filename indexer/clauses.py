"""A resolution's body paragraphs as clauses: preambular, operative, annex, or plain paragraphs.

- Preambular paragraphs come before the first numbered one (`P1`, `P2` ...); numbered ones are
  operative (`1`, `4(a)` for a lettered sub-paragraph).
- A resolution whose only operative paragraph is unnumbered (`Adopts the following political
  declaration ...:`) has it as operative `1`: it is the paragraph that closes the resolution's
  own part with something other than a preambular comma.
- An annex (a declaration, a programme of action) starts at a heading after the operative part
  (a bold line in a PDF; `Annex`, `附件` ... in text) or where numbering starts again at 1. Its
  paragraphs are of type `annex`, numbered `annex.1`, `annex.4(a)`, its unnumbered ones
  `annex.P1`: searchable and filterable, never counted as the resolution's operatives.
- Documents that are not resolutions or drafts (reports, notes, letters) have `paragraph`s,
  numbered as they print it or by order.
- Text after the last operative paragraph that is neither numbered nor lettered goes on that
  clause; its citations are found once for the whole clause at the end (linear in the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.citations import find_citations
from indexer.model import Clause
from indexer.verbs import leading_verb

OPERATIVE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*[.．]\s*(?=\S)")
SUB_PARAGRAPH = re.compile(r"^\s*\(([a-z]{1,4})\)\s*")
# A report's printed paragraph number: `12.`, `13.1.`, `IV.`, `A.`, or a fascicle's `12.1` with no
# final point (A/81/6 (Sect. 12)): UN style spells out a number that starts a sentence, so a
# paragraph opening with a decimal is numbered.
_REPORT_NUMBER = re.compile(r"^\s*(?:(\d{1,4}(?:\.\d{1,3})?|[IVXL]{1,6}|[A-Z])\s*[.．]|(\d{1,4}\.\d{1,3}))\s+(?=\S)")
ANNEX_HEADING = re.compile(r"^\s*(?:Annex(?:e|o)?|ANNEX|附件|Приложение|المرفق)(?:\s+[IVX\d]+)?\s*[.:：]?\s*$")
_PREAMBULAR_END = (",", "，", "،")


@dataclass
class Paragraph:
    text: str
    line: int
    heading: bool = False
    notes: tuple[str, ...] = ()


# A document of more paragraphs than this is refused (a file of 20 MB can hold a million lines).
MAX_PARAGRAPHS = 20_000


@dataclass
class _Draft:
    number: str
    type: str
    body: str
    notes: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # paragraphs that go on this clause, joined once


def _finish(drafts: list[_Draft]) -> tuple[Clause, ...]:
    clauses = []
    for draft in drafts:
        if draft.more:
            draft.body = " ".join([draft.body, *draft.more])
        verb, phrase = leading_verb(draft.body) if draft.type != "paragraph" else (None, None)
        clauses.append(
            Clause(draft.number, draft.type, draft.body, verb, phrase, find_citations(draft.body), tuple(draft.notes))
        )
    return tuple(clauses)


def _check_size(paragraphs: list[Paragraph]) -> None:
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ValueError(f"{len(paragraphs):,} paragraphs: more than the {MAX_PARAGRAPHS:,} a document may have")


def document_paragraphs(paragraphs: list[Paragraph]) -> tuple[Clause, ...]:
    """A report's or letter's paragraphs, numbered as printed (`12.`, `13.1`) or by order."""
    _check_size(paragraphs)
    drafts: list[_Draft] = []
    taken: set[str] = set()
    for ordinal, paragraph in enumerate(paragraphs, 1):
        printed = _REPORT_NUMBER.match(paragraph.text)
        number = (printed.group(1) or printed.group(2)) if printed else f"p{ordinal}"
        if number in taken:
            number = f"p{ordinal}"
        taken.add(number)
        body = paragraph.text[printed.end() :] if printed else paragraph.text
        drafts.append(_Draft(number, "paragraph", body, list(paragraph.notes)))
    return _finish(drafts)


def resolution_clauses(paragraphs: list[Paragraph]) -> tuple[Clause, ...]:
    """A resolution's or draft's body paragraphs as clauses (see the module docstring)."""
    _check_size(paragraphs)
    drafts: list[_Draft] = []
    preambular = 0
    operative: str | None = None
    in_annex = False
    annex_unnumbered = 0

    def close_own_part() -> None:
        # No numbered operative: the paragraph that ends the resolution's own part is its operative.
        last = drafts[-1] if drafts else None
        ends_preambular = last is not None and last.body.rstrip().endswith(_PREAMBULAR_END)
        if operative is None and last and last.type == "preambular" and not ends_preambular:
            last.number, last.type = "1", "operative"

    for paragraph in paragraphs:
        text = paragraph.text
        if paragraph.heading or ANNEX_HEADING.match(text):
            if drafts and not in_annex:
                close_own_part()
                in_annex, operative = True, None
            continue
        number_match = OPERATIVE_NUMBER.match(text)
        sub_match = SUB_PARAGRAPH.match(text)
        if number_match and not in_annex and operative is not None and int(number_match.group(1)) <= int(operative):
            in_annex, operative = True, None  # numbering starts again: an annexed text
        prefix = "annex." if in_annex else ""
        kind = "annex" if in_annex else "operative"
        if number_match:
            operative = number_match.group(1)
            drafts.append(_Draft(prefix + operative, kind, text[number_match.end() :], list(paragraph.notes)))
        elif sub_match and operative:
            number = f"{prefix}{operative}({sub_match.group(1)})"
            drafts.append(_Draft(number, kind, text[sub_match.end() :], list(paragraph.notes)))
        elif in_annex and operative is None:
            annex_unnumbered += 1
            drafts.append(_Draft(f"annex.P{annex_unnumbered}", "annex", text, list(paragraph.notes)))
        elif operative is None:
            preambular += 1
            drafts.append(_Draft(f"P{preambular}", "preambular", text, list(paragraph.notes)))
        else:
            # Neither numbered nor lettered after the operative part began: it goes on the last
            # clause rather than inventing one (joined once at the end, citations found once).
            drafts[-1].more.append(text)
            drafts[-1].notes.extend(paragraph.notes)
    if not in_annex:
        close_own_part()
    return _finish(drafts)

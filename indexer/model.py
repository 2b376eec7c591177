"""The document model every reader returns: a `Resolution` made of `Clause`s."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

# Resolutions and drafts have preambular and operative clauses (and annexes); the other kinds a
# masthead names (reports, notes, letters, other documents) have plain paragraphs.
KINDS = (
    "resolution",
    "draft resolution",
    "decision",
    "draft decision",
    "amendment",
    "report",
    "note",
    "letter",
    "document",
)
CLAUSE_TYPES = ("preambular", "operative", "annex", "paragraph")


@dataclass(frozen=True)
class Clause:
    """One paragraph of a resolution: `P3` (preambular), `4` or `4(a)` (operative)."""

    number: str
    type: str
    text: str
    verb: str | None = None
    verb_phrase: str | None = None
    citations: tuple[str, ...] = ()
    # The footnotes the paragraph's marks point to, their text (the marks are not in `text`).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A resolution, decision or draft, with the metadata read from its text or record."""

    symbol: str | None
    language: str
    kind: str
    session: int | None
    agenda_items: tuple[str, ...]
    title: str
    sponsors: tuple[str, ...]
    date: date | None
    text: str
    clauses: tuple[Clause, ...]
    source_path: str
    subjects: tuple[str, ...] = ()
    # The documents the resolution was adopted from, as its header names them (`A/73/L.35`,
    # `A/73/L.35/Add.1`, a committee report `A/73/589/Add.2`).
    origin: tuple[str, ...] = ()
    # Where `sponsors` came from when the text itself does not name them: the draft's symbol.
    sponsors_from: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def doc_id(self) -> str:
        """Unique key: language and symbol (`zh:A/RES/55/100`), or the file's name when the text
        prints no symbol (`zh:000_b19792f0abdd90de`); one symbol exists in several languages."""
        return f"{self.language}:{self.symbol or Path(self.source_path).stem}"

    @property
    def citations(self) -> tuple[str, ...]:
        """Every resolution cited by any clause, in order of first citation."""
        return tuple(dict.fromkeys(c for clause in self.clauses for c in clause.citations))

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def with_metadata(self, **changes: Any) -> Resolution:
        """A copy with record metadata filled in or overriding what the text gave."""
        return replace(self, **{k: v for k, v in changes.items() if v not in (None, (), "")})

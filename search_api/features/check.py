"""Check a draft: each paragraph marked agreed, edited or new, with its sources (issue 26).

- **agreed**: some adopted clause has the same wording, case, spacing, punctuation, script and the
  session-dependent parts aside (ordinal session numbers such as "seventy-third" or "第七十三届",
  and years). Its sources (the clauses worded so), how many resolutions used it, the first and
  the last use.
- **edited**: the nearest precedents (similarity at or above the threshold), each with the
  differences word by word (character by character in Chinese) and what was added, removed and
  replaced against the nearest.
- **new**: no precedent above the threshold; agreed phrases inside it (a run of 8 words, or 12
  Chinese characters, found verbatim in a clause) are still marked with their source.

The draft as a whole: the share of each verdict by paragraphs and by characters, the resolutions
it draws on most, and its predecessor (the latest resolution of the same title, before the draft's
session) set beside it paragraph by paragraph: kept, changed, added, removed, moved.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.model import Resolution
from indexer.records import compact_text, series_key
from indexer.similarity import SHINGLE_SIZE, shingle_hashes, shingles, units
from search_api.core.deadline import check_budget
from search_api.core.docsets import SnapshotCache
from search_api.core.parallel import add_parallels
from search_api.core.stored import records
from search_api.features.diff import diff
from search_api.features.lineage import clause_changes
from search_api.features.precedents import find_precedents
from search_api.models import SIMILARITY_THRESHOLD, Precedent, plain

# Bounds of one check: what a request may hand in, and the work a paragraph may cost.
MAX_DRAFT_PARAGRAPHS = 500
MAX_DRAFT_CHARACTERS = 2 * 1024 * 1024
SOURCES_CONSIDERED = 100  # precedents read for a paragraph (the uses of an agreed wording are counted among them)
SOURCES_SHOWN = 3  # for an edited paragraph
PHRASE_WORDS = 8  # an agreed phrase inside a new paragraph: this many Latin words ...
PHRASE_CHARACTERS = 12  # ... or this many Chinese characters, found verbatim
_ORDINAL_WORDS = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)(?:-(?:first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth))?|(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|"
    r"fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth)"
)
_SESSION_PARTS = re.compile(
    rf"\b(?:{_ORDINAL_WORDS})\b|第[零〇一二三四五六七八九十百]+届|\b(?:19|20)\d\d\b|\d+(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Against:
    """What a draft is checked against: precedents of these sessions (inclusive) and kinds."""

    session_from: int | None = None
    session_to: int | None = None
    kinds: tuple[str, ...] = ()

    def admits(self, precedent: Precedent) -> bool:
        session = precedent.session
        if (self.session_from is not None or self.session_to is not None) and session is None:
            return False
        if self.session_from is not None and session is not None and session < self.session_from:
            return False
        if self.session_to is not None and session is not None and session > self.session_to:
            return False
        return not self.kinds or precedent.kind in self.kinds


EVERYTHING = Against()


@dataclass
class Use:
    symbol: str
    doc_id: str
    number: str
    session: int | None
    date: str | None


@dataclass
class Phrase:
    text: str
    symbol: str
    doc_id: str
    number: str


@dataclass
class ParagraphCheck:
    number: str
    type: str
    text: str
    verdict: str  # "agreed", "edited" or "new"
    similarity: float  # of the nearest precedent (1.0 when agreed)
    sources: list[Precedent] = field(default_factory=list)
    uses: int = 0  # resolutions that used the agreed wording
    first_use: Use | None = None
    last_use: Use | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)  # against the nearest: added, removed, replaced
    phrases: list[Phrase] = field(default_factory=list)


@dataclass
class DraftCheck:
    symbol: str | None
    title: str
    language: str
    session: int | None
    paragraphs: list[ParagraphCheck]
    shares: dict[str, dict[str, float]]
    drawn_on: list[dict[str, Any]]
    predecessor: dict[str, Any] | None
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def agreed_key(text: str) -> str:
    """What two wordings must share to be the same agreed language."""
    return compact_text(_SESSION_PARTS.sub("#", text))


def _use(precedent: Precedent) -> Use:
    assert precedent.clause is not None
    return Use(precedent.symbol or "", precedent.doc_id, precedent.clause.number, precedent.session, precedent.date)


def _changes(parts: list[dict[str, str]]) -> dict[str, list[Any]]:
    """Added, removed and replaced wording, from a diff of the nearest precedent to the draft."""
    added: list[str] = []
    removed: list[str] = []
    replaced: list[list[str]] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if part["op"] == "delete" and following and following["op"] == "insert":
            replaced.append([part["text"].strip(), following["text"].strip()])
            index += 2
            continue
        if part["op"] == "insert" and part["text"].strip():
            added.append(part["text"].strip())
        elif part["op"] == "delete" and part["text"].strip():
            removed.append(part["text"].strip())
        index += 1
    return {"added": added, "removed": removed, "replaced": replaced}


def _phrases(cache: SnapshotCache, text: str, excluded: set[str]) -> list[Phrase]:
    """Agreed phrases inside a new paragraph: runs of units shared verbatim with the clauses that
    share the most shingles with it (three at most)."""
    wording = units(text)
    hashes = shingle_hashes(shingles(text))
    # A verbatim run of PHRASE_WORDS units holds this many shingles; CJK runs of PHRASE_CHARACTERS more.
    docs, shared, _ = cache.shared_shingles(hashes, PHRASE_WORDS - SHINGLE_SIZE + 1)
    if not len(docs):
        return []
    found: list[Phrase] = []
    covered: set[int] = set()
    for i in np.argsort(-shared, kind="stable")[:10].tolist():
        stored = cache.stored(int(docs[i]))
        if stored.get("doc_id") in excluded:
            continue
        other = units(stored.get("text", ""))
        matcher = SequenceMatcher(None, wording, other, autojunk=False)
        for block in matcher.get_matching_blocks():
            run = wording[block.a : block.a + block.size]
            cjk = sum(len(unit) == 1 and not unit.isascii() for unit in run)
            long_enough = block.size >= PHRASE_WORDS or cjk >= PHRASE_CHARACTERS
            if not long_enough or covered.issuperset(range(block.a, block.a + block.size)):
                continue
            covered.update(range(block.a, block.a + block.size))
            joined = "".join(run) if cjk * 2 > len(run) else " ".join(run)
            found.append(Phrase(joined, stored.get("symbol") or "", stored.get("doc_id", ""), stored.get("number", "")))
        if len(found) >= 3:
            break
    return found


def check_paragraph(
    searcher: Searcher,
    cache: SnapshotCache,
    number: str,
    kind: str,
    text: str,
    *,
    excluded: set[str],
    against: Against,
) -> ParagraphCheck:
    """One paragraph's verdict and sources (see the module docstring)."""
    check_budget()
    precedents, _ = find_precedents(
        searcher,
        cache,
        text,
        source=None,
        min_similarity=SIMILARITY_THRESHOLD,
        limit=SOURCES_CONSIDERED,
        include_later=True,
        with_diffs=False,
    )
    precedents = [p for p in precedents if p.doc_id not in excluded and against.admits(p)]
    key = agreed_key(text)
    agreed = [p for p in precedents if p.clause is not None and agreed_key(p.clause.text) == key]
    for shown in (agreed or precedents)[:SOURCES_SHOWN]:  # diffs only of the sources shown
        if shown.clause is not None:
            shown.diff = [asdict(part) for part in diff(shown.clause.text, text)]
    if agreed:
        chronological = sorted(agreed, key=lambda p: (p.date or "", p.session or 0))
        return ParagraphCheck(
            number,
            kind,
            text,
            "agreed",
            1.0,
            agreed[:SOURCES_SHOWN],
            len({p.symbol or p.doc_id for p in agreed}),
            _use(chronological[0]),
            _use(chronological[-1]),
        )
    if precedents:
        nearest = precedents[0]
        return ParagraphCheck(
            number,
            kind,
            text,
            "edited",
            nearest.similarity,
            precedents[:SOURCES_SHOWN],
            changes=_changes(nearest.diff),
        )
    return ParagraphCheck(number, kind, text, "new", 0.0, phrases=_phrases(cache, text, excluded))


def _shares(paragraphs: list[ParagraphCheck]) -> dict[str, dict[str, float]]:
    characters = sum(len(p.text) for p in paragraphs) or 1
    count = len(paragraphs) or 1
    return {
        verdict: {
            "paragraphs": round(sum(p.verdict == verdict for p in paragraphs) / count, 4),
            "characters": round(sum(len(p.text) for p in paragraphs if p.verdict == verdict) / characters, 4),
        }
        for verdict in ("agreed", "edited", "new")
    }


def _drawn_on(paragraphs: list[ParagraphCheck]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for paragraph in paragraphs:
        resolutions = {(p.doc_id, p.symbol or p.doc_id, p.title) for p in paragraph.sources}
        counts.update(resolutions)
    return [
        {"doc_id": doc_id, "symbol": symbol, "title": title, "paragraphs": n}
        for (doc_id, symbol, title), n in counts.most_common(5)
    ]


def _predecessor(searcher: Searcher, draft: Resolution, excluded: set[str]) -> dict[str, Any] | None:
    """The latest resolution of the draft's title before its session, set beside it."""
    key = series_key(draft.language, draft.title)
    if not key:
        return None
    same_title = [
        stored
        for stored in records(searcher, "document", series=key)
        if stored.get("doc_id") not in excluded
        and stored.get("kind") == "resolution"
        and (draft.session is None or (stored.get("session") or 0) < draft.session)
    ]
    if not same_title:
        return None
    latest = max(same_title, key=lambda stored: (stored.get("session") or 0, stored.get("date") or ""))
    mine = [{"number": c.number, "type": c.type, "text": c.text} for c in draft.clauses]
    changes = clause_changes(latest, {"clauses_json": json.dumps(mine, ensure_ascii=False)})
    _mark_moves(changes, latest)
    return {
        "doc_id": latest["doc_id"],
        "symbol": latest.get("symbol"),
        "session": latest.get("session"),
        "date": latest.get("date"),
        "changes": [asdict(change) for change in changes],
    }


def _mark_moves(changes: list[Any], earlier: dict[str, Any]) -> None:
    """A kept or changed paragraph that stands before one it followed in the predecessor moved."""
    order = {c["number"]: i for i, c in enumerate(json.loads(earlier.get("clauses_json") or "[]"))}
    # Positions in the predecessor of the draft's own paragraphs, in the draft's order (removed
    # paragraphs, listed last, are no one's neighbours).
    positions = [order.get(change.previous_number, -1) if change.number else -1 for change in changes]
    for index, change in enumerate(changes):
        if not change.previous_number:
            continue
        before = [p for p in positions[:index] if p >= 0]
        after = [p for p in positions[index + 1 :] if p >= 0]
        here = positions[index]
        if (before and max(before) > here) and (not after or min(after) > here):
            change.change = "moved"


def check_draft(
    searcher: Searcher,
    cache: SnapshotCache,
    draft: Resolution,
    *,
    parallel: tuple[str, ...] = (),
    against: Against = EVERYTHING,
) -> DraftCheck:
    """Every paragraph of `draft` checked against the index (see the module docstring)."""
    if len(draft.clauses) > MAX_DRAFT_PARAGRAPHS:
        raise ValueError(f"{len(draft.clauses)} paragraphs: a draft may have {MAX_DRAFT_PARAGRAPHS}")
    # The draft itself, where it is indexed, is not its own precedent.
    excluded = {draft.doc_id}
    if draft.symbol:
        excluded |= {s.get("doc_id", "") for s in records(searcher, "document", symbol=draft.symbol)}
    paragraphs = [
        check_paragraph(
            searcher,
            cache,
            clause.number,
            clause.type,
            clause.text,
            excluded=excluded,
            against=against,
        )
        for clause in draft.clauses
        if clause.text.strip()
    ]
    if parallel:
        add_parallels(searcher, [source for p in paragraphs for source in p.sources], parallel)
    return DraftCheck(
        draft.symbol,
        draft.title,
        draft.language,
        draft.session,
        paragraphs,
        _shares(paragraphs),
        _drawn_on(paragraphs),
        _predecessor(searcher, draft, excluded),
    )

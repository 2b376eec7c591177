"""The lineage of a resolution: the series it belongs to, session after session, and what changed.

A resolution joins the series of another when
- it has the same title in the same language (the index's `series` key), or
- it cites it as a predecessor: in a clause that names the series' title ("recalling its
  resolutions 64/256 ... on cooperation between the United Nations and the Collective Security
  Treaty Organization"), in the clause where the series' members cite each other (each
  "Question of Gibraltar" decision recalls the previous year's in its first paragraph), or in a
  run of at least `MIN_RUN` citations with one resolution a session, sessions at most `MAX_GAP`
  apart, up to the citing one ("Recalling its resolutions 69/32 of 2 December 2014, 70/27 ...
  and 79/20": a series recital; two citations of one session make it a list of related texts).

Predecessors cited but not in the index are steps too, marked as such: the seed draft of
session 73 shows 64/256, 65/122, 67/6, 69/12 and 71/12 before it. Each indexed step says what
changed since the previous indexed one: clauses unchanged, edited (with the diff), added and
removed, paired by wording similarity, and sponsors gained and lost.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import asdict
from typing import Any

from whoosh.searching import Searcher

from indexer.records import compact_text, series_key
from indexer.similarity import jaccard, shingles
from search_api.core.stored import records, tags
from search_api.features.diff import diff
from search_api.links import official_link
from search_api.models import SIMILARITY_THRESHOLD, ClauseChange, LineageStep

MAX_STEPS = 60
MIN_RUN = 3
MAX_GAP = 3
_SESSION = re.compile(r"^[A-Z]+/[A-Z]+/(\d+)/")


def _kind_prefix(symbol: str | None) -> str:
    return "/".join(symbol.split("/")[:2]) if symbol else ""


def _session_of(symbol: str) -> int | None:
    match = _SESSION.match(symbol)
    return int(match.group(1)) if match else None


def _session_run(symbols: list[str], prefix: str, session: int | None) -> list[str]:
    """The citations forming a series recital (see the module docstring), else none."""
    by_session: dict[int, list[str]] = {}
    for symbol in symbols:
        cited_session = _session_of(symbol)
        if cited_session is not None and _kind_prefix(symbol) == prefix:
            by_session.setdefault(cited_session, []).append(symbol)
    run: list[int] = []
    for cited_session in sorted(by_session, reverse=True):
        last = run[-1] if run else session
        if last is not None and not 0 < last - cited_session <= MAX_GAP:
            break
        run.append(cited_session)
    if len(run) < MIN_RUN or any(len(by_session[s]) > 1 for s in run):
        return []
    return [by_session[s][0] for s in run]


def _clauses(stored: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(stored.get("clauses_json") or "[]")


def _order(stored: dict[str, Any]) -> tuple[int, str, str]:
    return (stored.get("session") or 0, stored.get("date") or "", stored.get("symbol") or stored["doc_id"])


class _Series:
    """The members found so far and the cited predecessors that are not in the index."""

    def __init__(self, searcher: Searcher, start: dict[str, Any]) -> None:
        self.searcher = searcher
        self.language = start.get("language", "")
        self.members: dict[str, dict[str, Any]] = {}
        self.links: dict[str, str] = {start["doc_id"]: "this resolution"}
        self.missing: dict[str, str] = {}  # symbol -> the member citing it
        self.titles: set[str] = set()

    def find_symbol(self, symbol: str) -> dict[str, Any] | None:
        found = list(records(self.searcher, "document", symbol=symbol))
        found.sort(key=lambda d: d.get("language") != self.language)
        return found[0] if found else None

    def same_title(self, stored: dict[str, Any]) -> list[dict[str, Any]]:
        key = series_key(stored.get("language", ""), stored.get("title", ""))
        return list(records(self.searcher, "document", series=key)) if key else []

    def predecessor_citations(self, stored: dict[str, Any], link_clauses: set[str]) -> list[str]:
        """Symbols `stored` cites as its series' predecessors (see the module docstring)."""
        own_prefix = _kind_prefix(stored.get("symbol"))
        session = stored.get("session")
        cited: list[str] = []
        for clause in _clauses(stored):
            citations = clause.get("citations", [])
            names_title = any(title and title in compact_text(clause["text"]) for title in self.titles)
            if not (names_title or clause["number"] in link_clauses):
                cited.extend(_session_run(citations, own_prefix or "A/RES", session))
                continue
            for symbol in citations:
                earlier = session is None or (_session_of(symbol) or 0) < session
                if earlier and (not own_prefix or _kind_prefix(symbol) == own_prefix):
                    cited.append(symbol)
        return list(dict.fromkeys(cited))


def _link_clauses(series: _Series) -> set[str]:
    """The clauses in which members cite other members: where this series cites predecessors."""
    symbols = {m.get("symbol") for m in series.members.values() if m.get("symbol")}
    return {
        clause["number"]
        for stored in series.members.values()
        for clause in _clauses(stored)
        if symbols & set(clause.get("citations", []))
    }


def find_series(searcher: Searcher, start: dict[str, Any]) -> _Series:
    """Walk from `start` through same-title and predecessor links, both ways."""
    series = _Series(searcher, start)
    queue: deque[dict[str, Any]] = deque([start])
    while queue and len(series.members) < MAX_STEPS:
        stored = queue.popleft()
        if stored["doc_id"] in series.members:
            continue
        series.members[stored["doc_id"]] = stored
        series.titles.add(compact_text(stored.get("title", "")))
        for other in series.same_title(stored):
            series.links.setdefault(other["doc_id"], "same title")
            queue.append(other)
        for symbol in series.predecessor_citations(stored, set()):
            found = series.find_symbol(symbol)
            if found is not None:
                series.links.setdefault(found["doc_id"], f"cited by {stored.get('symbol') or stored['doc_id']}")
                queue.append(found)
        if stored.get("symbol"):
            for citing in records(searcher, "document", cites=stored["symbol"]):
                if stored["symbol"] in series.predecessor_citations(citing, set()):
                    series.links.setdefault(citing["doc_id"], f"cites {stored['symbol']}")
                    queue.append(citing)
    # Once the members are known, the clauses where they cite each other point at the
    # predecessors the index does not hold (or holds under another title).
    link_clauses = _link_clauses(series)
    indexed = {m.get("symbol") for m in series.members.values()}
    for stored in sorted(series.members.values(), key=_order):
        for symbol in series.predecessor_citations(stored, link_clauses):
            if symbol in indexed or symbol in series.missing:
                continue
            found = series.find_symbol(symbol)
            citing = stored.get("symbol") or stored["doc_id"]
            if found is None:
                series.missing[symbol] = citing
            elif found["doc_id"] not in series.members:
                series.members[found["doc_id"]] = found
                series.links[found["doc_id"]] = f"cited by {citing}"
    return series


def clause_changes(earlier: dict[str, Any], later: dict[str, Any]) -> list[ClauseChange]:
    """Pair the clauses of two resolutions by wording (best pairs first) and say what changed."""
    old = _clauses(earlier)
    new = _clauses(later)
    old_sets = [shingles(c["text"]) for c in old]
    new_sets = [shingles(c["text"]) for c in new]
    pairs = sorted(
        (
            (jaccard(a, b), i, j)
            for i, a in enumerate(old_sets)
            for j, b in enumerate(new_sets)
            if a & b  # cheap pre-check: most pairs share nothing
        ),
        reverse=True,
    )
    matched_old: dict[int, tuple[int, float]] = {}
    matched_new: set[int] = set()
    for similarity, i, j in pairs:
        if similarity < SIMILARITY_THRESHOLD:
            break
        if i not in matched_old and j not in matched_new:
            matched_old[i] = (j, similarity)
            matched_new.add(j)
    by_new = {j: (i, s) for i, (j, s) in matched_old.items()}
    changes: list[ClauseChange] = []
    for j, clause in enumerate(new):
        if j in by_new:
            i, similarity = by_new[j]
            parts = diff(old[i]["text"], clause["text"])
            edited = any(p.op != "equal" for p in parts)
            changes.append(
                ClauseChange(
                    clause["number"],
                    old[i]["number"],
                    "edited" if edited else "unchanged",
                    round(similarity, 4),
                    [asdict(p) for p in parts] if edited else [],
                )
            )
        else:
            changes.append(ClauseChange(clause["number"], "", "added", 0.0, [{"op": "insert", "text": clause["text"]}]))
    for i, clause in enumerate(old):
        if i not in matched_old:
            removed = [{"op": "delete", "text": clause["text"]}]
            changes.append(ClauseChange("", clause["number"], "removed", 0.0, removed))
    return changes


def lineage_steps(searcher: Searcher, start: dict[str, Any]) -> list[LineageStep]:
    """The series of `start`, oldest first, each indexed step compared with the previous one."""
    series = find_series(searcher, start)
    steps: list[tuple[tuple[int, str, str], LineageStep]] = []
    for symbol, cited_by in series.missing.items():
        step = LineageStep(symbol, None, "", _session_of(symbol), None, f"cited by {cited_by}; not in the index")
        step.url = official_link(symbol)
        steps.append(((step.session or 0, "", symbol), step))
    previous: dict[str, Any] | None = None
    for stored in sorted(series.members.values(), key=_order):
        step = LineageStep(
            stored.get("symbol") or stored["doc_id"],
            stored["doc_id"],
            stored.get("title", ""),
            stored.get("session"),
            stored.get("date"),
            series.links.get(stored["doc_id"], "same title"),
        )
        if previous is not None:
            before, after = tags(previous.get("sponsor")), tags(stored.get("sponsor"))
            step.sponsors_added = [s for s in after if s not in before]
            step.sponsors_removed = [s for s in before if s not in after]
            changes = clause_changes(previous, stored)
            step.changes = [c for c in changes if c.change != "unchanged"]
            counts = {"unchanged": 0, "edited": 0, "added": 0, "removed": 0}
            for change in changes:
                counts[change.change] += 1
            step.summary = counts
        previous = stored
        steps.append((_order(stored), step))
    steps.sort(key=lambda item: item[0])
    return [step for _, step in steps]

"""Sponsors from the draft: an adopted resolution's text names no sponsors, its draft does.

An adopted resolution's header names the draft it was adopted from (`origin`, e.g.
`[without reference to a Main Committee (A/73/L.35 and A/73/L.35/Add.1)]`); the draft's header
names its sponsors (`白俄罗斯和哈萨克斯坦：决议草案`). After each indexing run, every resolution
whose text names no sponsors of its own gets those of the drafts in the index that it names, and
`sponsors_from` records which draft they came from. The join runs on the committed index, so it
holds whatever order the draft and the resolution were indexed in, and a later run repairs it
when either changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from whoosh.index import Index

from indexer.errors import DocumentError
from indexer.model import Resolution
from indexer.records import split_tags

DRAFT_KINDS = ("draft resolution", "draft decision")


def _tags(value: str | None) -> tuple[str, ...]:
    return tuple(split_tags(value))


def draft_sponsors(stored: list[dict[str, object]]) -> dict[str, tuple[str, ...]]:
    """symbol -> sponsors of every draft in the index that names its sponsors."""
    drafts: dict[str, tuple[str, ...]] = {}
    for fields in stored:
        sponsors = _tags(str(fields.get("sponsor", "")))
        if fields.get("kind") in DRAFT_KINDS and fields.get("symbol") and sponsors:
            drafts.setdefault(str(fields["symbol"]), sponsors)
    return drafts


def wanted_sponsors(origin: tuple[str, ...], drafts: dict[str, tuple[str, ...]]) -> tuple[tuple[str, ...], str]:
    """(sponsors, the drafts they came from) for a resolution adopted from `origin`."""
    found = [symbol for symbol in origin if symbol in drafts]
    sponsors = tuple(dict.fromkeys(name for symbol in found for name in drafts[symbol]))
    return sponsors, ", ".join(found)


Reindex = Callable[[dict[str, object], Callable[[Resolution], Resolution]], DocumentError | None]


def join_draft_sponsors(ix: Index, reindex: Reindex) -> list[DocumentError]:
    """Give every resolution without sponsors of its own its drafts' sponsors; `reindex(stored,
    change)` replaces the records of the document stored as `stored` by its file's, with `change`
    applied to the resolution. Returns the files that could not be read again."""
    with ix.searcher() as searcher:
        stored = [dict(fields) for fields in searcher.documents(level="document")]
    drafts = draft_sponsors(stored)
    failures: list[DocumentError] = []
    for fields in stored:
        origin = _tags(str(fields.get("origin", "")))
        own = _tags(str(fields.get("sponsor", ""))) if not fields.get("sponsors_from") else ()
        if not origin or own or fields.get("kind") in DRAFT_KINDS:
            continue
        sponsors, source = wanted_sponsors(origin, drafts)
        if sponsors == _tags(str(fields.get("sponsor", ""))) and source == (fields.get("sponsors_from") or ""):
            continue

        def change(resolution: Resolution, sponsors: tuple[str, ...] = sponsors, source: str = source) -> Resolution:
            return replace(resolution, sponsors=sponsors, sponsors_from=source)

        error = reindex(fields, change)
        if error is not None:
            failures.append(error)
    return failures

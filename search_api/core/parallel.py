"""A resolution's versions in other languages, clause by clause.

Documents with the same symbol in several languages are one resolution in several languages.
Their clauses are aligned by number: preambular paragraphs by their order (they carry no printed
number; `P3` is the third), operative paragraphs by number and sub-letter (`4`, `4(a)`). Where
the two versions do not have the same clauses (a preamble split differently, a paragraph only in
one), the clauses of that part are aligned by order instead, and the alignment says so:
`aligned: "order"` instead of `"number"`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from whoosh.searching import Searcher

from search_api.core.stored import record, records
from search_api.models import ClauseView


@dataclass(frozen=True)
class Version:
    """One other-language version of a resolution, aligned with the asked-for one."""

    language: str
    doc_id: str
    aligned: str  # "number" or "order"
    clauses: dict[str, dict[str, str]]  # the asked-for clause's number -> {"number", "text"}


def _stored_clauses(document: dict[str, Any]) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = json.loads(document.get("clauses_json") or "[]")
    return clauses


def _parts(clauses: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    preamble = [c for c in clauses if c.get("type") == "preambular"]
    return preamble, [c for c in clauses if c.get("type") != "preambular"]


def align(source: list[dict[str, Any]], target: list[dict[str, Any]]) -> tuple[dict[str, dict[str, str]], str]:
    """Each source clause number -> its target clause (`number`, `text`), and how they were
    aligned: "number", or "order" where a part's clauses differ (see the module docstring)."""
    source_preamble, source_body = _parts(source)
    target_preamble, target_body = _parts(target)
    aligned = "number"
    pairs: dict[str, dict[str, str]] = {}
    if len(source_preamble) != len(target_preamble):
        aligned = "order"
    for ours, theirs in zip(source_preamble, target_preamble, strict=False):
        pairs[ours["number"]] = {"number": theirs["number"], "text": theirs["text"]}
    by_number = {c["number"]: c for c in target_body}
    if [c["number"] for c in source_body] == [c["number"] for c in target_body]:
        matched = [(c, by_number[c["number"]]) for c in source_body]
    else:
        aligned = "order"
        matched = list(zip(source_body, target_body, strict=False))
    for ours, theirs in matched:
        pairs[ours["number"]] = {"number": theirs["number"], "text": theirs["text"]}
    return pairs, aligned


def versions(searcher: Searcher, document: dict[str, Any], languages: tuple[str, ...]) -> dict[str, Version]:
    """The resolution's versions in `languages` that the index holds (not its own language)."""
    symbol = document.get("symbol")
    if not symbol or not languages:
        return {}
    found: dict[str, Version] = {}
    own = _stored_clauses(document)
    for other in records(searcher, "document", symbol=symbol):
        language = other.get("language", "")
        if language in languages and other["doc_id"] != document["doc_id"] and language not in found:
            clauses, aligned = align(own, _stored_clauses(other))
            found[language] = Version(language, other["doc_id"], aligned, clauses)
    return found


def clause_parallels(number: str, found: dict[str, Version]) -> dict[str, dict[str, str]]:
    """`{language: {"number", "text"}}` for one clause, the languages where it has a counterpart."""
    return {language: version.clauses[number] for language, version in found.items() if number in version.clauses}


def version_summaries(found: dict[str, Version]) -> dict[str, dict[str, str]]:
    """`{language: {"doc_id", "aligned"}}`: which document each language came from, and how."""
    return {language: {"doc_id": v.doc_id, "aligned": v.aligned} for language, v in found.items()}


class ClauseOf(Protocol):
    """A clause with the resolution it belongs to: a search hit or a precedent."""

    @property
    def doc_id(self) -> str: ...

    @property
    def clause(self) -> ClauseView | None: ...


def add_parallels(searcher: Searcher, hits: Sequence[ClauseOf], languages: tuple[str, ...]) -> None:
    """Give each clause (hit or precedent) its counterparts in `languages` (`.clause.parallel`)."""
    found: dict[str, dict[str, Version]] = {}
    for hit in hits:
        if hit.clause is None:
            continue
        if hit.doc_id not in found:
            document = record(searcher, "document", doc_id=hit.doc_id)
            found[hit.doc_id] = versions(searcher, document, languages) if document else {}
        hit.clause.parallel = clause_parallels(hit.clause.number, found[hit.doc_id])

"""Resolutions by symbol, id or file name: the document view, a stored clause, and completions.

Each function works on the searcher (and snapshot caches) that the engine holds for the call.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from analyzers import normalize_text
from search_api.core.docsets import SnapshotCache
from search_api.core.evaluate import Evaluator
from search_api.core.parallel import clause_parallels, version_summaries, versions
from search_api.core.query import quoted_query
from search_api.core.stored import record, records, resolution_fields, tags, with_resolution
from search_api.errors import NotFoundError
from search_api.links import official_link, official_links
from search_api.models import ClauseView, DocumentView

LANGUAGES_BY_PREFERENCE = ("zh", "en", "zh-Hant", "ar", "es", "fr", "ru")
MAX_COMPLETION_TERMS = 500


def find_document(searcher: Searcher, key: str) -> dict[str, Any]:
    """A resolution's stored document record by document id (`zh:A/RES/55/100`), symbol (the
    Chinese version first) or file name, with or without its suffix; `NotFoundError` if none."""
    key = key.strip()
    if not key:
        raise NotFoundError("no document: give a symbol, a document id or a file name")
    direct = record(searcher, "document", doc_id=key)
    if direct:
        return direct
    for candidate in (key, key.upper(), *_short_forms(key)):
        matches = list(records(searcher, "document", symbol=candidate))
        if matches:
            matches.sort(key=lambda d: {"zh": 0, "en": 1}.get(d.get("language", ""), 2))
            return matches[0]
    # A document without a symbol is known by its language and file name (`000_b19792f0abdd90de`).
    names = dict.fromkeys((key, Path(key).stem if "/" not in key else key))
    for name in names:
        for language in LANGUAGES_BY_PREFERENCE:
            found = record(searcher, "document", doc_id=f"{language}:{name}")
            if found:
                return found
    raise NotFoundError(f"no document {key!r} in the index")


def _short_forms(key: str) -> tuple[str, ...]:
    """A symbol as people write it in passing: `80/20` is A/RES/80/20, `73/L.35` is A/73/L.35."""
    if re.fullmatch(r"\d{1,3}/\d{1,4}(?:\s*\([IVXLC]+\))?", key):
        return ("A/RES/" + re.sub(r"\s+", "", key),)
    if re.fullmatch(r"\d{1,3}/L\.\d+(?:/[A-Za-z]+\.\d+)*", key, re.IGNORECASE):
        return (f"A/{key}",)
    return ()


def document_view(searcher: Searcher, key: str, parallel: tuple[str, ...] = ()) -> DocumentView:
    """One resolution with its clauses, citations, the resolutions citing it and its versions in
    other languages; with `parallel`, each clause with its counterpart in those languages."""
    stored = find_document(searcher, key)
    found = versions(searcher, stored, parallel)
    symbol = stored.get("symbol") or None
    cited_by: list[dict[str, Any]] = []
    others: list[str] = []
    if symbol:
        for citing in records(searcher, "document", cites=symbol):
            cited_by.append(
                {
                    "doc_id": citing["doc_id"],
                    "symbol": citing.get("symbol"),
                    "title": citing.get("title"),
                    "language": citing.get("language"),
                }
            )
        others = sorted(
            d["doc_id"] for d in records(searcher, "document", symbol=symbol) if d["doc_id"] != stored["doc_id"]
        )
    clauses = [
        ClauseView(
            c["number"],
            c["type"],
            c.get("verb"),
            c["text"],
            c.get("verb_phrase"),
            c.get("citations", []),
            c.get("notes", []),
            clause_parallels(c["number"], found),
        )
        for c in json.loads(stored.get("clauses_json") or "[]")
    ]
    return DocumentView(
        **resolution_fields(stored),
        source=Path(stored.get("source", "")).name,
        clauses=clauses,
        citations=tags(stored.get("cites")),
        cited_by=cited_by,
        other_languages=others,
        parallel=version_summaries(found),
        ocr=stored.get("ocr"),
        links=official_links(symbol, stored.get("language")),
        citation_links=[citation_link(searcher, cited, stored.get("language")) for cited in tags(stored.get("cites"))],
    )


def citation_link(searcher: Searcher, symbol: str, language: str | None) -> dict[str, Any]:
    """A cited symbol, whether the index holds it (and as which document: the citing document's
    language first), and its official PDF, so a reader knows before following it."""
    held = sorted(records(searcher, "document", symbol=symbol), key=lambda d: d.get("language") != language)
    return {
        "symbol": symbol,
        "indexed": bool(held),
        "doc_id": held[0]["doc_id"] if held else None,
        "url": official_link(symbol, language),
    }


def stored_clause(searcher: Searcher, key: str, number: str) -> dict[str, Any]:
    """Clause `number` (`P3`, `4`, `4(a)`) of a resolution, with its resolution's fields."""
    document = find_document(searcher, key)
    wanted = (number.strip(), number.strip().upper())
    clauses = records(searcher, "clause", doc_id=document["doc_id"])
    clause = next((c for c in clauses if c.get("number") in wanted), None)
    if not clause:
        raise NotFoundError(f"{document.get('symbol') or document['doc_id']} has no clause {number!r}")
    return with_resolution(clause, document)


def suggestions(searcher: Searcher, cache: SnapshotCache, prefix: str, limit: int) -> list[dict[str, Any]]:
    """Indexed words starting with `prefix`, the commonest first, then titles containing it."""
    prefix = normalize_text(prefix).strip().lower()
    if not prefix:
        return []
    reader = searcher.reader()
    terms = []
    for term in reader.expand_prefix("text", prefix):
        word = term.decode("utf-8") if isinstance(term, bytes) else term
        terms.append((reader.doc_frequency("text", word), word))
        if len(terms) >= MAX_COMPLETION_TERMS:
            break
    terms.sort(key=lambda pair: (-pair[0], pair[1]))
    out: list[dict[str, Any]] = [{"text": word, "kind": "term", "count": count} for count, word in terms[:limit]]
    # The prefix is text, not query syntax: build the title phrase directly.
    title_query = quoted_query(prefix, "title")
    titles: list[dict[str, Any]] = []
    if title_query is not None:  # the one evaluator, as for searches; document records only
        found = Evaluator(searcher, cache.postings).run(title_query)
        keep = cache.mask(wq.Term("level", "document"))[found.docs]
        docs, scores = found.docs[keep], found.scores[keep]
        titles = [searcher.stored_fields(int(docs[i])) for i in np.lexsort((docs, -scores))[:limit]]
    seen: set[str] = set()
    for hit in titles:
        title = hit.get("title", "")
        if title and title not in seen and prefix in normalize_text(title).lower():
            seen.add(title)
            out.append({"text": title, "kind": "title", "doc_id": hit["doc_id"]})
    return out[: limit * 2]

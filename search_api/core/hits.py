"""A search hit as the API shows it: its resolution's fields, the clause, highlights and, at the
document level, the resolution's best clauses as snippets; and facet counts as facet results."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from search_api.core.docsets import SnapshotCache
from search_api.core.facet_counts import FacetCounts
from search_api.core.highlight import match_spans, snippet
from search_api.core.stored import clause_view, resolution_fields
from search_api.facets import FacetDefinition
from search_api.labels import facet_label
from search_api.models import FacetResult, FacetValue, Hit, SearchRequest


class StoredHit:
    """The few things `render_hit` reads from a Whoosh hit: stored fields (with the resolution's) and
    score (None if sorted)."""

    def __init__(self, cache: SnapshotCache, docnum: int, score: float | None) -> None:
        self._fields = cache.stored(docnum)
        self.docnum = docnum
        self.score = score
        self.best_clauses: list[tuple[int, float]] = []  # (docnum, score): a resolution's snippets

    def fields(self) -> dict[str, Any]:
        return self._fields


def render_hit(
    searcher: Searcher,
    hit: StoredHit,
    q: wq.Query | None,
    terms: tuple[set[str], list[tuple[str, list[str]]]],
    request: SearchRequest,
) -> Hit:
    fields = hit.fields()
    words, phrases = terms
    text = fields.get("text", "")
    clause = None
    snippets: list[dict[str, Any]] = []
    if request.level == "clause":
        clause = clause_view(fields)
        spans = match_spans(text, words, phrases) if request.highlight else []
        highlight = snippet(text, spans)
    else:
        spans = []
        snippets = _snippets(searcher, hit.best_clauses, words, phrases)
        highlight = snippets[0]["highlight"] if snippets else snippet(text.replace("\u2029", " "), [])
    return Hit(
        **resolution_fields(fields),
        clause=clause,
        highlight=highlight,
        highlight_spans=spans,
        score=_score(hit.score),
        snippets=snippets,
    )


def _snippets(
    searcher: Searcher, clauses: list[tuple[int, float]], words: set[str], phrases: list[tuple[str, list[str]]]
) -> list[dict[str, Any]]:
    out = []
    for docnum, score in clauses:
        fields = searcher.stored_fields(docnum)
        text = fields.get("text", "")
        out.append(
            {
                "number": fields.get("number"),
                "type": fields.get("clause_type"),
                "highlight": snippet(text, match_spans(text, words, phrases)),
                "score": round(score, 4),
            }
        )
    return out


def facet_result(facet: FacetDefinition, counts: FacetCounts, limit: int, english: bool) -> FacetResult:
    """The `limit` commonest values (ties in value order), labelled, and how many values there are.
    Only the values that can be among them are sorted and made objects (`FacetCounts.top`)."""
    candidates, total = counts.top(facet, limit)
    named = sorted(((_text(value), count) for value, count in candidates), key=lambda pair: (-pair[1], str(pair[0])))
    lang = "en" if english else "zh"
    shown = [FacetValue(value, count, facet_label(facet.name, value, lang)) for value, count in named[:limit]]
    return FacetResult(facet.label_en if english else facet.label_zh, shown, total)


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _score(value: object) -> float:
    # Sorted (not ranked) results carry their sort key in `score`: no relevance to report.
    return round(float(value), 4) if isinstance(value, (int, float)) else 0.0

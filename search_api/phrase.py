"""Exact phrases without Whoosh's span machinery, where Whoosh runs a query itself.

A search evaluates phrases with arrays (search_api/evaluate.py); these query classes are what
the parser produces and what Whoosh's own searches run (title suggestions).

Whoosh matches a `Phrase` through `SpanNear2`, which builds and compares span objects for every
document that has all the terms: 3 s for a quoted ten-bigram formula on 100k clauses. A phrase
here is the same set of documents found more directly: the terms' postings are intersected by
leapfrogging (rarest first, `skip_to` jumps whole blocks), and in each document they share, the
phrase is there if some start position `p` has term `i` at `p + i` for every `i`, which is a few
set intersections of positions. A phrase scores as one term would (BM25F of its occurrences,
see `ExactPhrase._scores`), not as the sum of its words' scores.

A one-character string is a `Character`: the `chars` field indexes bigrams (analyzers/
tokenizer.py), so the character is every gram that starts with it, a prefix; the array
evaluation scores it as one term.

A quoted Chinese string is `RankedPhrase(bigram phrase, word phrase)`: the bigrams decide which
clauses match and the words only add to the score, so the word phrase is looked for in the
matching clauses only, not in the whole index.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import log
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.searching import Searcher

Matches = tuple[list[int], list[float]]


class Character(wq.Prefix):
    """Every occurrence of one character in the `chars` field: the grams starting with it,
    scored as one term would be (its occurrences in each clause, the clauses having any)."""

    def __init__(self, char: str, boost: float = 1.0) -> None:
        super().__init__("chars", char, boost=boost)

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        weighting = context.weighting if context is not None else searcher.weighting
        grams = list(searcher.reader().expand_prefix(self.fieldname, self.text))
        counts: dict[int, float] = {}
        for gram in grams:
            postings = searcher.reader().postings(self.fieldname, gram)
            while postings.is_active():
                counts[postings.id()] = counts.get(postings.id(), 0.0) + postings.weight()
                postings.next()
        if not counts:
            return matching.NullMatcher()
        ids = sorted(counts)
        if weighting is None:
            return matching.ListMatcher(ids, weights=[1.0] * len(ids))
        scorer = weighting.scorer(searcher, self.fieldname, grams[0], qf=self.boost)
        if hasattr(scorer, "idf"):  # the rarity of the character in the whole index, not of one gram
            top = searcher.get_parent()
            having: set[int] = set()
            for gram in top.reader().expand_prefix(self.fieldname, self.text):
                having.update(top.reader().postings(self.fieldname, gram).all_ids())
            scorer.idf = log(top.doc_count_all() / (len(having) + 1)) + 1  # Weighting.idf's formula
        found = matching.ListMatcher(ids, weights=[counts[d] for d in ids])
        scores: list[float] = []
        while found.is_active():
            scores.append(scorer.score(found) * self.boost)
            found.next()
        return matching.ListMatcher(ids, weights=scores)


def char_query(grams: list[str]) -> wq.Query:
    """The `chars` query for a string's query-time grams: one character, one bigram, or the
    phrase of its bigrams."""
    if len(grams) > 1:
        return ExactPhrase("chars", grams)
    return Character(grams[0]) if len(grams[0]) == 1 else wq.Term("chars", grams[0])


class ExactPhrase(wq.Phrase):
    """`Phrase` with `slop=1` (consecutive positions), matched as the module docstring says."""

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        if len(self.words) < 2:
            return super().matcher(searcher, context)
        ids, scores = self.matches(searcher, context)
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, weights=scores)

    def matches(self, searcher: Searcher, context: Any = None, within: list[int] | None = None) -> Matches:
        """(document numbers, scores) of the phrase in this searcher's segment, optionally only
        among the sorted document numbers `within`."""
        # No weighting: the caller wants documents only (`docs()`).
        weighting = context.weighting if context is not None else searcher.weighting
        return self._match(searcher, weighting, within)

    def _match(self, searcher: Searcher, weighting: Any, within: list[int] | None) -> Matches:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return [], []
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        words = [field.to_bytes(word) for word in self.words]
        leaves: dict[bytes, Any] = {}
        for word in dict.fromkeys(words):
            if (fieldname, word) not in reader:
                return [], []
            leaves[word] = reader.postings(fieldname, word)
        # Rarest in the whole index, not in this segment: a phrase scores alike in every segment.
        top = searcher.get_parent().reader()
        rarest_first = sorted(leaves, key=lambda w: top.doc_frequency(fieldname, w))
        ids: list[int] = []
        occurrences: list[int] = []
        for target in _common_documents([leaves[w] for w in rarest_first], within):
            positions: dict[bytes, Any] = {}  # decoded lazily: most documents fail early
            starts: set[int] | None = None
            for offset, word in enumerate(words):
                if word not in positions:
                    positions[word] = leaves[word].value_as("positions")
                shifted = {p - offset for p in positions[word]}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            if starts:
                ids.append(target)
                occurrences.append(len(starts))
        if weighting is None:
            return ids, [1.0] * len(ids)
        return ids, self._scores(searcher, weighting, ids, occurrences, rarest_first[0])

    def _scores(
        self, searcher: Searcher, weighting: Any, ids: list[int], occurrences: list[int], rarest: bytes
    ) -> list[float]:
        """The phrase scored as one term: the weighting model's score of its occurrences in each
        clause (against the clause's length, for BM25F), with the rarity of its rarest word (a
        phrase is at least that rare)."""
        scorer = weighting.scorer(searcher, self.fieldname, rarest, qf=self.boost)
        counts = matching.ListMatcher(ids, weights=[float(n) for n in occurrences])
        scores: list[float] = []
        while counts.is_active():
            scores.append(scorer.score(counts))
            counts.next()
        return scores


def _common_documents(matchers: list[Any], within: list[int] | None) -> Iterator[int]:
    """Documents every matcher has (each left on it when yielded), by leapfrogging; only those
    in `within` when it is given."""
    if not all(m.is_active() for m in matchers):
        return
    candidates = iter(within) if within is not None else None
    target = next(candidates, None) if candidates is not None else matchers[0].id()
    while target is not None:
        for m in matchers:
            if m.id() < target:
                m.skip_to(target)
                if not m.is_active():
                    return
            if m.id() > target:
                ahead = m.id()
                target = ahead if candidates is None else next((c for c in candidates if c >= ahead), None)
                break
        else:
            yield target
            if candidates is not None:
                target = next(candidates, None)
            else:
                matchers[0].next()
                if not matchers[0].is_active():
                    return
                target = matchers[0].id()


class RankedPhrase(wq.AndMaybe):
    """AndMaybe(decides, ranks): the matches of `decides`, scored by both, with `ranks` looked for
    only in those documents."""

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        decides, ranks = self.a, self.b
        weighting = context.weighting if context is not None else searcher.weighting
        if isinstance(decides, ExactPhrase):
            ids, scores = decides.matches(searcher, context)
        else:
            ids, scores = _all_matches(decides.matcher(searcher, context), scored=weighting is not None)
        if not ids:
            return matching.NullMatcher()
        if weighting is not None:
            if isinstance(ranks, ExactPhrase):
                extra = dict(zip(*ranks.matches(searcher, context, within=ids), strict=True))
            else:
                extra = _scores_within(ranks.matcher(searcher, context), ids)
            scores = [score + extra.get(docnum, 0.0) for docnum, score in zip(ids, scores, strict=True)]
        return matching.ListMatcher(ids, weights=scores)


def _all_matches(matcher: matching.Matcher, scored: bool) -> Matches:
    ids: list[int] = []
    scores: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score() if scored else 1.0)
        matcher.next()
    return ids, scores


def _scores_within(matcher: matching.Matcher, ids: list[int]) -> dict[int, float]:
    """The scores `matcher` gives to those of the sorted `ids` it matches."""
    found: dict[int, float] = {}
    for docnum in ids:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found[docnum] = matcher.score()
    return found

"""The test oracle for the one evaluator (search_api/core/evaluate.py): Whoosh's own matchers, run by
Whoosh's searcher, for the query nodes of search_api/core/phrase.py.

`oracle(q)` rewrites a parsed query so that Whoosh matches each phrase node by leapfrogging the
terms' postings and intersecting positions (the same documents as Whoosh's span matcher finds,
which tests/test_phrase.py checks) and scores it as the evaluator documents: a phrase as one term
of its occurrences with its rarest word's rarity, a character as one term of its grams. Nothing
here is used to search.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import log
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.searching import Searcher

from search_api.core.phrase import Character, ExactPhrase, RankedPhrase


def oracle(q: wq.Query) -> wq.Query:
    """`q` with each phrase, character and ranked phrase node replaced by its oracle."""
    if isinstance(q, ExactPhrase):
        return OracleExactPhrase(q.fieldname, q.words, boost=q.boost)
    if isinstance(q, Character):
        return OracleCharacter(q.text, boost=q.boost)
    if isinstance(q, RankedPhrase):
        ranked = OracleRankedPhrase(oracle(q.a), oracle(q.b))
        ranked.boost = q.boost
        return ranked
    return q.apply(oracle)


Matches = tuple[list[int], list[float]]


class OracleCharacter(Character):
    """Every occurrence of one character in the `chars` field: the grams starting with it,
    scored as one term would be (its occurrences in each clause, the clauses having any)."""

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


class OracleExactPhrase(ExactPhrase):
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


class OracleRankedPhrase(RankedPhrase):
    """AndMaybe(decides, ranks): the matches of `decides`, scored by both, with `ranks` looked for
    only in those documents."""

    def matcher(self, searcher: Searcher, context: Any = None) -> matching.Matcher:
        decides, ranks = self.a, self.b
        weighting = context.weighting if context is not None else searcher.weighting
        if isinstance(decides, OracleExactPhrase):
            ids, scores = decides.matches(searcher, context)
        else:
            ids, scores = _all_matches(decides.matcher(searcher, context), scored=weighting is not None)
        if not ids:
            return matching.NullMatcher()
        if weighting is not None:
            if isinstance(ranks, OracleExactPhrase):
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

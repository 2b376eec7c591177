"""A Whoosh query evaluated with array operations: every match with its score, at once.

The search layer needs, for each request, every matching clause (for the exact total and the
facet counts) and the best ones in order. Whoosh's matchers give both one document at a time in
Python; here each node of the query tree becomes a pair of arrays (sorted document numbers,
scores) built from the decoded postings of `search_api/core/postings.py`:

- `Term`: BM25F over the term's weights and the documents' field lengths, exactly Whoosh's
  formula and statistics (`idf`, average length; weight alone for unscored fields), times the
  term's boost; a one-character `chars` term is every gram starting with that character (the
  field indexes bigrams: analyzers/tokenizer.py), scored as one term with their occurrences;
- `And` / `Or`: intersection / union, scores summed (Whoosh's intersection and union matchers),
  times the query's boost; a `Not` inside `And` removes its documents and adds 1.0, as Whoosh's
  inverse matcher does; `AndNot` removes, `AndMaybe` (and `RankedPhrase`) adds the optional
  side's scores where it matches;
- `ExactPhrase`: occurrences as keys `doc << 24 | position`; the phrase starts where word `i`'s
  keys shifted back by `i` all meet; it scores as one term (BM25F of its occurrences, with the
  rarity of its rarest word); this is the only phrase evaluation (search_api/core/phrase.py);
- anything else (prefixes, ranges, wildcards: leaves with no phrase below them): Whoosh's own
  matchers, per segment.

A query on a resolution's field (`session:73`, a title word: indexer/schema.py `RESOLUTION_FIELDS`)
matches document records; `spread` (search_api/core/docsets.py) makes each of those matches a match of
every record of that resolution, with the resolution's score, as if the clauses carried the field.

Scores equal Whoosh's to the last bits of floating point, so hits come in the same order (ties by
document number, as Whoosh breaks them); tests compare the two on the real corpus, with Whoosh
running the phrase nodes through the test oracle (tests/oracle.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from math import log, log2
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from indexer.schema import RESOLUTION_FIELDS
from search_api.core.deadline import check_budget
from search_api.core.masks import kept, kept_pair
from search_api.core.phrase import Character, ExactPhrase
from search_api.core.postings import POSITION_BITS, PostingCache

_POSITION_MASK = (1 << POSITION_BITS) - 1
# Matches of document records -> matches of their resolutions' records (SnapshotCache.spread).
Spread = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Scored:
    """Matching documents (sorted, unique) and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)


_NONE = Scored(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _boosted(found: Scored, boost: float) -> Scored:
    return found if boost == 1.0 else Scored(found.docs, found.scores * boost)


# Phrase keys: one list this many times longer than the other, a binary search of the shorter in it
# beats a merge of the two (bench/intersections.py: they cross at 30-90x on a million keys).
BINARY_SEARCH_RATIO = 32


def _lopsided(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) * BINARY_SEARCH_RATIO < len(b) or len(b) * BINARY_SEARCH_RATIO < len(a)


# What a document-list intersection costs, in ns, as fitted to the word lists of the 1M index
# (bench/intersections.py prints both ways and this choice): a binary search, per value of the
# shorter list and level of the search; a table of the longer list's indexes by document, to fill
# (per document of the index), to enter the longer list and to look the shorter one up. Two common
# words at 1M clauses: 0.5 ms by the table against 2-2.6 by binary search.
SEARCH_NS_PER_PROBE = 2.0
TABLE_NS_PER_DOCUMENT = 0.085
TABLE_NS_PER_ENTRY = 1.1
TABLE_NS_PER_LOOKUP = 3.0


def _by_table(short: int, long_: int, size: int) -> bool:
    """Whether a table over `size` documents beats a binary search, for lists of these lengths."""
    search = SEARCH_NS_PER_PROBE * short * log2(long_ + 1)
    return search > TABLE_NS_PER_DOCUMENT * size + TABLE_NS_PER_ENTRY * long_ + TABLE_NS_PER_LOOKUP * short


def _intersection(a: np.ndarray, b: np.ndarray, size: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the values in both, their indexes in `a`, in `b`) of two sorted arrays of unique values.
    A binary search of the shorter in the longer; for document numbers below `size`, when both
    lists are long, a table of the longer list's indexes by document instead (`_by_table`).
    NumPy's `intersect1d` (a sort of both) and a merge were slower at every ratio of sizes
    (bench/intersections.py)."""
    short, long_, swapped = (a, b, False) if len(a) < len(b) else (b, a, True)
    if not len(short):
        none = np.zeros(0, dtype=np.int64)
        return short, none, none
    if size is not None and _by_table(len(short), len(long_), size):
        in_short, in_long = _table_search(short, long_, size)
    else:
        in_short, in_long = _binary_search(short, long_)
    return short[in_short], *((in_long, in_short) if swapped else (in_short, in_long))


def _binary_search(short: np.ndarray, long_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indexes in `short`, in `long_`) of the values in both: each of `short` searched in `long_`."""
    places = np.searchsorted(long_, short)
    found = long_[np.minimum(places, len(long_) - 1)] == short
    return np.flatnonzero(found), kept(places, found)


def _table_search(short: np.ndarray, long_: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The same for values below `size`, through a table of `long_`'s index of each value."""
    index_of = np.full(size, -1, dtype=np.int32)
    index_of[long_] = np.arange(len(long_), dtype=np.int32)
    places = index_of[short]
    in_short = np.flatnonzero(places >= 0)
    return in_short, places[in_short]


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of unique values (no indexes: a phrase's starts).
    Unless one is far shorter, a stable sort of the two end to end, which merges two sorted runs:
    a word's positions come in long stretches between the other's, which the merge gallops over
    (1.5-5x faster than a binary search on the keys of common bigrams)."""
    if _lopsided(a, b):
        return _intersection(a, b)[0]
    joined = np.concatenate((a, b))
    joined.sort(kind="stable")
    return kept(joined[1:], joined[1:] == joined[:-1])


def _intersect(a: Scored, b: Scored, size: int) -> Scored:
    docs, in_a, in_b = _intersection(a.docs, b.docs, size)
    return Scored(docs, a.scores[in_a] + b.scores[in_b])


def _union(a: Scored, b: Scored, size: int) -> Scored:
    """Documents in either, their scores added. Large lists go through a mask over the `size`
    documents of the index (a pass of a byte a document, no sort); small ones through a sort."""
    if (len(a) + len(b)) * 32 > size:
        scores_of = np.zeros(size, dtype=np.float64)
        present = np.zeros(size, dtype=bool)
        for part in (a, b):
            scores_of[part.docs] += part.scores
            present[part.docs] = True
        docs = np.flatnonzero(present)
        return Scored(docs, scores_of[docs])
    docs = np.union1d(a.docs, b.docs)
    scores = np.zeros(len(docs), dtype=np.float64)
    scores[np.searchsorted(docs, a.docs)] += a.scores
    scores[np.searchsorted(docs, b.docs)] += b.scores
    return Scored(docs, scores)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each distinct value, how many times) of a sorted array, in one pass (np.unique sorts again)."""
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    firsts = np.flatnonzero(np.diff(values)) + 1
    bounds = np.concatenate(([0], firsts, [len(values)]))
    return values[bounds[:-1]], np.diff(bounds)


def _without(a: Scored, b: Scored) -> Scored:
    keep = ~np.isin(a.docs, b.docs, assume_unique=True)
    return Scored(*kept_pair(a.docs, a.scores, keep))


def _plus_where_present(a: Scored, b: Scored, size: int) -> Scored:
    _, in_a, in_b = _intersection(a.docs, b.docs, size)
    scores = a.scores.copy()
    scores[in_a] += b.scores[in_b]
    return Scored(a.docs, scores)


class Evaluator:
    """Evaluates queries against one searcher's decoded postings."""

    def __init__(self, searcher: Searcher, postings: PostingCache, spread: Spread | None = None) -> None:
        self.searcher = searcher
        self.postings = postings
        self._spread = spread
        if type(searcher.weighting) is not scoring.BM25F:  # the formulas below are BM25F's
            raise TypeError(f"the evaluator scores with BM25F, not {type(searcher.weighting).__name__}")
        self._bm25: scoring.BM25F = searcher.weighting

    def run(self, q: wq.Query) -> Scored:
        return self._node(q)

    def _node(self, q: wq.Query) -> Scored:
        check_budget()
        found = self._evaluate(q)
        if self._spread is not None and len(found) and getattr(q, "fieldname", None) in RESOLUTION_FIELDS:
            found = Scored(*self._spread(found.docs, found.scores))
        return found

    def _evaluate(self, q: wq.Query) -> Scored:
        if isinstance(q, type(wq.NullQuery)):
            return _NONE
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, Character):
            return self._character(q.text, q.boost)
        if isinstance(q, ExactPhrase):
            if len(q.words) == 1:
                return self._term(q.fieldname, q.words[0], q.boost)
            return self._phrase(q)
        if isinstance(q, wq.AndMaybe):
            return _plus_where_present(self._node(q.a), self._node(q.b), self.postings.size)
        if isinstance(q, wq.AndNot):
            return _without(self._node(q.a), self._node(q.b))
        if isinstance(q, wq.Not):
            return self._not(q)
        if type(q) in (wq.And, wq.Or) and q.subqueries:
            return self._compound(q)
        return self._whoosh(q)

    def _term(self, fieldname: str, text: Any, boost: float) -> Scored:
        schema = self.searcher.schema
        if fieldname not in schema:
            return _NONE
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return _NONE
        if fieldname == "chars" and len(text) == 1:
            return self._character(text, boost)
        postings = self.postings.term(fieldname, btext)
        if not len(postings.docs):
            return _NONE
        if not field.scorable:
            return _boosted(Scored(postings.docs, postings.weights.copy()), boost)
        scores = self.postings.scores(
            (fieldname, btext, "scores"),
            lambda: self._bm25_scores(fieldname, btext, postings.docs, postings.weights),
        )
        return _boosted(Scored(postings.docs, scores), boost)

    def _character(self, char: str, boost: float) -> Scored:
        """Every occurrence of one character: the grams that start with it, as one term (term
        frequency their occurrences in a clause, document frequency the clauses with any)."""
        postings = self.postings.prefix("chars", char)
        if not len(postings.docs):
            return _NONE

        def bm25() -> np.ndarray:
            gram = next(iter(self.searcher.reader().expand_prefix("chars", char)))  # any: for the field's statistics
            gram = gram if isinstance(gram, bytes) else gram.encode("utf-8")
            idf = log(self.searcher.doc_count_all() / (len(postings.docs) + 1)) + 1  # Weighting.idf's formula
            return self._bm25_scores("chars", gram, postings.docs, postings.weights, idf)

        scores = self.postings.scores(("chars", char.encode("utf-8"), "prefix-scores"), bm25)
        return _boosted(Scored(postings.docs, scores), boost)

    def _bm25_scores(
        self, fieldname: str, btext: bytes, docs: np.ndarray, tf: np.ndarray, idf: float | None = None
    ) -> np.ndarray:
        # whoosh.scoring.bm25 with the scorer's own statistics, term for term, so the
        # floating-point results are the same (`idf` given: a term Whoosh does not know).
        term_idf, avgfl, B, K1 = self.postings.statistics(
            (fieldname, btext), lambda: _bm25_statistics(self._bm25.scorer(self.searcher, fieldname, btext))
        )
        idf = term_idf if idf is None else idf
        fl = self.postings.lengths(fieldname, docs)
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def _compound(self, q: wq.CompoundQuery) -> Scored:
        subs = list(q.subqueries)
        if len(subs) == 1:  # Whoosh matches a one-query compound as that query, boost unused
            return self._node(subs[0])
        if isinstance(q, wq.Or):
            found = self._node(subs[0])
            for sub in subs[1:]:
                found = _union(found, self._node(sub), self.postings.size)
            return _boosted(found, q.boost)
        positive = [sub for sub in subs if not isinstance(sub, wq.Not)]
        negative = [sub for sub in subs if isinstance(sub, wq.Not)]
        if not positive:
            found = self._not(negative[0])
            negative = negative[1:]
        else:
            parts = sorted((self._node(sub) for sub in positive), key=len)
            found = parts[0]
            for part in parts[1:]:
                if not len(found):
                    break
                found = _intersect(found, part, self.postings.size)
        for sub in negative:  # an inverse matcher: removes its query's documents, adds 1.0
            found = _without(found, self._node(sub.query))
            found = Scored(found.docs, found.scores + 1.0)
        return _boosted(found, q.boost)

    def _not(self, q: wq.Not) -> Scored:
        excluded = np.zeros(self.postings.size, dtype=bool)
        excluded[self._node(q.query).docs] = True
        docs = np.flatnonzero(self.postings.live & ~excluded).astype(np.int64)
        return Scored(docs, np.ones(len(docs), dtype=np.float64))

    def _phrase(self, q: ExactPhrase) -> Scored:
        fieldname = q.fieldname
        schema = self.searcher.schema
        if fieldname not in schema:
            return _NONE
        field = schema[fieldname]
        words = [field.to_bytes(word) for word in q.words]
        frequencies = {word: self.postings.doc_frequency(fieldname, word) for word in dict.fromkeys(words)}
        if not all(frequencies.values()):
            return _NONE
        starts: np.ndarray | None = None
        pinning = _pinning(words, frequencies) if fieldname == "chars" else range(len(words))
        # Rarest first: the candidate starts shrink fastest.
        for offset, word in sorted(((i, words[i]) for i in pinning), key=lambda pair: frequencies[pair[1]]):
            keys = self.postings.positions(fieldname, word)
            if starts is None:
                starts = kept(keys, (keys & _POSITION_MASK) >= offset) - offset if offset else keys
            else:  # the candidates moved to this word's place, not its (longer) list to theirs
                starts = _common(starts + offset, keys) - offset if offset else _common(starts, keys)
            if not len(starts):
                return _NONE
        assert starts is not None
        docs, occurrences = _runs(starts >> POSITION_BITS)  # starts are sorted
        rarest = min(frequencies, key=lambda word: frequencies[word])
        tf = occurrences.astype(np.float64)
        scores = self._bm25_scores(fieldname, rarest, docs, tf) if field.scorable else tf
        return Scored(docs.astype(np.int64), scores)

    def _whoosh(self, q: wq.Query) -> Scored:
        """Whoosh's own matchers, segment by segment, for the node types not handled above."""
        context = self.searcher.context()
        docs: list[int] = []
        scores: list[float] = []
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(leaf, context)
            while matcher.is_active():
                docs.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
        found_docs = np.asarray(docs, dtype=np.int64)
        found_scores = np.asarray(scores, dtype=np.float64)
        order = np.argsort(found_docs, kind="stable")
        found_docs, found_scores = found_docs[order], found_scores[order]
        keep = self.postings.live[found_docs]
        return Scored(found_docs[keep], found_scores[keep])


def _pinning(words: list[bytes], frequencies: dict[bytes, int]) -> list[int]:
    """The offsets of a phrase of character bigrams (`ab`, `bc`, `cd`, ...) that pin all of its
    characters: `ab` at p and `cd` at p + 2 put a, b, c, d at p..p + 3, so `bc` is at p + 1 (the
    `chars` field gives each kept character a position and the bigram it starts; no bigram spans
    a clause break, where positions jump). So every second bigram, and the last, decide the
    match: chosen to read the fewest postings (no two consecutive ones left out). Any other
    phrase: all of its words."""
    texts = [word.decode("utf-8") for word in words]
    chained = all(len(text) == 2 for text in texts) and all(a[1] == b[0] for a, b in pairwise(texts))
    if len(words) < 3 or not chained:
        return list(range(len(words)))
    costs = [frequencies[word] for word in words]
    total, before = costs[:2], [-1, 0]  # the first and the last are always read
    total[1] += total[0]
    for i in range(2, len(words)):
        previous = i - 1 if total[i - 1] <= total[i - 2] else i - 2
        total.append(costs[i] + total[previous])
        before.append(previous)
    chosen = [len(words) - 1]
    while before[chosen[-1]] >= 0:
        chosen.append(before[chosen[-1]])
    return chosen[::-1]


def _bm25_statistics(scorer: Any) -> tuple[float, float, float, float]:
    """What a BM25F scorer reads from the index for one term: its idf, the field's average
    length, B and K1 (a term-info lookup in every segment: kept for the generation)."""
    return float(scorer.idf), float(scorer.avgfl), float(scorer.B), float(scorer.K1)

"""The query nodes a quoted string or a single character becomes; search_api/core/evaluate.py is what
evaluates them (with arrays over decoded postings), for searches and completions alike.

- `ExactPhrase`: a `Phrase` of consecutive positions (slop 1). It scores as one term would (BM25F
  of its occurrences in a clause, with the rarity of its rarest word), not as the sum of its
  words' scores.
- `Character`: one character in the `chars` field, which indexes bigrams (analyzers/tokenizer.py):
  every gram that starts with it, a prefix, scored as one term.
- `RankedPhrase(bigram phrase, word phrase)`, for a quoted Chinese string: the bigrams decide which
  clauses match and the words only add to the score.
- `QuotedTerm`: a quoted single word, exact (an unquoted one also matches its stems).

Whoosh's own matchers for these classes (its span matcher for phrases) are not used to search;
the tests compare the evaluator with them (tests/oracle.py).
"""

from __future__ import annotations

from whoosh import query as wq


class Character(wq.Prefix):
    """Every occurrence of one character in the `chars` field: the grams starting with it."""

    def __init__(self, char: str, boost: float = 1.0) -> None:
        super().__init__("chars", char, boost=boost)


class ExactPhrase(wq.Phrase):
    """`Phrase` with `slop=1`: the words at consecutive positions."""


class QuotedTerm(wq.Term):
    """A quoted single word: exact, never widened to its other forms (stems)."""


class RankedPhrase(wq.AndMaybe):
    """AndMaybe(decides, ranks): the matches of `decides`, scored by both."""


def char_query(grams: list[str]) -> wq.Query:
    """The `chars` query for a string's query-time grams: one character, one bigram, or the
    phrase of its bigrams."""
    if len(grams) > 1:
        return ExactPhrase("chars", grams)
    return Character(grams[0]) if len(grams[0]) == 1 else wq.Term("chars", grams[0])

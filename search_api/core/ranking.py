"""How clauses are ranked: Whoosh's BM25F, with each field's length normalisation (`B`) chosen
on a judged set of real queries (bench/ranking.py prints the table the choice rests on).

With Whoosh's default `B = 0.75` a clause's score falls steeply with its length, so a bare line
(`安全理事会，`, a heading, a country name) that holds one query word outranks the paragraphs a
researcher looks for. Clauses differ in length far more than web documents do (from a
two-character heading to a 5,000-character list), and a paragraph about a subject names it
once or twice whatever its length: less normalisation serves them better.
"""

from __future__ import annotations

from whoosh import scoring

K1 = 1.2  # Whoosh's default: how fast repeated occurrences stop adding to a score
DEFAULT_B = 0.75  # Whoosh's default, kept for the fields not named below
# Length normalisation of the word field, chosen on bench/ranking.py's judged set (8 queries,
# 8,000 real sentences; 2026-12-01): B 0.75 gave P@5 0.55 and nDCG@10 0.59 with 16 bare lines
# in the top fives; B 0.1 gives 0.975 and 0.970 with none (B 0: 0.975 and 0.967).
TEXT_B = 0.1
# The character field (quoted strings, single characters) takes the same value.


def weighting(text_b: float = TEXT_B) -> scoring.BM25F:
    """The scoring model every search uses (`text_b`: another choice, for bench/ranking.py)."""
    return scoring.BM25F(B=DEFAULT_B, K1=K1, text_B=text_b, chars_B=text_b)

"""The composed analyzers, used alike for indexing and querying, and their version.

`word_analyzer()`: normalise -> typed runs -> jieba words (+ parts at index time) -> symbol and
date parts -> lowercase -> positions. `char_analyzer()`: character bigrams for exact
substrings. Change either in a way that changes tokens, and bump `ANALYZER_VERSION`: an index
built by another version refuses to be queried (see indexer/manifest.py).
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, CompositeAnalyzer, LowercaseFilter

from analyzers.tokenizer import CharTokenizer, PartsFilter, PositionFilter, RunTokenizer, SegmentFilter

# 2: the character chain indexes bigrams only (a run's last character as itself). 3: a clause
# with CJK characters keeps its Latin letters in the character field (mixed-script quoted strings);
# a compound's parts include the dictionary words it starts and ends with (`难民` in `难民营`).
# 4: words of every alphabetic script (Cyrillic, Arabic, accented Latin), not only ASCII letters;
# Arabic marks dropped and letter forms folded; stems in the clause's language (`stems`).
ANALYZER_VERSION = "ga-4"


WORD_CHAIN = (RunTokenizer, SegmentFilter, PartsFilter, LowercaseFilter, PositionFilter)


def word_analyzer() -> Analyzer:
    """The word-level chain (see analyzers/tokenizer.py for the position scheme)."""
    return CompositeAnalyzer(*(step() for step in WORD_CHAIN))


def is_word_chain(analyzer: object) -> bool:
    """Whether `analyzer` is `word_analyzer()` (as built now or unpickled from an index's
    schema): analyzers/word_tokens.py may then stand in for it."""
    return isinstance(analyzer, CompositeAnalyzer) and tuple(map(type, analyzer.items)) == WORD_CHAIN


def char_analyzer() -> Analyzer:
    """The character/bigram chain behind quoted strings and one-character queries."""
    return CharTokenizer()

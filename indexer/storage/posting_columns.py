"""A record's non-text fields' postings as columns (terms, frequencies, weights, the values end to
end, their lengths: what `CompactPostingPool.add_columns` takes), computed as Whoosh's analyzer and
format would yield them but without a `Token` and a generator a posting. None where a field is not
one these know: the writer then asks `field.index`. tests/test_segment.py compares both with it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh.analysis import CompositeAnalyzer, IDTokenizer, RegexTokenizer, StripFilter
from whoosh.analysis.tokenizers import CommaSeparatedTokenizer, SpaceSeparatedTokenizer
from whoosh.formats import Existence, Frequency
from whoosh.system import _INT_SIZE as _UINT_SIZE
from whoosh.system import pack_uint

# A field's postings for one document as columns: terms (UTF-8), frequencies, weights, and every
# posting's value end to end with each value's length (see CompactPostingPool.add_columns).
PostingColumns = tuple[list[bytes], list[int], list[float], bytes, list[int]]
# The expressions of Whoosh's `SpaceSeparatedTokenizer` and `CommaSeparatedTokenizer` (a
# tokenizer and a `StripFilter`), read from them.
_SPACE_SEPARATED = SpaceSeparatedTokenizer().expression.pattern
_COMMA_SEPARATED = CommaSeparatedTokenizer().items[0].expression.pattern


def id_columns(field: Any, value: object) -> PostingColumns | None:
    """An ID field's one posting as columns (what `field.index` yields through Whoosh's
    `IDTokenizer` and `Existence` format: the value itself, frequency 1, the field boost, no
    value), without the analyzer's token and generators: a record has ten ID fields. None for any
    other field or value (then `field.index`)."""
    if type(field.analyzer) is not IDTokenizer or type(field.format) is not Existence or not isinstance(value, str):
        return None
    return [value.encode("utf-8")], [1], [field.format.field_boost], b"", [0]


def frequency_columns(field: Any, value: object) -> PostingColumns | None:
    """A whitespace- or comma-separated field's postings as columns (the `stems` field, and the
    tag lists: `cites`, `sponsor`, `agenda` ...: Whoosh's `SpaceSeparatedTokenizer` or
    `CommaSeparatedTokenizer` and `Frequency` format, what `field.index` yields: each word once, in
    order of first appearance, its count, the count times the field boost, the count packed),
    without a `Token` a word: on a real corpus, a tenth of a clause's analysis went through
    Whoosh's generators for `stems`, and a clause's `cites`, mostly empty, took a generator
    chain of its own. None for any other field or value."""
    if type(field.format) is not Frequency or not isinstance(value, str):
        return None
    words = _separated_words(field.analyzer, value)
    if words is None:
        return None
    counts = Counter(words)
    frequencies = list(counts.values())
    boost = field.format.field_boost
    return (
        [word.encode("utf-8") for word in counts],
        frequencies,
        [frequency * boost for frequency in frequencies],
        b"".join(map(pack_uint, frequencies)),
        [_UINT_SIZE] * len(frequencies),
    )


def _separated_words(analyzer: Any, value: str) -> list[str] | None:
    """The words the two tokenizers above yield for `value` (the comma-separated ones stripped, an
    empty one kept, as `StripFilter` keeps it), or None for another analyzer."""
    if type(analyzer) is RegexTokenizer and analyzer.expression.pattern == _SPACE_SEPARATED and not analyzer.gaps:
        words: list[str] = analyzer.expression.findall(value)
        return words
    if type(analyzer) is not CompositeAnalyzer or len(analyzer.items) != 2:
        return None
    tokenizer, strip = analyzer.items
    if (
        type(tokenizer) is not RegexTokenizer
        or tokenizer.expression.pattern != _COMMA_SEPARATED
        or tokenizer.gaps
        or type(strip) is not StripFilter
    ):
        return None
    return [word.strip() for word in tokenizer.expression.findall(value)]

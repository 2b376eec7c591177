"""The query language: Whoosh's parser with the ga-search analyzers and a few rules of our own.

- Unquoted words search the word field (`text`): `维持和平 能力` is both words, anywhere in the clause.
  A word of one CJK character searches the character field (every occurrence of that character).
- A quoted string behaves like Ctrl-F: it matches wherever that exact string stands in a clause,
  whatever the segmentation: the phrase of its character bigrams (`chars`) decides the match, and
  the phrase of its words (`text`) adds to the score of whole-word matches. So `"国大"` finds
  `联合国大会` while unquoted `国大` does not, and `"集体秘书处"` does not match
  `集体安全条约组织秘书处`. A quoted string without CJK characters is a phrase of its words.
- AND, OR, NOT, `-word`, parentheses; `field:value` for facet fields (`session:73`,
  `sponsor:白俄罗斯`, `verb:谴责`, `cites:A/RES/59/50`, `agenda:128(t)`, `type:operative`), ranges
  (`session:[70 TO 75]`, `year:[2010 TO 2019]`).
- Symbols with parentheses (`S/RES/1631(2005)`, `128(t)`) are quoted for the user before parsing,
  so the parentheses are not read as grouping.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, MultifieldPlugin, PlusMinusPlugin, QueryParser
from whoosh.qparser.plugins import PhrasePlugin
from whoosh.qparser.syntax import attach
from whoosh.qparser.taggers import RegexTagger

from analyzers import char_analyzer, word_analyzer
from analyzers.derivations import partners
from analyzers.languages import STEMMED_LANGUAGES, stem_token
from analyzers.scripts import CJK_CHAR
from analyzers.symbols import QUERY_SYMBOL
from indexer.schema import build_schema
from indexer.sponsors import canonical_sponsor
from indexer.verbs import concept_for
from search_api.core.phrase import Character, ExactPhrase, QuotedTerm, RankedPhrase, char_query
from search_api.errors import QuerySyntaxError

_PAREN_TOKEN = re.compile(r"(?<![\w\"])((?:[A-Za-z]{1,2}(?:\.\d+)?/)?[\w./]*\d[\w./]*\([A-Za-z0-9]{1,6}\)[\w./()]*)")
_DANGLING = re.compile(r"(^\s*(AND|OR|ANDNOT)\b)|(\b(AND|OR|NOT|ANDNOT)\s*$)")
_EMPTY_FIELD = re.compile(r"\b(\w+):(?=\s|$)")
WORDS = word_analyzer()
CHARS = char_analyzer()
ALIASES = {"clause_type": ["type"], "language": ["lang"], "sponsor": ["sponsors"], "agenda": ["item"]}
TEXT_FIELDS = ("text", "title", "notes")


def normalise_value(fieldname: str, value: str) -> str:
    value = value.strip()
    if fieldname == "sponsor":
        return canonical_sponsor(value)
    if fieldname == "verb":
        return concept_for(value)  # `welcome`, `se félicite` and `欢迎` are one concept
    if fieldname in ("cites", "symbol"):
        return re.sub(r"\s+", "", value).upper()
    if fieldname == "agenda":
        return re.sub(r"\s+", "", value).lower()
    if fieldname in ("kind", "language", "clause_type"):
        return value.lower()
    return value


def symbol_query(word: str, fieldname: str = "text") -> wq.Query:
    """A UN symbol finds the document itself, the clauses citing it, and the text mentioning it."""
    symbol = re.sub(r"\s+", "", word).upper()
    return wq.Or([wq.Term(fieldname, word.lower()), wq.Term("cites", symbol), wq.Term("symbol", symbol)])


def quoted_query(text: str, fieldname: str = "text") -> wq.Query | None:
    """The Ctrl-F query for a quoted string (see the module docstring)."""
    words = [t.text for t in WORDS(text, mode="query")]
    if len(words) == 1 and QUERY_SYMBOL.match(words[0]):
        return symbol_query(words[0], fieldname)
    alternatives: list[wq.Query] = []
    if words:
        alternatives.append(QuotedTerm(fieldname, words[0]) if len(words) == 1 else ExactPhrase(fieldname, words))
    if fieldname == "text" and CJK_CHAR.search(text):
        grams = [t.text for t in CHARS(text, mode="query")]
        if grams:
            alternatives.append(char_query(grams))
    if not alternatives:
        return None
    if len(alternatives) == 1:
        return alternatives[0]
    # The bigram phrase decides what matches (exactly the substring); the word phrase only ranks
    # whole-word matches higher. An OR would also match `集体…秘书处` for "集体秘书处", since a
    # compound's parts share its position.
    word_phrase, char_phrase = alternatives
    if isinstance(char_phrase, ExactPhrase):
        return RankedPhrase(char_phrase, word_phrase)
    return wq.AndMaybe(char_phrase, word_phrase)  # one bigram: Whoosh's own lazy matcher is best


class _QuotedNode(PhrasePlugin.PhraseNode):
    def query(self, parser: QueryParser) -> wq.Query:
        fieldname = self.fieldname or parser.fieldname
        if fieldname in TEXT_FIELDS:
            q = quoted_query(self.text, fieldname) or wq.NullQuery
        else:
            q = parser.term_query(fieldname, self.text, wq.Term)
        return attach(q, self)


class _QuotedTagger(RegexTagger):
    def create(self, parser: QueryParser, match: re.Match[str]) -> _QuotedNode:
        return _QuotedNode(match.group("text"), match.start("text"), 1)


class _QuotedPlugin(PhrasePlugin):
    def taggers(self, parser: QueryParser) -> list[tuple[RegexTagger, int]]:
        return [(_QuotedTagger(self.expr), 0)]


class GaQueryParser(QueryParser):
    """Whoosh's parser with our quoted-string, single-character and facet-value rules."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):  # type: ignore[no-untyped-def]
        fieldname = fieldname or self.fieldname
        if fieldname not in TEXT_FIELDS and fieldname in self.schema and not self.schema[fieldname].self_parsing():
            return termclass(fieldname, normalise_value(fieldname, text), boost=boost)
        q = super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if isinstance(q, wq.Term) and isinstance(q.text, str) and QUERY_SYMBOL.match(q.text):
            return symbol_query(q.text, fieldname)
        return _single_characters_to_chars(q)

    def multitoken_query(self, spec, texts, fieldname, termclass, boost):  # type: ignore[no-untyped-def]
        return wq.And([termclass(fieldname, t, boost=boost) for t in texts])


def _single_characters_to_chars(q: wq.Query | None) -> wq.Query | None:
    if isinstance(q, wq.Term) and q.fieldname in TEXT_FIELDS and len(q.text) == 1 and CJK_CHAR.match(q.text):
        return Character(q.text, boost=q.boost)
    if isinstance(q, wq.And):
        return wq.And([_single_characters_to_chars(sub) for sub in q.subqueries])
    return q


@lru_cache(maxsize=2)
def _parser(with_titles: bool = False) -> GaQueryParser:
    """Built once: parsing keeps no state in the parser, so one serves every query."""
    parser = GaQueryParser("text", build_schema())
    if with_titles:
        parser.add_plugin(MultifieldPlugin(["text", "title"]))
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(_QuotedPlugin())
    # `+word` and `-word` only where a word starts: the hyphen of `anti-personnel` is no negation.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


def _quote_parenthesised(text: str) -> str:
    pieces = text.split('"')
    for index in range(0, len(pieces), 2):
        pieces[index] = _PAREN_TOKEN.sub(r'"\1"', pieces[index])
    return '"'.join(pieces)


def _unquoted(text: str) -> str:
    """`text` with what stands between quotation marks blanked out (same length): quoted text is
    literal, so its parentheses, `AND` or `field:` are not syntax."""
    pieces = text.split('"')
    for index in range(1, len(pieces), 2):
        pieces[index] = " " * len(pieces[index])
    return '"'.join(pieces)


_DOUBLE_NOT = re.compile(r"(?<![\w:])NOT\s+NOT\s+")


def _cancel_double_negations(text: str) -> str:
    """`NOT NOT peace` is `peace` (Whoosh's parser fails on it), outside quoted text."""
    parts = text.split('"')
    for index in range(0, len(parts), 2):
        while _DOUBLE_NOT.search(parts[index]):
            parts[index] = _DOUBLE_NOT.sub("", parts[index])
    return '"'.join(parts)


def _check_syntax(text: str) -> None:
    if text.count('"') % 2:
        raise QuerySyntaxError(text, text.rfind('"'), "a quotation mark is not closed")
    text = _unquoted(text)
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth < 0:
            raise QuerySyntaxError(text, position, "a closing parenthesis has no opening one")
    if depth > 0:
        raise QuerySyntaxError(text, text.rfind("("), "a parenthesis is not closed")
    dangling = _DANGLING.search(text)
    if dangling:
        raise QuerySyntaxError(text, dangling.start(), f"{dangling.group().strip()} needs a term on both sides")
    for boost in _BOOST.finditer(text):
        value = boost.group(1)
        if not _BOOST_VALUE.fullmatch(value) or not 0 < float(value) <= MAX_BOOST:
            raise QuerySyntaxError(
                text, boost.start(), f"a boost (^N) must be a number above 0 and at most {MAX_BOOST:g}, not {value!r}"
            )
    empty = _EMPTY_FIELD.search(text)
    if empty and empty.group(1) in _parser().schema.names() + [a for v in ALIASES.values() for a in v]:
        raise QuerySyntaxError(text, empty.start(), f"{empty.group(1)}: needs a value")


MAX_BOOST = 1000.0
_BOOST = re.compile(r"\^([^\s()]*)")
_BOOST_VALUE = re.compile(r"\d+(?:\.\d+)?")
_INTERNAL_FIELDS = {"chars", "content_hash", "doc_id", "level", "series", "stems"}
# A wildcard or prefix needs this many literal characters before its first `*` or `?`: `*`, `a*`
# or `chars:*` would expand to a large part of the dictionary and hold the engine for seconds.
MIN_WILDCARD_PREFIX = 2


def _find_errors(q: wq.Query, text: str) -> None:
    """Refuse what parses but cannot be searched, or would cost without bound: a value Whoosh
    cannot read, a field that is stored but not indexed, a boost that is not a positive finite
    number (a boost reorders, it never changes what matches), an unbounded wildcard."""
    error = getattr(q, "error", None)  # Whoosh's ErrorQuery for a value it cannot read
    if error is not None:
        raise QuerySyntaxError(text, 0, f"invalid value: {error}")
    fieldname = getattr(q, "fieldname", None)
    schema = _parser().schema
    if fieldname and fieldname in schema and not schema[fieldname].indexed:
        searchable = ", ".join(n for n in schema.names() if schema[n].indexed and n not in _INTERNAL_FIELDS)
        raise QuerySyntaxError(text, 0, f"{fieldname} is not a searchable field; searchable fields: {searchable}")
    boost = getattr(q, "boost", 1.0)
    if not (isinstance(boost, (int, float)) and math.isfinite(boost) and 0 < boost <= MAX_BOOST):
        raise QuerySyntaxError(text, 0, f"a boost (^N) must be a number above 0 and at most {MAX_BOOST:g}")
    if isinstance(q, wq.Every):
        raise QuerySyntaxError(text, 0, "field:* matches everything: filter with the field's parameter instead")
    if isinstance(q, (wq.Wildcard, wq.Prefix)) and not isinstance(q, Character):  # one CJK character is fine
        literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
        if len(literal) < MIN_WILDCARD_PREFIX:
            raise QuerySyntaxError(
                text, 0, f"a wildcard needs at least {MIN_WILDCARD_PREFIX} characters before * or ?: {q.text!r}"
            )
    for child in q.children():
        _find_errors(child, text)


# How much a derivational partner counts against the word's own forms (bench/derivations.py).
DERIVATION_BOOST = 0.3


def with_stems(q: wq.Query, languages: tuple[str, ...]) -> wq.Query:
    """Each unquoted word of the word field also matches its stem in each of `languages` (the
    `stems` field), so `decided` finds "Decides"; quoted words and phrases stay exact."""
    if isinstance(q, wq.Term) and not isinstance(q, QuotedTerm) and q.fieldname == "text":
        word = q.text if isinstance(q.text, str) else ""
        if word and word.replace("'", "").replace("’", "").isalpha() and not CJK_CHAR.search(word):
            stems = dict.fromkeys(stem_token(language, word) for language in languages)
            # Its derivational partners (`destroy` / `destruction`), ranked below its own forms.
            derived = dict.fromkeys(
                f"{language}:{other}" for language in languages for other in partners(language, word)
            )
            return wq.Or(
                [
                    q,
                    *(wq.Term("stems", s, boost=q.boost) for s in stems),
                    *(wq.Term("stems", d, boost=q.boost * DERIVATION_BOOST) for d in derived if d not in stems),
                ]
            )
        return q
    return q.apply(lambda child: with_stems(child, languages))


# Parsing is a fifth of a warm word query (Whoosh's parser and the analyzers, in Python); the same
# query string comes back with each page, facet click and export. The trees are never modified.
@lru_cache(maxsize=4096)
def parse_query(
    text: str, with_titles: bool = False, languages: tuple[str, ...] = STEMMED_LANGUAGES
) -> wq.Query | None:
    """A Whoosh query for the user's query string, or None for an empty one; `with_titles` also
    searches resolution titles (document-level search); unquoted words also match their stems
    in `languages` (by default every stemmed language).

    Raises `QuerySyntaxError` with a position and a message a person understands.
    """
    if not text.strip():
        return None
    prepared = _cancel_double_negations(_quote_parenthesised(text.strip()))
    _check_syntax(prepared)
    try:
        q = _parser(with_titles).parse(prepared)
    except Exception as error:  # Whoosh raises assorted types on odd input; never echo them
        raise QuerySyntaxError(
            text, 0, "cannot parse the query: check its AND, OR, NOT, parentheses and field:value terms"
        ) from error
    _find_errors(q, text)
    q = q.normalize()
    if isinstance(q, type(wq.NullQuery)):
        return None
    return with_stems(q, languages) if languages else q


def highlight_terms(q: wq.Query | None) -> tuple[set[str], list[tuple[str, list[str]]]]:
    """What the query matched, to mark in a clause: word-field terms, and phrases as (field, terms)
    for the char field's bigrams and the word field's quoted words (marked only where they stand
    together, so `"the draft treaty"` does not mark every `the`), and ("cites", [symbol]) for a
    cited resolution's symbol."""
    words: set[str] = set()
    phrases: list[tuple[str, list[str]]] = []
    if q is None:
        return words, phrases
    for node in _walk(q):
        if isinstance(node, wq.Phrase) and node.fieldname == "chars":
            phrases.append(("chars", list(node.words)))
        elif isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
            phrases.append(("text", list(node.words)))
        elif isinstance(node, (wq.Term, Character)) and node.fieldname == "chars":
            phrases.append(("chars", [node.text]))
        elif isinstance(node, wq.Term) and node.fieldname in (*TEXT_FIELDS, "stems"):
            words.add(node.text)  # a stem as indexed, `en:decid`: highlight.match_spans stems to match
        elif isinstance(node, wq.Term) and node.fieldname == "cites":
            phrases.append(("cites", [node.text]))  # marked where the clause cites it (`第 59/50 号`)
    return words, phrases


def _walk(q: wq.Query) -> Iterator[wq.Query]:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndMaybe):  # only the required side says what matched
        yield from _walk(q.a)
        return
    yield q
    for child in q.children():
        yield from _walk(child)

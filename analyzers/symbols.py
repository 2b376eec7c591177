"""UN document symbols and language codes: the patterns and names every part shares, defined
once here (the bottom layer, so the analyzers, the indexer and the search layer all read them).

A symbol is the document's identity in ODS and the UN Digital Library (`A/RES/73/12`,
`A/73/L.35/Add.1`, `A/C.3/73/L.20/Rev.1`, `A/73/589/Add.2`). Files named after one follow UNDL's
convention, the symbol with `/` as `_` and the language in capitals: `A_RES_73_12-ZH.docx`.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

# The six official languages, as ODS spells them (it silently answers English for any other code).
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
# ODS serves a document by symbol, language and format (../shared/notes/ods-and-undl.md): `fetch`
# downloads from this address and every document view links to it.
DEFAULT_ODS_URL = "https://documents.un.org"
ACCESS_PATH = "/api/symbol/access"


def access_url(symbol: str, language: str, fmt: str, base_url: str = DEFAULT_ODS_URL) -> str:
    """ODS's address of a document by symbol, language (ar, en, es, fr, ru, zh) and "pdf" or "docx"."""
    return f"{base_url}{ACCESS_PATH}?{urlencode({'s': symbol, 'l': language, 't': fmt})}"


# A symbol as a user types it: a series letter, then parts separated by slashes.
DOCUMENT_SYMBOL = re.compile(r"[A-Z][A-Z0-9.]*(?:/[A-Za-z0-9.()\-]+)+")
# A symbol inside running text, kept whole as one token by the analyzer (`A/RES/73/12`,
# `S/RES/1631(2005)`, `A/C.3/73/L.20`): a one- or two-letter series, then slash-separated parts.
SYMBOL_TOKEN = r"(?<![A-Za-z0-9/])[A-Za-z]{1,2}(?:\.\d+)?(?:/[A-Za-z0-9.\-]+(?:\(\d{4}\))?)+"
# A query word that is a resolution's symbol: it finds the resolution, the clauses citing it and
# the text naming it.
QUERY_SYMBOL = re.compile(r"^[AS]/(?:RES/)?[\w./()]+$", re.IGNORECASE)
# The GA symbol a header prints (`A/73/L.35`, `A/RES/73/12`), when no metadata names one.
PRINTED_GA_SYMBOL = re.compile(r"\b(A/(?:RES/)?\d{1,3}/[A-Z0-9.]+(?:/[A-Za-z0-9.]+)*)")
# A resolution cited by its full symbol in a clause (`A/RES/59/50`, `S/RES/1631 (2005)`).
CITED_RESOLUTION = re.compile(r"\b([AS]/RES/[0-9A-Z().\-/ ]*[0-9)])")
# A General Assembly document cited in a resolution's header: a draft (`A/73/L.35`, with
# `/Rev.1`, `/Add.1`), a committee's draft (`A/C.3/73/L.20`) or a committee report (`A/73/589/Add.2`).
GA_DOCUMENT = re.compile(r"A/(?:C\.\d/)?\d{1,3}/(?:L\.\d+|\d+)(?:/(?:Rev|Add|Corr)\.\d+)*")
_SUFFIX_ONLY = re.compile(r"(?<![/A-Za-z0-9.])((Rev|Add|Corr)\.\d+)")
# The origin line of an adopted resolution: `[on the report of the Third Committee (A/73/589/Add.2)]`,
# `[without reference to a Main Committee (A/73/L.35 and A/73/L.35/Add.1)]`,
# `[根据第三委员会的报告(A/73/589/Add.2)通过]`, `[未经发交主要委员会而通过(A/73/L.35和Add.1)]`;
# and the parallel corpus's `根据委员会的建议（A/55/602/Add.2，第94段）`.
_ORIGIN = re.compile(
    r"(?:on the (?:report|recommendation) of the [A-Za-z\- ]*Committee"
    r"|without reference to a Main Committee"
    r"|根据[^（()\[\]［］]{0,12}委员会的(?:报告|建议)"
    r"|未经发交主要委员会而通过)\s*[（(]([^）)]*)[）)]"
)


def file_stem(symbol: str, language: str) -> str:
    """`A/RES/73/12`, `zh` -> `A_RES_73_12-ZH` (UNDL's file names)."""
    return f"{symbol.replace('/', '_')}-{language.upper()}"


def origin_symbols(header: str) -> tuple[str, ...]:
    """The drafts or committee report a resolution's header says it was adopted from, in order.

    `Add.1` written alone after a symbol (`A/73/L.35 和 Add.1`) is that symbol's addendum;
    `Corr.1` after `A/55/602/Add.2` that addendum's corrigendum."""
    match = _ORIGIN.search(re.sub(r"\s+", " ", header))
    if not match:
        return ()
    inside = match.group(1)
    found: list[tuple[int, str]] = [(m.start(), m.group()) for m in GA_DOCUMENT.finditer(inside)]
    for suffix in _SUFFIX_ONLY.finditer(inside):
        before = [symbol for start, symbol in found if start < suffix.start() and "/" in symbol]
        if before:
            kind = f"/{suffix.group(2)}."
            base = before[-1].split(kind)[0] if kind in before[-1] else before[-1]
            found.append((suffix.start(), f"{base}/{suffix.group(1)}"))
    found.sort()
    return tuple(dict.fromkeys(symbol for _, symbol in found))

"""Where a resolution's official versions are: its ODS files in each official language (PDF and
DOCX, by symbol through ODS's access address) and a UN Digital Library search for its symbol.

The addresses are made from the symbol alone, so a citation of a resolution this index does not
hold links to ODS all the same (../shared/notes/ods-and-undl.md records both services)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from analyzers.symbols import LANGUAGES as OFFICIAL_LANGUAGES
from analyzers.symbols import access_url

DIGITAL_LIBRARY_SEARCH = "https://digitallibrary.un.org/search"
FORMATS = ("pdf", "docx")


def ods_links(symbol: str) -> dict[str, dict[str, str]]:
    """{language: {"pdf": url, "docx": url}} for the six official languages."""
    return {language: {fmt: access_url(symbol, language, fmt) for fmt in FORMATS} for language in OFFICIAL_LANGUAGES}


def digital_library_link(symbol: str) -> str:
    """A UN Digital Library search for the symbol (field 191 $a, where its records keep it)."""
    query = urlencode({"p": '191__a:"' + symbol + '"'})
    return f"{DIGITAL_LIBRARY_SEARCH}?{query}"


def official_link(symbol: str | None, language: str | None = None) -> str | None:
    """The official PDF in the document's own language (English for another or none), or None
    without a symbol: what a row, a citation or a lineage step links to."""
    if not symbol:
        return None
    return access_url(symbol, language if language in OFFICIAL_LANGUAGES else "en", "pdf")


def official_links(symbol: str | None, language: str | None = None) -> dict[str, Any]:
    """A document's links: `ods` (every official language), `official` (`official_link`),
    `digital_library`; empty for a document without a symbol."""
    if not symbol:
        return {}
    return {
        "official": official_link(symbol, language),
        "ods": ods_links(symbol),
        "digital_library": digital_library_link(symbol),
    }

"""Simple HTML texts of GA resolutions (the UDHR layout: h1 title, preamble paragraphs in a
header, one `<article data-number=N>` per article), read with lxml."""

from __future__ import annotations

from pathlib import Path

from lxml import etree, html

from analyzers.languages import detect_language, language_of_file
from analyzers.symbols import LANGUAGES
from indexer.citations import find_citations
from indexer.errors import DocumentError
from indexer.model import Clause, Resolution
from indexer.readers.text import read_bytes, sidecar_metadata
from indexer.structure import join_lines, metadata_date
from indexer.verbs import leading_verb


def _text(element: etree._Element) -> str:
    return join_lines(element.text_content())


def _page_language(root: etree._Element) -> str | None:
    """The language the page declares (`<html lang="fr">`), if it is an official one."""
    declared = (root.get("lang") or "").strip()
    if declared.lower() in ("zh-hant", "zh-tw", "zh-hk"):
        return "zh-Hant"
    code = declared.split("-")[0].lower()
    return code if code in LANGUAGES else None


def read_html(path: Path) -> Resolution:
    """Read a resolution laid out as HTML; preamble paragraphs are preambular clauses, articles
    operative clauses numbered by article."""
    data = read_bytes(path)
    parser = html.HTMLParser(encoding="utf-8", no_network=True)
    try:
        root = html.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise DocumentError(path, f"unreadable HTML: {error}") from error
    too_deep = [entry.message for entry in parser.error_log if "depth" in entry.message.lower()]
    titles = root.xpath("//h1")
    if not titles:
        raise DocumentError(path, "no <h1> title: not a resolution page")
    clauses: list[Clause] = []
    for index, paragraph in enumerate(root.xpath("//header/p"), start=1):
        text = _text(paragraph)
        verb, phrase = leading_verb(text)
        clauses.append(Clause(f"P{index}", "preambular", text, verb, phrase, find_citations(text)))
    for article in root.xpath("//article"):
        number = article.get("data-number") or str(len(clauses) + 1)
        text = "\n".join(_text(p) for p in article.xpath("./p|./ol/li|./ul/li"))
        clauses.append(Clause(number, "operative", text, None, None, find_citations(text)))
    if not clauses:
        why = f" (the HTML parser stopped: {too_deep[0].strip()})" if too_deep else ""
        raise DocumentError(path, f"no preamble paragraphs (<header><p>) or <article>s found{why}")
    full_text = "\n\n".join(clause.text for clause in clauses)
    meta = sidecar_metadata(path)
    symbol = meta.get("symbol")
    language = meta.get("language") or _page_language(root) or language_of_file(path) or detect_language(full_text)
    return Resolution(
        symbol=symbol,
        language=language,
        kind=meta.get("kind", "resolution"),
        session=int(meta["session"]) if meta.get("session") else None,
        agenda_items=(),
        title=_text(titles[0]),
        sponsors=(),
        date=metadata_date(meta["date"], path) if meta.get("date") else None,
        text=full_text,
        clauses=tuple(clauses),
        source_path=str(path),
        extra={"script": meta["script"]} if meta.get("script") else {},
    )

"""A resolution as a reference: RIS, BibTeX and CSL-JSON, the forms Zotero and other reference
managers import. The author is the General Assembly (a body, not a person), the number its
symbol, the address its official PDF."""

from __future__ import annotations

import json
import re
from typing import Any

from search_api.models import DocumentView

MEDIA_TYPES = {
    "ris": "application/x-research-info-systems",
    "bibtex": "application/x-bibtex",
    "csl": "application/vnd.citationstyles.csl+json",
}
AUTHOR = "United Nations General Assembly"
PUBLISHER = "United Nations"


def citation(view: DocumentView, fmt: str) -> str:
    """`view` in `fmt` ("ris", "bibtex" or "csl")."""
    return {"ris": ris, "bibtex": bibtex, "csl": csl_json}[fmt](view)


def _url(view: DocumentView) -> str | None:
    return view.links.get("official")  # the document view made it (core/documents.py)


def _note(view: DocumentView) -> str:
    parts = [f"Session {view.session}" if view.session else "", ", ".join(view.agenda_items)]
    if view.agenda_items:
        parts[1] = "agenda item " + parts[1]
    return "; ".join(p for p in parts if p)


def ris(view: DocumentView) -> str:
    lines = [("TY", "GOVDOC"), ("TI", view.title or view.symbol or view.doc_id), ("AU", AUTHOR)]
    if view.date:
        lines += [("PY", view.date[:4]), ("DA", view.date.replace("-", "/"))]
    if view.symbol:
        lines.append(("M1", view.symbol))
    lines += [("PB", PUBLISHER), ("LA", view.language)]
    if _note(view):
        lines.append(("N1", _note(view)))
    if _url(view):
        lines.append(("UR", _url(view) or ""))
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines) + "ER  - \n"


def bibtex(view: DocumentView) -> str:
    # (field, value, braced twice: kept as written, a body's name not split into first and last)
    fields: list[tuple[str, str, bool]] = [
        ("title", _bibtex_text(view.title or view.symbol or view.doc_id), True),
        ("author", AUTHOR, True),
        ("organization", PUBLISHER, False),
    ]
    if view.date:
        fields += [("year", view.date[:4], False), ("date", view.date, False)]
    if view.symbol:
        fields.append(("number", view.symbol, False))
    if _note(view):
        fields.append(("note", _bibtex_text(_note(view)), False))
    fields.append(("language", view.language, False))
    if _url(view):
        fields.append(("url", _url(view) or "", False))  # as is: the url field is read verbatim
    key = re.sub(r"[^A-Za-z0-9]+", "_", view.symbol or view.doc_id).strip("_") or "resolution"
    body = ",\n".join(
        f"  {name} = {{{{{value}}}}}" if twice else f"  {name} = {{{value}}}" for name, value, twice in fields
    )
    return f"@misc{{{key},\n{body}\n}}\n"


def csl_json(view: DocumentView) -> str:
    item: dict[str, Any] = {
        "id": view.symbol or view.doc_id,
        "type": "report",
        "title": view.title or view.symbol or view.doc_id,
        "author": [{"literal": AUTHOR}],
        "publisher": PUBLISHER,
        "language": view.language,
    }
    if view.symbol:
        item["number"] = view.symbol
    if view.date:
        item["issued"] = {"date-parts": [[int(part) for part in view.date.split("-")]]}
    if _note(view):
        item["note"] = _note(view)
    if _url(view):
        item["URL"] = _url(view)
    return json.dumps([item], ensure_ascii=False, indent=1)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _bibtex_text(text: str) -> str:
    """Text safe inside BibTeX braces: braces balanced by dropping them, specials escaped."""
    text = _one_line(text).replace("{", "").replace("}", "")
    return re.sub(r"([&%$#_])", r"\\\1", text)
